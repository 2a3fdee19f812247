import { afterEach, describe, expect, it } from 'vitest';
import { CorsConfigError } from './config-error.js';
import type { CorsDecision } from './decision.js';
import { mergeCorsOptions } from './merge-options.js';
import type { CorsOptions } from './options.js';
import { createCorsPolicy } from './policy.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

function configError(start: () => unknown): CorsConfigError {
  try {
    start();
  } catch (error) {
    if (error instanceof CorsConfigError) return error;
    throw error;
  }
  throw new Error('expected a CorsConfigError');
}

describe('mergeCorsOptions', () => {
  it('merges later layers over earlier ones, option by option', () => {
    expect(
      mergeCorsOptions(
        { origin: APP, credentials: true, maxAge: 60 },
        undefined,
        { maxAge: 600, exposedHeaders: ['X-Id'] },
        { origin: [APP, EVIL] },
      ),
    ).toStrictEqual(
      Object.assign(Object.create(null), {
        origin: [APP, EVIL],
        credentials: true,
        maxAge: 600,
        exposedHeaders: ['X-Id'],
      }),
    );
  });

  it('keeps the earlier value when a later layer sets an option to undefined', () => {
    expect({ ...mergeCorsOptions({ credentials: true }, { credentials: undefined }) }).toEqual({
      credentials: true,
    });
  });

  it('returns a new object and leaves the layers alone', () => {
    const first: CorsOptions = { origin: APP };
    const merged = mergeCorsOptions(first, { maxAge: 1 });
    expect(merged).not.toBe(first);
    expect(first).toEqual({ origin: APP });
  });

  it.each<[string, unknown, string, readonly string[]]>([
    [
      'a "__proto__" key from JSON.parse',
      JSON.parse('{"__proto__": {"credentials": true, "exposedHeaders": ["x-secret"]}}'),
      '__proto__',
      ['"__proto__" is not a CORS option', 'own properties'],
    ],
    [
      'a "constructor" key',
      { constructor: 1 },
      'constructor',
      ['"constructor" is not a CORS option'],
    ],
    [
      'a misspelt option',
      { exposeHeaders: ['x-id'] },
      'exposeHeaders',
      ['did you mean exposedHeaders?'],
    ],
    [
      'an inherited option',
      { __proto__: { credentials: true } },
      'credentials',
      ['"credentials" is inherited', 'set it on the options object itself'],
    ],
    [
      'a layer that is not an object',
      'https://app.example.com',
      'options',
      ['is not an options object'],
    ],
  ])('refuses %s, and the merge grants nothing', (_what, layer, option, mentions) => {
    const error = configError(() => mergeCorsOptions({ origin: APP }, layer as CorsOptions));
    expect(error.issues[0]?.option).toBe(option);
    for (const text of mentions) expect(error.message).toContain(text);
    expect(error.message).not.toContain('[object Object]');
    expect(error.message).not.toContain('function Object');
  });

  it('reports every problem of every layer at once', () => {
    const error = configError(() =>
      mergeCorsOptions({ orign: APP } as CorsOptions, { credential: true } as CorsOptions),
    );
    expect(error.issues.map((issue) => issue.option)).toEqual(['orign', 'credential']);
  });

  it('returns an object without a prototype, holding only the known options set', () => {
    const merged = mergeCorsOptions({ origin: APP }, { maxAge: 5 });
    expect(Object.getPrototypeOf(merged)).toBe(null);
    expect(Object.keys(merged)).toEqual(['origin', 'maxAge']);
  });
});

describe('createCorsPolicy reads own properties only', () => {
  const polluted = ['origin', 'credentials', 'exposedHeaders', 'methods'] as const;
  afterEach(() => {
    for (const key of polluted) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('ignores a polluted Object.prototype', () => {
    Object.assign(Object.prototype, {
      origin: EVIL,
      credentials: true,
      exposedHeaders: ['x-secret'],
      methods: ['PURGE'],
    });
    const cases: readonly [CorsOptions | undefined, boolean][] = [
      [undefined, true],
      [{}, true],
      [{ origin: APP }, false],
    ];
    for (const [options, allowsEvil] of cases) {
      const policy = createCorsPolicy(options);
      const fromEvil = policy.evaluate({ method: 'GET', origin: EVIL }) as CorsDecision;
      // '*' (the default) answers `*` without credentials; an allowlist refuses.
      expect(Object.keys(fromEvil.headers)).toEqual(
        allowsEvil ? ['Access-Control-Allow-Origin'] : [],
      );
      expect(fromEvil.headers['Access-Control-Allow-Origin']).toBe(allowsEvil ? '*' : undefined);
      const preflight = policy.evaluate({
        method: 'OPTIONS',
        origin: APP,
        requestMethod: 'PURGE',
      }) as CorsDecision;
      expect(preflight.reason).toBe('method-not-allowed');
    }
  });

  it('refuses options inherited from another object instead of ignoring them silently', () => {
    const defaults: CorsOptions = { origin: APP, credentials: true };
    const error = configError(() => createCorsPolicy(Object.create(defaults) as CorsOptions));
    expect(error.issues.map((issue) => issue.option)).toEqual(['origin', 'credentials']);
  });

  it('accepts a class instance whose options are own fields', () => {
    class Options {
      origin = APP;
      credentials = true;
      describe(): string {
        return 'ours';
      }
    }
    const decision = createCorsPolicy(new Options() as CorsOptions).evaluate({
      method: 'GET',
      origin: APP,
    });
    expect(decision).toMatchObject({ allowed: true });
  });

  it('reads a getter once', () => {
    let reads = 0;
    const options = {
      get origin(): string {
        reads += 1;
        return APP;
      },
    };
    createCorsPolicy(options);
    expect(reads).toBe(1);
  });
});
