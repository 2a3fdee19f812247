import type { CorsOptions } from '@cors/core';
import type { ConfigErrorRow } from './config-error-rows.js';
import type { ConformanceRow, Observation, RowRequest } from './rows.js';

// Issue 18: settings that let a client hurt the server, option objects that could smuggle
// settings in, and wildcards on public suffixes. Every adapter runs these rows (they are part of
// `allRows` and `configErrorRows`).

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

function preflight(origin: string, requestMethod: string): RowRequest {
  return { method: 'OPTIONS', headers: { origin, 'access-control-request-method': requestMethod } };
}
function get(origin: string): RowRequest {
  return { method: 'GET', headers: { origin } };
}
function routeRuns(headers: Record<string, string>): Observation {
  return { status: 200, routeRuns: true, headers };
}
const refusedPreflight: Observation = {
  status: 403,
  routeRuns: false,
  headers: { vary: VARY_PREFLIGHT },
};
const allowed = (origin: string): Observation =>
  routeRuns({ 'access-control-allow-origin': origin, vary: 'Origin' });
const refused: Observation = routeRuns({ vary: 'Origin' });

/** The `originTimeout` the never-settling rows use, in milliseconds. */
export const SHORT_ORIGIN_TIMEOUT = 50;

/** An `origin` function whose promise never settles. */
export function neverSettlingOrigin(): Promise<boolean> {
  return new Promise<boolean>(() => undefined);
}

function throwingHook(): never {
  throw new Error('hook failed');
}

// More patterns than the core tests one by one, so they are looked up by host.
const manyPatterns: readonly string[] = [
  ...Array.from({ length: 40 }, (_, index) => `https://*.tenant-${index}.example.com`),
  'http://localhost:*',
  'https://*.shop.example.org:8443',
];

/** Request rows for the rules of issue 18. */
export const hardeningRows: readonly ConformanceRow[] = [
  // An origin function that never settles: the SPEC's error path once originTimeout has passed.
  ...[get(APP), preflight(APP, 'PUT')].map(
    (request): ConformanceRow => ({
      name: `an origin function that never settles: ${request.method === 'GET' ? 'an actual request' : 'a preflight'} gets the error response after originTimeout, Vary: Origin, no grant`,
      options: {
        origin: neverSettlingOrigin,
        originTimeout: SHORT_ORIGIN_TIMEOUT,
        credentials: true,
      },
      request,
      expected: { status: 500, routeRuns: false, headers: { vary: 'Origin' } },
    }),
  ),

  // Hooks that throw: answered as if no hook were set.
  ...(
    [
      ['onDecision', { onDecision: throwingHook }],
      ['debug', { debug: throwingHook }],
    ] as const
  ).flatMap(([hook, options]): ConformanceRow[] => [
    {
      name: `a throwing ${hook} hook: a refused actual request is answered as without the hook`,
      options: { origin: APP, ...options },
      request: get(EVIL),
      expected: refused,
    },
    {
      name: `a throwing ${hook} hook: an allowed actual request is answered as without the hook`,
      options: { origin: APP, ...options },
      request: get(APP),
      expected: allowed(APP),
    },
    {
      name: `a throwing ${hook} hook: a refused preflight is answered as without the hook`,
      options: { origin: APP, ...options },
      request: preflight(EVIL, 'PUT'),
      expected: refusedPreflight,
    },
  ]),

  // Access-Control-Request-Method is capped like Access-Control-Request-Headers.
  {
    name: 'a 128-character Access-Control-Request-Method is reflected by methods * with credentials',
    options: { origin: APP, methods: '*', credentials: true },
    request: preflight(APP, 'M'.repeat(128)),
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'M'.repeat(128),
        vary: VARY_PREFLIGHT,
      },
    },
  },
  {
    name: 'a 129-character Access-Control-Request-Method is refused as malformed and never echoed',
    options: { origin: APP, methods: '*', credentials: true },
    request: preflight(APP, 'M'.repeat(129)),
    expected: refusedPreflight,
  },
  {
    name: 'a 4 KB Access-Control-Request-Method is refused and never echoed',
    options: { origin: APP, methods: '*' },
    request: preflight(APP, 'M'.repeat(4096)),
    expected: refusedPreflight,
  },

  // Patterns indexed by host answer as patterns tested one by one.
  {
    name: 'many patterns: a deep subdomain of one of them is allowed',
    options: { origin: manyPatterns },
    request: get('https://a.b.tenant-33.example.com'),
    expected: allowed('https://a.b.tenant-33.example.com'),
  },
  {
    name: 'many patterns: the parent domain itself is refused',
    options: { origin: manyPatterns },
    request: get('https://tenant-33.example.com'),
    expected: refused,
  },
  {
    name: 'many patterns: another scheme is refused',
    options: { origin: manyPatterns },
    request: get('http://a.tenant-33.example.com'),
    expected: refused,
  },
  {
    name: 'many patterns: a look-alike domain is refused',
    options: { origin: manyPatterns },
    request: get('https://a.tenant-33.example.com.evil.example.net'),
    expected: refused,
  },
  {
    name: 'many patterns: a port pattern among them allows any port',
    options: { origin: manyPatterns },
    request: get('http://localhost:5173'),
    expected: allowed('http://localhost:5173'),
  },
  {
    name: 'many patterns: a pattern with a port allows only that port',
    options: { origin: manyPatterns },
    request: get('https://a.shop.example.org'),
    expected: refused,
  },
  {
    name: 'many patterns: a pattern with a port allows it',
    options: { origin: manyPatterns },
    request: get('https://a.shop.example.org:8443'),
    expected: allowed('https://a.shop.example.org:8443'),
  },

  // Options objects are read from their own properties only.
  {
    name: 'an options object without a prototype is read like any other',
    options: Object.assign(Object.create(null) as CorsOptions, { origin: APP }),
    request: get(APP),
    expected: allowed(APP),
  },
  {
    name: 'a wildcard under a public suffix is accepted when allowPublicSuffixWildcards names it',
    options: { origin: 'https://*.github.io', allowPublicSuffixWildcards: ['github.io'] },
    request: get('https://someone.github.io'),
    expected: allowed('https://someone.github.io'),
  },
];

