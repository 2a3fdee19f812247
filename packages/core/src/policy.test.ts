import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CorsConfigError } from './config-error.js';
import type { CorsDecision, RefusalReason } from './decision.js';
import { MAX_REQUEST_HEADERS_LENGTH } from './headers.js';
import type { CorsOptions } from './options.js';
import { isPromiseLike } from './origin/matcher.js';
import { classifyRequest, createCorsPolicy, explainRefusal, type CorsRequest } from './policy.js';
import { actual, preflight } from './requests.test-support.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const VARY_PREFLIGHT = [
  'Origin',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
];

function decide(options: CorsOptions, request: CorsRequest): CorsDecision {
  const decision = createCorsPolicy(options).evaluate(request);
  if (isPromiseLike(decision)) throw new Error('expected a synchronous decision');
  return decision;
}

function configError(options: unknown): CorsConfigError {
  try {
    createCorsPolicy(options as CorsOptions);
  } catch (error) {
    if (error instanceof CorsConfigError) return error;
    throw error;
  }
  throw new Error('expected a CorsConfigError');
}

describe('decisions as data', () => {
  it('grants an allowed actual request', () => {
    expect(
      decide({ origin: APP, credentials: true, exposedHeaders: ['X-Id'] }, actual(APP)),
    ).toEqual({
      kind: 'actual',
      allowed: true,
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'X-Id',
      },
      vary: ['Origin'],
      action: 'continue',
    });
  });

  it('refuses a refused actual request with its reason and the origin as detail', () => {
    expect(decide({ origin: APP }, actual(EVIL))).toEqual({
      kind: 'actual',
      allowed: false,
      headers: {},
      vary: ['Origin'],
      action: 'continue',
      reason: 'origin-not-allowed',
      detail: EVIL,
    });
  });

  it('answers a request without Origin from an allowlist policy with no grant and no reason', () => {
    expect(decide({ origin: APP }, actual())).toEqual({
      kind: 'not-cors',
      allowed: false,
      headers: {},
      vary: ['Origin'],
      action: 'continue',
    });
  });

  it('answers an allowed preflight with every header and its status', () => {
    expect(
      decide(
        { origin: APP, maxAge: 60, privateNetwork: true },
        { ...preflight(APP, 'PUT', 'X-A'), requestPrivateNetwork: 'true' },
      ),
    ).toEqual({
      kind: 'preflight',
      allowed: true,
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        'Access-Control-Allow-Headers': 'x-a',
        'Access-Control-Allow-Private-Network': 'true',
        'Access-Control-Max-Age': '60',
      },
      vary: [...VARY_PREFLIGHT, 'Access-Control-Request-Private-Network'],
      action: 'respond',
      status: 204,
      privateNetwork: 'granted',
    });
  });

  it('refuses a preflight with 403, nothing granted', () => {
    expect(decide({ origin: APP, maxAge: 60 }, preflight(EVIL))).toEqual({
      kind: 'preflight',
      allowed: false,
      headers: {},
      vary: VARY_PREFLIGHT,
      action: 'respond',
      status: 403,
      reason: 'origin-not-allowed',
      detail: EVIL,
    });
  });

  it('hands a refused preflight on with preflightContinue, still with no grant', () => {
    expect(decide({ origin: APP, preflightContinue: true }, preflight(APP, 'PURGE'))).toMatchObject(
      {
        kind: 'preflight',
        allowed: false,
        headers: {},
        action: 'continue',
        reason: 'method-not-allowed',
      },
    );
  });

  it('gives every request an answer of its own (one grant does not leak into the next)', () => {
    const policy = createCorsPolicy({ origin: [APP, EVIL] });
    const first = policy.evaluate(actual(APP)) as CorsDecision;
    const second = policy.evaluate(actual(EVIL)) as CorsDecision;
    expect(first.headers['Access-Control-Allow-Origin']).toBe(APP);
    expect(second.headers['Access-Control-Allow-Origin']).toBe(EVIL);
  });
});

