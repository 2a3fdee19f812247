import { describe, expect, it } from 'vitest';
import { CorsConfigError } from './config-error.js';
import type { CorsDecision } from './decision.js';
import type { CorsOptions } from './options.js';
import { createCorsPolicy, isCorsPolicy, toCorsPolicy } from './reconfigurable-policy.js';

const APP = 'https://app.example.com';
const NEW = 'https://new.example.com';

const get = (origin: string) => ({ method: 'GET', origin });
const allowOrigin = (decision: CorsDecision | Promise<CorsDecision>): string | undefined =>
  (decision as CorsDecision).headers['Access-Control-Allow-Origin'];

describe('reconfigure', () => {
  it('switches every later request to the new options', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    expect(allowOrigin(policy.evaluate(get(NEW)))).toBeUndefined();
    policy.reconfigure({ origin: [APP, NEW] });
    expect(allowOrigin(policy.evaluate(get(NEW)))).toBe(NEW);
    expect(policy.options).toEqual({ origin: [APP, NEW] });
    policy.reconfigure({ origin: [APP] });
    expect(allowOrigin(policy.evaluate(get(NEW)))).toBeUndefined();
  });

  it("adds the new options' names to the error Vary", () => {
    const policy = createCorsPolicy({ origin: '*' });
    expect(policy.errorVary).toEqual([]);
    policy.reconfigure({ origin: [APP] });
    expect(policy.errorVary).toEqual(['Origin']);
  });

  it('keeps the old names in the error Vary, for a request of the old options failing after the switch', async () => {
    let fail: (error: Error) => void = () => undefined;
    const policy = createCorsPolicy({
      origin: () => new Promise<boolean>((_resolve, reject) => (fail = reject)),
    });
    const pending = policy.evaluate(get(APP));
    policy.reconfigure({ origin: '*' });
    fail(new Error('origin store unavailable'));
    await expect(pending).rejects.toThrow('origin store unavailable');
    // What an adapter reads now, for this old request's error response.
    expect(policy.errorVary).toEqual(['Origin']);
  });

  const badOptions: { name: string; options: unknown; option: string }[] = [
    {
      name: 'a path in an origin',
      options: { origin: [NEW, 'https://x.example.com/'] },
      option: 'origin',
    },
    {
      name: 'any origin with credentials',
      options: { origin: '*', credentials: true },
      option: 'origin',
    },
    { name: 'a negative maxAge', options: { origin: [NEW], maxAge: -1 }, option: 'maxAge' },
    { name: 'an unknown option', options: { origin: [NEW], origins: [NEW] }, option: 'origins' },
    { name: 'not an object', options: 'https://new.example.com', option: 'options' },
  ];
  it.each(badOptions)(
    'throws CorsConfigError for $name and keeps the old policy',
    ({ options, option }) => {
      const policy = createCorsPolicy({ origin: [APP], maxAge: 60 });
      const before = policy.evaluate;
      const error = catchError(() => policy.reconfigure(options as CorsOptions));
      expect(error).toBeInstanceOf(CorsConfigError);
      expect((error as CorsConfigError).issues.map((issue) => issue.option)).toContain(option);
      expect(policy.evaluate).toBe(before);
      expect(policy.options).toEqual({ origin: [APP], maxAge: 60 });
      expect(allowOrigin(policy.evaluate(get(APP)))).toBe(APP);
      expect(allowOrigin(policy.evaluate(get(NEW)))).toBeUndefined();
    },
  );

  it('finishes a request whose async origin function is in flight with the policy that started it', async () => {
    let release: (allowed: boolean) => void = () => undefined;
    const policy = createCorsPolicy({
      origin: () => new Promise<boolean>((resolve) => (release = resolve)),
      exposedHeaders: ['x-old'],
    });
    const pending = policy.evaluate(get(APP));
    policy.reconfigure({ origin: [NEW], exposedHeaders: ['x-new'] });
    release(true);
    const decision = await pending;
    // The old policy's whole answer: its grant and its exposed headers, nothing of the new one.
    expect(decision.headers).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Expose-Headers': 'x-old',
    });
    expect(allowOrigin(policy.evaluate(get(APP)))).toBeUndefined();
  });

  it('reports decisions to the onDecision of the options that decided them', () => {
    const seen: string[] = [];
    const policy = createCorsPolicy({ origin: [APP], onDecision: () => seen.push('old') });
    policy.evaluate(get(APP));
    policy.reconfigure({ origin: [APP], onDecision: () => seen.push('new') });
    policy.evaluate(get(APP));
    expect(seen).toEqual(['old', 'new']);
  });

  it('runs every step before switching, and switches nothing when a step refuses', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const switched: string[] = [];
    policy.onReconfigure((options) => () => switched.push(`first ${String(options.origin)}`));
    const remove = policy.onReconfigure((options) => {
      if (options.credentials === true) throw new CorsConfigError([]);
      return () => switched.push('second');
    });
    expect(() => policy.reconfigure({ origin: [NEW], credentials: true })).toThrow(CorsConfigError);
    expect(switched).toEqual([]);
    expect(allowOrigin(policy.evaluate(get(NEW)))).toBeUndefined();

    policy.reconfigure({ origin: [NEW] });
    expect(switched).toEqual([`first ${NEW}`, 'second']);
    remove();
    policy.reconfigure({ origin: [APP] });
    expect(switched).toEqual([`first ${NEW}`, 'second', `first ${APP}`]);
  });
});

describe('isCorsPolicy', () => {
  const rows: { name: string; value: unknown; expected: boolean }[] = [
    { name: 'a policy', value: createCorsPolicy(), expected: true },
    { name: 'options', value: { origin: APP }, expected: false },
    {
      name: 'an object shaped like a policy',
      value: { evaluate: () => ({}), errorVary: [], reconfigure: () => undefined },
      expected: false,
    },
    { name: 'undefined', value: undefined, expected: false },
    { name: 'a string', value: APP, expected: false },
  ];
  it.each(rows)('says $expected for $name', ({ value, expected }) => {
    expect(isCorsPolicy(value)).toBe(expected);
  });

  it('recognizes a policy from another copy of the package by its brand', () => {
    const foreign = { [Symbol.for('@cors/core:policy')]: true };
    expect(isCorsPolicy(foreign)).toBe(true);
  });
});

describe('toCorsPolicy', () => {
  it('returns a policy as it is and compiles options into a new one', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    expect(toCorsPolicy(policy)).toBe(policy);
    const compiled = toCorsPolicy({ origin: [APP] });
    expect(isCorsPolicy(compiled)).toBe(true);
    expect(allowOrigin(compiled.evaluate(get(APP)))).toBe(APP);
  });

  it('throws CorsConfigError for invalid options', () => {
    expect(() => toCorsPolicy({ origin: 'app.example.com' })).toThrow(CorsConfigError);
  });
});

function catchError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