/** Configurations of issue 18 that must throw `CorsConfigError` at start-up. */
export const hardeningConfigErrorRows: readonly ConfigErrorRow[] = [
  {
    name: 'a wildcard under a public suffix of the private section (github.io)',
    options: { origin: 'https://*.github.io' },
    expected: {
      option: 'origin',
      mentions: [
        '"https://*.github.io"',
        'public suffix',
        'list the exact origins',
        'allowPublicSuffixWildcards',
      ],
    },
  },
  {
    name: 'a wildcard under a public suffix of the ICANN section (co.uk), with credentials',
    options: { origin: ['https://app.example.com', 'https://*.co.uk'], credentials: true },
    expected: {
      option: 'origin',
      mentions: ['"https://*.co.uk"', 'every site under co.uk', 'list the exact origins'],
    },
  },
  {
    name: 'a wildcard under a public suffix with a port',
    options: { origin: 'https://*.herokuapp.com:*' },
    expected: { option: 'origin', mentions: ['"https://*.herokuapp.com:*"', 'public suffix'] },
  },
  {
    name: 'allowPublicSuffixWildcards that is not a list',
    options: { origin: 'https://*.github.io', allowPublicSuffixWildcards: 'github.io' },
    expected: {
      option: 'allowPublicSuffixWildcards',
      mentions: ['"github.io"', 'not an array', "['github.io']"],
    },
  },
  {
    name: 'allowPublicSuffixWildcards naming a pattern instead of a host',
    options: { allowPublicSuffixWildcards: ['https://*.github.io'] },
    expected: {
      option: 'allowPublicSuffixWildcards',
      mentions: ['"https://*.github.io"', 'not a host name'],
    },
  },
  {
    name: 'a "__proto__" key (as JSON.parse makes it) that would smuggle settings in',
    options: JSON.parse(
      '{"origin":"https://app.example.com","__proto__":{"credentials":true,"exposedHeaders":["x-secret"]}}',
    ) as unknown,
    expected: {
      option: '__proto__',
      mentions: ['"__proto__" is not a CORS option', 'own properties'],
      omits: ['[object Object]'],
    },
  },
  {
    name: 'a "constructor" key',
    options: { origin: 'https://app.example.com', constructor: 'x' },
    expected: {
      option: 'constructor',
      mentions: ['"constructor" is not a CORS option'],
      omits: ['function Object', '[native code]'],
    },
  },
  {
    name: 'options inherited from a prototype ({ __proto__: { credentials: true } })',
    options: {
      origin: 'https://app.example.com',
      __proto__: { credentials: true, exposedHeaders: ['x-secret'] },
    },
    expected: {
      option: 'credentials',
      mentions: ['"credentials" is inherited', 'own properties', 'set it on the options object'],
    },
  },
  {
    name: 'an originTimeout of 0',
    options: { origin: async () => true, originTimeout: 0 },
    expected: {
      option: 'originTimeout',
      mentions: ['0', 'positive number of milliseconds', 'originTimeout: 5000'],
    },
  },
  {
    name: 'an infinite originTimeout',
    options: { originTimeout: Infinity },
    expected: { option: 'originTimeout', mentions: ['Infinity', 'positive number'] },
  },
  {
    name: 'an originTimeout beyond the largest timer delay',
    options: { originTimeout: 2 ** 31 },
    expected: { option: 'originTimeout', mentions: ['2147483648', '2147483647'] },
  },
  {
    name: 'a lowercase spelling of a method browsers send uppercase',
    options: { methods: ['GET', 'put'] },
    expected: { option: 'methods', mentions: ['"put"', 'case-sensitively', "write 'PUT'"] },
  },
];