describe('refusal reasons', () => {
  it.each<[string, CorsOptions, CorsRequest, RefusalReason, string]>([
    ['an unlisted origin', { origin: APP }, actual(EVIL), 'origin-not-allowed', EVIL],
    [
      'two joined origins',
      { origin: APP },
      actual(`${APP}, ${APP}`),
      'origin-malformed',
      `${APP}, ${APP}`,
    ],
    ['an origin with a path', { origin: APP }, actual(`${APP}/`), 'origin-malformed', `${APP}/`],
    ["'null' not listed", { origin: APP }, actual('null'), 'origin-not-allowed', 'null'],
    [
      'a preflight from an unlisted origin',
      { origin: APP },
      preflight(EVIL),
      'origin-not-allowed',
      EVIL,
    ],
    [
      'an unlisted method',
      { origin: APP, methods: ['GET'] },
      preflight(APP, 'PUT'),
      'method-not-allowed',
      'PUT',
    ],
    [
      'a method that is not a token',
      { origin: APP },
      preflight(APP, 'GET POST'),
      'method-malformed',
      'GET POST',
    ],
    ['a lowercase method', { origin: APP }, preflight(APP, 'put'), 'method-not-allowed', 'put'],
    [
      'an unlisted header',
      { origin: APP, allowedHeaders: ['content-type'] },
      preflight(APP, 'GET', 'Content-Type, X-Secret'),
      'header-not-allowed',
      'x-secret',
    ],
    [
      'a header that is not a token',
      { origin: APP },
      preflight(APP, 'GET', 'x ok'),
      'headers-malformed',
      'x ok',
    ],
  ])('%s', (_what, options, request, reason, detail) => {
    expect(decide(options, request)).toMatchObject({ allowed: false, headers: {}, reason, detail });
  });

  it.each([
    [
      'a malformed 8 KB origin',
      { origin: APP },
      actual(`https://${'a'.repeat(8192)}.example.com`),
      'origin-malformed',
    ],
    [
      'a 64 KB method that is a token',
      { origin: APP },
      preflight(APP, 'A'.repeat(65_536)),
      'method-malformed',
    ],
    [
      'a 64 KB method that is a token, with methods: *',
      { origin: APP, methods: '*', credentials: true },
      preflight(APP, 'A'.repeat(65_536)),
      'method-malformed',
    ],
    [
      'a 64 KB method that is not a token',
      { origin: APP },
      preflight(APP, `${'A'.repeat(65_536)} `),
      'method-malformed',
    ],
  ] as const)(
    'refuses %s and keeps only 200 characters of it',
    (_what, options, request, reason) => {
      const decision = decide(options, request);
      expect(decision).toMatchObject({ allowed: false, headers: {}, reason });
      expect(decision.detail).toHaveLength(201);
      expect(decision.detail?.endsWith('…')).toBe(true);
    },
  );

  it('reports a refused origin first, even when the method is refused too', () => {
    expect(decide({ origin: APP, methods: ['GET'] }, preflight(EVIL, 'PURGE'))).toMatchObject({
      reason: 'origin-not-allowed',
    });
  });

  it('refuses a 64 KB Access-Control-Request-Headers as malformed, and keeps only 200 characters of it', () => {
    const names = Array.from({ length: 8000 }, (_, i) => `x-h${i}`).join(',');
    const huge = names.padEnd(64 * 1024, 'a').slice(0, 64 * 1024);
    expect(huge.length).toBeGreaterThan(MAX_REQUEST_HEADERS_LENGTH);
    for (const options of [{ origin: APP }, { origin: APP, allowedHeaders: '*' as const }, {}]) {
      const decision = decide(options, preflight(APP, 'GET', huge));
      expect(decision).toMatchObject({
        kind: 'preflight',
        allowed: false,
        headers: {},
        reason: 'headers-malformed',
      });
      expect(decision.detail).toBe(`${huge.slice(0, 200)}…`);
    }
  });
});

describe('synchronous unless the origin function is async', () => {
  const syncPolicies: [string, CorsOptions][] = [
    ["'*'", {}],
    ['an exact origin', { origin: APP }],
    ['a pattern and a RegExp', { origin: ['https://*.example.com', /^https:\/\/a\.example$/] }],
    ['a sync function', { origin: (origin: string) => origin === APP }],
    ['hooks', { origin: APP, onDecision: () => undefined, debug: () => undefined }],
  ];
  const requests: CorsRequest[] = [
    actual(),
    actual(APP),
    actual(EVIL),
    actual('x'),
    preflight(APP),
    preflight(EVIL),
  ];

  it.each(syncPolicies)('never returns a promise for %s', (_what, options) => {
    const policy = createCorsPolicy(options);
    for (const request of requests) expect(isPromiseLike(policy.evaluate(request))).toBe(false);
  });

  it('returns a promise when an async function decides', async () => {
    const policy = createCorsPolicy({ origin: async (origin: string) => origin === APP });
    const granted = policy.evaluate(actual(APP));
    const answered = policy.evaluate(preflight(APP));
    expect(isPromiseLike(granted)).toBe(true);
    expect(isPromiseLike(answered)).toBe(true);
    await expect(granted).resolves.toMatchObject({
      allowed: true,
      headers: { 'Access-Control-Allow-Origin': APP },
    });
    await expect(answered).resolves.toMatchObject({ allowed: true, status: 204 });
    await expect(policy.evaluate(actual(EVIL))).resolves.toMatchObject({
      allowed: false,
      reason: 'origin-not-allowed',
    });
  });

  it('stays synchronous with an async function when it need not call it', () => {
    const originFunction = vi.fn(async () => true);
    const policy = createCorsPolicy({ origin: originFunction });
    expect(policy.evaluate(actual())).toMatchObject({ kind: 'not-cors', allowed: false });
    expect(policy.evaluate(actual(`${APP}, ${EVIL}`))).toMatchObject({
      allowed: false,
      reason: 'origin-malformed',
    });
    expect(policy.evaluate(preflight(`${APP}/`))).toMatchObject({
      allowed: false,
      reason: 'origin-malformed',
    });
    expect(originFunction).not.toHaveBeenCalled();
  });

  it('throws what a sync origin function throws', () => {
    const failure = new Error('database down');
    const policy = createCorsPolicy({
      origin: () => {
        throw failure;
      },
    });
    expect(() => policy.evaluate(actual(APP))).toThrow(failure);
    expect(() => policy.evaluate(preflight(APP))).toThrow(failure);
  });

  it('rejects with what an async origin function rejects with, and calls no hook', async () => {
    const failure = new Error('database down');
    const onDecision = vi.fn();
    const policy = createCorsPolicy({ origin: async () => Promise.reject(failure), onDecision });
    await expect(policy.evaluate(actual(APP))).rejects.toBe(failure);
    await expect(policy.evaluate(preflight(APP))).rejects.toBe(failure);
    expect(onDecision).not.toHaveBeenCalled();
  });
});

describe('errorVary', () => {
  it.each([
    ['an origin function', { origin: () => true }],
    ['an async origin function', { origin: async () => true }],
    ['an exact origin', { origin: APP }],
    [
      'a list with a pattern, and privateNetwork',
      { origin: [APP, 'https://*.example.com'], privateNetwork: true },
    ],
  ] satisfies [string, CorsOptions][])(
    "is ['Origin'] for %s: an error response must vary on what the answer would have",
    (_what, options) => {
      expect(createCorsPolicy(options).errorVary).toEqual(['Origin']);
    },
  );

  it("is empty for origin '*', whose answers never depend on the origin", () => {
    expect(createCorsPolicy().errorVary).toEqual([]);
    expect(createCorsPolicy({ origin: '*', allowedHeaders: ['x-id'] }).errorVary).toEqual([]);
  });
});

describe('onDecision', () => {
  const request = { url: '/users', framework: 'test' };

  it('is called with every decision and the framework request: grants, refusals and non-CORS requests', () => {
    const onDecision = vi.fn();
    const policy = createCorsPolicy<typeof request>({ origin: APP, onDecision });
    const decisions = [
      policy.evaluate({ ...actual(APP), request }),
      policy.evaluate({ ...actual(EVIL), request }),
      policy.evaluate({ ...preflight(APP), request }),
      policy.evaluate({ ...preflight(EVIL), request }),
      policy.evaluate({ ...actual(), request }),
    ];
    expect(onDecision.mock.calls).toEqual(decisions.map((decision) => [decision, request]));
    expect(onDecision.mock.calls[1]?.[0]).toMatchObject({
      allowed: false,
      reason: 'origin-not-allowed',
    });
  });

  it('is called once an async origin function has settled, with the settled decision', async () => {
    const onDecision = vi.fn();
    const policy = createCorsPolicy<typeof request>({ origin: async () => true, onDecision });
    const pending = policy.evaluate({ ...actual(APP), request });
    expect(onDecision).not.toHaveBeenCalled();
    const decision = await pending;
    expect(onDecision).toHaveBeenCalledExactlyOnceWith(decision, request);
  });

  describe('a hook that throws', () => {
    const failure = new Error('metrics down');
    const throwing = (): never => {
      throw failure;
    };
    let consoleError: ReturnType<typeof vi.spyOn>;
    beforeEach(() => {
      consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => consoleError.mockRestore());

    it.each<[string, CorsOptions, 'onDecision' | 'debug']>([
      ['onDecision', { origin: APP, onDecision: throwing }, 'onDecision'],
      ['debug', { origin: APP, debug: throwing }, 'debug'],
      [
        'onDecision, with an async origin function',
        { origin: async (o: string) => o === APP, onDecision: throwing },
        'onDecision',
      ],
      [
        'debug, with an async origin function',
        { origin: async (o: string) => o === APP, debug: throwing },
        'debug',
      ],
    ])(
      '%s: answers as if no hook were set and reports the error once',
      async (_what, options, hook) => {
        const policy = createCorsPolicy(options);
        const plain = createCorsPolicy({ ...options, onDecision: undefined, debug: undefined });
        for (const request of [
          actual(APP),
          actual(EVIL),
          preflight(APP, 'PUT'),
          preflight(EVIL, 'PUT'),
        ]) {
          expect(await policy.evaluate(request)).toEqual(await plain.evaluate(request));
        }
        expect(consoleError).toHaveBeenCalledOnce();
        expect(consoleError.mock.calls[0]).toEqual([
          expect.stringContaining(`the ${hook} hook threw`),
          failure,
        ]);
      },
    );

    it('reports an async onDecision that rejects, once, without an unhandled rejection', async () => {
      const policy = createCorsPolicy({
        origin: APP,
        onDecision: async () => Promise.reject(failure),
      });
      expect(policy.evaluate(actual(EVIL))).toMatchObject({ allowed: false });
      expect(policy.evaluate(actual(APP))).toMatchObject({ allowed: true });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(consoleError).toHaveBeenCalledOnce();
    });

    it('reports once per policy: another policy reports its own', () => {
      for (let round = 0; round < 2; round++) {
        const policy = createCorsPolicy({ origin: APP, onDecision: throwing });
        policy.evaluate(actual(EVIL));
        policy.evaluate(actual(EVIL));
      }
      expect(consoleError).toHaveBeenCalledTimes(2);
    });
  });
});

describe('debug', () => {
  it('logs one line per refusal, naming the fix, and nothing for grants', () => {
    const lines: string[] = [];
    const policy = createCorsPolicy({
      origin: APP,
      allowedHeaders: ['content-type'],
      debug: (line) => lines.push(line),
    });
    policy.evaluate(actual(APP));
    policy.evaluate(preflight(APP, 'PUT', 'content-type'));
    policy.evaluate(actual());
    expect(lines).toEqual([]);
    policy.evaluate(actual(EVIL));
    policy.evaluate(preflight(APP, 'PUT', 'x-token'));
    expect(lines).toEqual([
      'cors: refused request: origin "https://evil.example.net" is not allowed; add it to the origin option',
      'cors: refused preflight: header "x-token" is not in allowedHeaders; add it there',
    ]);
  });

  it('logs with console.warn when true', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const policy = createCorsPolicy({ origin: APP, debug: true });
      policy.evaluate(actual(APP));
      expect(warn).not.toHaveBeenCalled();
      policy.evaluate(preflight(APP, 'PURGE'));
      expect(warn).toHaveBeenCalledExactlyOnceWith(
        'cors: refused preflight: method "PURGE" is not in methods (compared case-sensitively); add it there',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('logs an attacker-controlled value on one line, escaped and cut to 200 characters', () => {
    const lines: string[] = [];
    const policy = createCorsPolicy({ origin: APP, debug: (line) => lines.push(line) });
    policy.evaluate(actual(`https://a.example\r\nX-Injected: 1${'a'.repeat(500)}`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0]).toContain('\\r\\nX-Injected');
    expect(lines[0]!.length).toBeLessThan(320);
  });
});

describe('explainRefusal', () => {
  const refusal = (
    kind: CorsDecision['kind'],
    reason: RefusalReason,
    detail: string,
  ): CorsDecision => ({
    kind,
    allowed: false,
    headers: {},
    vary: [],
    action: 'continue',
    reason,
    detail,
  });

  it.each<[RefusalReason, CorsDecision['kind'], string, string]>([
    [
      'origin-not-allowed',
      'actual',
      EVIL,
      `cors: refused request: origin "${EVIL}" is not allowed; add it to the origin option`,
    ],
    [
      'origin-malformed',
      'actual',
      `${APP}, ${EVIL}`,
      `cors: refused request: Origin header "${APP}, ${EVIL}" is not one serialized origin (scheme://host[:port])`,
    ],
    [
      'method-not-allowed',
      'preflight',
      'PURGE',
      'cors: refused preflight: method "PURGE" is not in methods (compared case-sensitively); add it there',
    ],
    [
      'method-malformed',
      'preflight',
      'GET POST',
      'cors: refused preflight: Access-Control-Request-Method "GET POST" is not a method',
    ],
    [
      'header-not-allowed',
      'preflight',
      'x-token',
      'cors: refused preflight: header "x-token" is not in allowedHeaders; add it there',
    ],
    [
      'headers-malformed',
      'preflight',
      'x y',
      'cors: refused preflight: Access-Control-Request-Headers "x y" is not a list of header names',
    ],
    [
      'route-ambiguous',
      'preflight',
      'OPTIONS /users/1',
      'cors: refused preflight: "OPTIONS /users/1" could reach routes with different CORS policies; give them one policy',
    ],
    [
      'cors-disabled',
      'preflight',
      '/admin',
      'cors: refused preflight: CORS is disabled for "/admin"',
    ],
  ])('explains %s', (reason, kind, detail, line) => {
    expect(explainRefusal(refusal(kind, reason, detail))).toBe(line);
  });

  it('cuts a long detail to 200 characters', () => {
    const line = explainRefusal(refusal('actual', 'origin-not-allowed', 'a'.repeat(1000)));
    expect(line).toContain(`"${'a'.repeat(200)}…"`);
    expect(line).not.toContain('a'.repeat(201));
  });
});

describe('configuration errors', () => {
  it('reports every problem at once, in option order, one line each', () => {
    const error = configError({
      origin: ['https://ok.example', 'https://bad.example/', 'app.example.com'],
      credentials: 'yes',
      methods: ['GET', 'PO ST'],
      allowedHeaders: 'content-type, x-id',
      exposedHeaders: ['x:y'],
      maxAge: -5,
      optionsSuccessStatus: 301,
      onDecision: 'log',
      debug: 'verbose',
      allowOrigin: '*',
    });
    expect(error.issues.map((issue) => [issue.option, issue.value])).toEqual([
      ['allowOrigin', '*'],
      ['origin', 'https://bad.example/'],
      ['origin', 'app.example.com'],
      ['credentials', 'yes'],
      ['methods', 'PO ST'],
      ['allowedHeaders', 'content-type, x-id'],
      ['exposedHeaders', 'x:y'],
      ['maxAge', -5],
      ['optionsSuccessStatus', 301],
      ['onDecision', 'log'],
      ['debug', 'verbose'],
    ]);
    expect(error.message.split('\n')).toEqual([
      'Invalid CORS configuration, 11 problems:',
      '  - allowOrigin: "allowOrigin" is not a CORS option (did you mean origin?)',
      '  - origin: "https://bad.example/" has a path or trailing slash; an origin is only scheme://host[:port] (did you mean https://bad.example?)',
      '  - origin: "app.example.com" has no scheme (did you mean https://app.example.com?)',
      '  - credentials: "yes" is not true or false',
      '  - methods: "PO ST" is not a valid HTTP token (letters, digits and !#$%&\'*+-.^_`|~ only)',
      "  - allowedHeaders: \"content-type, x-id\" is a string; allowedHeaders takes an array or '*' (did you mean ['content-type', 'x-id']?)",
      '  - exposedHeaders: "x:y" is not a valid HTTP token (letters, digits and !#$%&\'*+-.^_`|~ only)',
      '  - maxAge: -5 is not a non-negative whole number of seconds (e.g. maxAge: 600)',
      '  - optionsSuccessStatus: 301 is not a 2xx status; browsers fail a preflight with any other (use 204 (or 200 for very old clients))',
      '  - onDecision: "log" is not a function',
      '  - debug: "verbose" is not a boolean or a function',
    ]);
  });

  it('says "1 problem" for one', () => {
    expect(configError({ maxAge: 1.5 }).message).toBe(
      'Invalid CORS configuration, 1 problem:\n  - maxAge: 1.5 is not a non-negative whole number of seconds (e.g. maxAge: 600)',
    );
  });

  it.each([
    ['a string', 'https://app.example.com'],
    ['null', null],
    ['an array', ['https://app.example.com']],
  ])('refuses options that are %s', (_what, options) => {
    expect(configError(options).issues).toEqual([
      {
        option: 'options',
        value: options,
        message: expect.stringContaining('is not an options object'),
      },
    ]);
  });

  it.each([
    ['allowHeaders', 'allowedHeaders'],
    ['exposeHeaders', 'exposedHeaders'],
    ['maxage', 'maxAge'],
    ['Credentials', 'credentials'],
    ['allowPrivateNetwork', 'privateNetwork'],
  ])('suggests the right name for %s', (name, option) => {
    expect(configError({ [name]: true }).issues[0]?.hint).toBe(`did you mean ${option}?`);
  });

  it('lists the options for a name it cannot place', () => {
    expect(configError({ whatever: 1 }).issues[0]?.hint).toBe(
      'the options are origin, credentials, methods, allowedHeaders, exposedHeaders, maxAge, privateNetwork, preflightContinue, optionsSuccessStatus, originTimeout, allowPublicSuffixWildcards, upgradeWithoutOrigin, onDecision, debug, mode, report',
    );
  });

  it.each([
    ['a maxAge too large to print as whole seconds', { maxAge: 1e21 }, 'maxAge'],
    ['an infinite maxAge', { maxAge: Infinity }, 'maxAge'],
    ['a maxAge that is a string', { maxAge: '600' }, 'maxAge'],
    ['a fractional optionsSuccessStatus', { optionsSuccessStatus: 204.5 }, 'optionsSuccessStatus'],
    ["'*' inside a methods list", { methods: ['GET', '*'] }, 'methods'],
    ['methods that are not an array', { methods: 5 }, 'methods'],
    [
      'a RegExp matching every https site with credentials',
      { origin: /^https:\/\/.+$/, credentials: true },
      'origin',
    ],
  ])('refuses %s', (_what, options, option) => {
    expect(configError(options).issues.map((issue) => issue.option)).toEqual([option]);
  });

  it("hints at methods: '*' for a list holding '*'", () => {
    expect(configError({ methods: ['GET', '*'] }).issues[0]?.hint).toBe(
      "use methods: '*' instead of a list holding '*'",
    );
  });

  it('names the broad RegExp inside a list and how to fix it', () => {
    const issue = configError({ origin: [APP, /^https?:\/\/[^/]+$/], credentials: true }).issues[0];
    expect(issue).toEqual({
      option: 'origin',
      value: /^https?:\/\/[^/]+$/,
      message:
        "/^https?:\\/\\/[^/]+$/ matches every site (even https://attacker.invalid), so with credentials: true any site could read your users' data",
      hint: "list the origins instead, e.g. origin: ['https://app.example.com'], or anchor the RegExp on your domain",
    });
  });

  it.each([
    ['a broad RegExp without credentials', { origin: /^https:\/\/.+$/ }],
    ['an empty origin list', { origin: [] }],
    ['the largest safe maxAge', { maxAge: Number.MAX_SAFE_INTEGER }],
    ['maxAge 0', { maxAge: 0 }],
    ['optionsSuccessStatus 200 and 299', { optionsSuccessStatus: 299 }],
    ['empty lists', { methods: [], allowedHeaders: [], exposedHeaders: [] }],
  ])('accepts %s', (_what, options) => {
    expect(() => createCorsPolicy(options)).not.toThrow();
  });
});

describe('choices where the SPEC is silent', () => {
  it('refuses every origin with an empty list', () => {
    expect(decide({ origin: [] }, actual(APP))).toMatchObject({
      allowed: false,
      reason: 'origin-not-allowed',
    });
  });

  it('sends methods as written and compares them case-sensitively', () => {
    const options: CorsOptions = { origin: APP, methods: ['GET', 'DELETE', 'patch', 'PATCH'] };
    expect(decide(options, preflight(APP, 'DELETE')).headers['Access-Control-Allow-Methods']).toBe(
      'GET,DELETE,patch,PATCH',
    );
    expect(decide(options, preflight(APP, 'patch')).allowed).toBe(true);
    expect(decide({ origin: APP, methods: ['patch'] }, preflight(APP, 'PATCH'))).toMatchObject({
      allowed: false,
      reason: 'method-not-allowed',
    });
  });

  it.each(['get', 'Put', 'delete', 'options', 'post', 'head'])(
    'refuses %s at start-up: browsers send it uppercase, so it could never match',
    (method) => {
      const issue = configError({ methods: [method] }).issues[0];
      expect(issue).toMatchObject({ option: 'methods', value: method });
      expect(issue?.hint).toBe(`write '${method.toUpperCase()}'`);
    },
  );

  it('sends configured header names as written, each once, the first spelling winning', () => {
    const decision = decide(
      {
        origin: APP,
        allowedHeaders: ['X-PINGOTHER', 'Content-Type', 'x-pingother'],
        exposedHeaders: ['X-Total', 'x-total', 'ETag'],
      },
      preflight(APP, 'PUT', 'x-pingother, CONTENT-TYPE'),
    );
    expect(decision.headers['Access-Control-Allow-Headers']).toBe('X-PINGOTHER,Content-Type');
    expect(
      decide({ origin: APP, exposedHeaders: ['X-Total', 'x-total', 'ETag'] }, actual(APP)).headers[
        'Access-Control-Expose-Headers'
      ],
    ).toBe('X-Total,ETag');
  });

  it("answers allowedHeaders '*' without credentials with * plus authorization only when asked", () => {
    const options: CorsOptions = { origin: APP, allowedHeaders: '*' };
    expect(
      decide(options, preflight(APP, 'GET', 'Authorization')).headers[
        'Access-Control-Allow-Headers'
      ],
    ).toBe('*,authorization');
    expect(
      decide(options, preflight(APP, 'GET', 'x-a')).headers['Access-Control-Allow-Headers'],
    ).toBe('*');
    expect(decide(options, preflight(APP, 'GET')).headers['Access-Control-Allow-Headers']).toBe(
      '*',
    );
  });

  it('names no allowed headers for an empty allowedHeaders list', () => {
    const decision = decide({ origin: APP, allowedHeaders: [] }, preflight(APP, 'GET'));
    expect(decision.allowed).toBe(true);
    expect(decision.headers).not.toHaveProperty('Access-Control-Allow-Headers');
  });

  it.each([
    ['an allowed preflight', preflight(APP, 'PUT'), true],
    ['a refused preflight', preflight(EVIL, 'PUT'), false],
  ])(
    'answers %s asking for private network access, with privateNetwork off, as without it, and says so',
    (_what, request, allowed) => {
      const lines: string[] = [];
      const onDecision = vi.fn();
      const policy = createCorsPolicy({
        origin: APP,
        debug: (line) => lines.push(line),
        onDecision,
      });
      const plain = createCorsPolicy({ origin: APP });
      const decision = policy.evaluate({
        ...request,
        requestPrivateNetwork: 'true',
      }) as CorsDecision;
      expect(decision).toEqual({
        ...(plain.evaluate(request) as CorsDecision),
        privateNetwork: 'not-granted',
      });
      expect(decision.allowed).toBe(allowed);
      expect(decision.headers).not.toHaveProperty('Access-Control-Allow-Private-Network');
      expect(onDecision).toHaveBeenCalledExactlyOnceWith(decision, undefined);
      expect(lines.at(-1)).toBe(
        `cors: preflight asked for private network access (Access-Control-Request-Private-Network: true, legacy Private Network Access), not granted; its CORS part was ${allowed ? 'answered' : 'refused'} as if it had not been asked. Set privateNetwork: true to grant it to the older browsers that still send it; Chrome 142+ asks the user instead (Local Network Access), which no response header grants`,
      );
    },
  );

  it('leaves privateNetwork unset on a preflight refused by a policy that has it on', () => {
    const decision = decide(
      { origin: APP, privateNetwork: true },
      { ...preflight(EVIL, 'PUT'), requestPrivateNetwork: 'true' },
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'origin-not-allowed' });
    expect(decision).not.toHaveProperty('privateNetwork');
  });

  it('ignores a private-network header whose value is not exactly "true"', () => {
    const decision = decide(
      { origin: APP },
      { ...preflight(APP, 'GET'), requestPrivateNetwork: 'TRUE' },
    );
    expect(decision).toMatchObject({ allowed: true });
    expect(decision.headers).not.toHaveProperty('Access-Control-Allow-Private-Network');
  });

  it('treats an OPTIONS request whose method is not uppercase as an actual request', () => {
    expect(
      decide({ origin: APP }, { method: 'options', origin: APP, requestMethod: 'PUT' }).kind,
    ).toBe('actual');
  });
});

describe('classifyRequest', () => {
  it.each([
    { request: { method: 'GET' }, kind: 'not-cors' },
    { request: { method: 'OPTIONS', requestMethod: 'PUT' }, kind: 'not-cors' },
    { request: { method: 'GET', origin: 'https://a.example' }, kind: 'actual' },
    { request: { method: 'OPTIONS', origin: 'https://a.example' }, kind: 'actual' },
    {
      request: { method: 'POST', origin: 'https://a.example', requestMethod: 'PUT' },
      kind: 'actual',
    },
    {
      request: { method: 'OPTIONS', origin: 'https://a.example', requestMethod: '' },
      kind: 'preflight',
    },
    { request: { method: 'OPTIONS', origin: 'null', requestMethod: 'PUT' }, kind: 'preflight' },
  ] as const)('sorts $request.method with $request as $kind', ({ request, kind }) => {
    expect(classifyRequest(request)).toBe(kind);
  });
});

describe('reading the request', () => {
  function countingRequest(method: string, origin: string | undefined, requestMethod?: string) {
    const reads: string[] = [];
    const request: CorsRequest = {
      method,
      origin,
      get requestMethod() {
        reads.push('requestMethod');
        return requestMethod;
      },
      get requestHeaders() {
        reads.push('requestHeaders');
        return 'x-a';
      },
      get requestPrivateNetwork() {
        reads.push('requestPrivateNetwork');
        return undefined;
      },
    };
    return { request, reads };
  }

  it('reads no Access-Control-Request-* header for an actual request', () => {
    const { request, reads } = countingRequest('GET', 'https://a.example');
    createCorsPolicy({ origin: 'https://a.example' }).evaluate(request);
    expect(reads).toEqual([]);
  });

  it('reads only Access-Control-Request-Method for an OPTIONS request that is not a preflight', () => {
    const { request, reads } = countingRequest('OPTIONS', 'https://a.example');
    createCorsPolicy({ origin: 'https://a.example' }).evaluate(request);
    expect(reads).toEqual(['requestMethod']);
  });

  it('reads the other headers of a preflight only once its origin is allowed', () => {
    const refused = countingRequest('OPTIONS', 'https://b.example', 'PUT');
    createCorsPolicy({ origin: 'https://a.example' }).evaluate(refused.request);
    expect(refused.reads).not.toContain('requestHeaders');

    const allowed = countingRequest('OPTIONS', 'https://a.example', 'PUT');
    createCorsPolicy({ origin: 'https://a.example' }).evaluate(allowed.request);
    expect(allowed.reads).toContain('requestHeaders');
  });
});
