import type { CorsOptions } from '@cors/core';

/** A request as sent by a test: method and headers (names lowercase). */
export interface RowRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the client sees: status, whether the route ran, every `access-control-*` and `vary` header. */
export interface Observation {
  readonly status: number;
  readonly routeRuns: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** One row of the SPEC's request table. The test route answers 200 with the body `route`. */
export interface ConformanceRow {
  readonly name: string;
  readonly options: CorsOptions;
  readonly request: RowRequest;
  readonly expected: Observation;
}

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';

const VARY_ORIGIN = 'Origin';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const VARY_ANY_ORIGIN_PREFLIGHT = 'Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

const exactPolicy: CorsOptions = { origin: APP };
const credentialedPolicy: CorsOptions = {
  origin: [APP, ADMIN],
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

function get(origin?: string, method = 'GET'): RowRequest {
  return { method, headers: origin === undefined ? {} : { origin } };
}

function preflight(
  origin: string | undefined,
  requestMethod: string,
  requestHeaders?: string,
  extra: Record<string, string> = {},
): RowRequest {
  return {
    method: 'OPTIONS',
    headers: {
      ...(origin === undefined ? {} : { origin }),
      'access-control-request-method': requestMethod,
      ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }),
      ...extra,
    },
  };
}

function routeRuns(headers: Record<string, string>): Observation {
  return { status: 200, routeRuns: true, headers };
}

function answered(headers: Record<string, string>, status = 204): Observation {
  return { status, routeRuns: false, headers };
}

function refusedPreflight(vary = VARY_PREFLIGHT): Observation {
  return { status: 403, routeRuns: false, headers: { vary } };
}

function allowedActual(origin: string): Observation {
  return routeRuns({ 'access-control-allow-origin': origin, vary: VARY_ORIGIN });
}

const refusedActual: Observation = routeRuns({ vary: VARY_ORIGIN });

/** The SPEC's request table, one row per behaviour. */
export const requestRows: readonly ConformanceRow[] = [
  // No Origin: not a CORS request.
  {
    name: "no Origin, '*' policy: allow-origin * and no Vary",
    options: {},
    request: get(),
    expected: routeRuns({ 'access-control-allow-origin': '*' }),
  },
  {
    name: "no Origin, '*' policy with exposed headers: allow-origin * and expose headers",
    options: { origin: '*', exposedHeaders: ['X-Total', 'x-page'] },
    request: get(),
    expected: routeRuns({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'X-Total,x-page',
    }),
  },
  {
    name: 'no Origin, allowlist policy: no grant, Vary: Origin',
    options: exactPolicy,
    request: get(),
    expected: refusedActual,
  },
  {
    name: 'OPTIONS with Access-Control-Request-Method but no Origin is an ordinary request',
    options: exactPolicy,
    request: preflight(undefined, 'PUT'),
    expected: refusedActual,
  },

  // Actual requests.
  {
    name: 'actual request from an allowed origin: its origin is reflected',
    options: exactPolicy,
    request: get(APP),
    expected: allowedActual(APP),
  },
  {
    name: 'actual POST from an allowed origin',
    options: exactPolicy,
    request: get(APP, 'POST'),
    expected: allowedActual(APP),
  },
  {
    name: 'actual request with credentials and exposed headers',
    options: credentialedPolicy,
    request: get(ADMIN),
    expected: routeRuns({
      'access-control-allow-origin': ADMIN,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Request-Id',
      vary: VARY_ORIGIN,
    }),
  },
  {
    name: 'actual request from a refused origin: the route runs, no access-control header',
    options: credentialedPolicy,
    request: get(EVIL),
    expected: refusedActual,
  },
  {
    name: "actual request, '*' policy: allow-origin * whatever the origin, no Vary",
    options: { origin: '*' },
    request: get(EVIL),
    expected: routeRuns({ 'access-control-allow-origin': '*' }),
  },
  {
    name: "exposedHeaders '*' without credentials",
    options: { origin: APP, exposedHeaders: '*' },
    request: get(APP),
    expected: routeRuns({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': '*',
      vary: VARY_ORIGIN,
    }),
  },
  {
    name: 'OPTIONS without Access-Control-Request-Method reaches the route as an actual request',
    options: exactPolicy,
    request: get(APP, 'OPTIONS'),
    expected: allowedActual(APP),
  },

  // Preflights.
  {
    name: 'preflight, allowed: default methods, reflected headers, 204, no body',
    options: exactPolicy,
    request: preflight(APP, 'PUT', 'X-Custom, Content-Type'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-custom,content-type',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'preflight without Access-Control-Request-Headers: no allow-headers',
    options: exactPolicy,
    request: preflight(APP, 'DELETE'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'preflight with credentials and maxAge',
    options: credentialedPolicy,
    request: preflight(APP, 'PATCH', 'content-type'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'preflight from a refused origin: 403, no grant, the route does not run',
    options: credentialedPolicy,
    request: preflight(EVIL, 'PUT', 'content-type'),
    expected: refusedPreflight(),
  },
  {
    name: 'preflight asking for an unlisted method is refused',
    options: { origin: APP, methods: ['GET', 'POST'] },
    request: preflight(APP, 'DELETE'),
    expected: refusedPreflight(),
  },
  {
    name: 'preflight for a listed method gets the configured list as written',
    options: { origin: APP, methods: ['GET', 'POST', 'PURGE', 'Purge', 'PURGE'] },
    request: preflight(APP, 'PURGE'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET,POST,PURGE,Purge',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'preflight asking for an unlisted header is refused',
    options: { origin: APP, allowedHeaders: ['content-type'] },
    request: preflight(APP, 'POST', 'content-type,x-secret'),
    expected: refusedPreflight(),
  },
  {
    name: 'preflight for listed headers gets the configured list as written, each name once',
    options: { origin: APP, allowedHeaders: ['Content-Type', 'X-PINGOTHER', 'x-pingother'] },
    request: preflight(APP, 'POST', 'x-pingother'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'Content-Type,X-PINGOTHER',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "allowedHeaders '*' without credentials names Authorization when it is asked for",
    options: { origin: APP, allowedHeaders: '*' },
    request: preflight(APP, 'GET', 'authorization,x-custom'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': '*,authorization',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "allowedHeaders '*' without credentials and without Authorization answers *",
    options: { origin: APP, allowedHeaders: '*' },
    request: preflight(APP, 'GET', 'x-custom'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': '*',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "allowedHeaders '*' with credentials reflects the requested headers",
    options: { origin: APP, credentials: true, allowedHeaders: '*' },
    request: preflight(APP, 'GET', 'Authorization, X-Custom'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'authorization,x-custom',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "methods '*' without credentials answers *",
    options: { origin: APP, methods: '*' },
    request: preflight(APP, 'PURGE'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': '*',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "methods '*' with credentials reflects the requested method",
    options: { origin: APP, methods: '*', credentials: true },
    request: preflight(APP, 'PURGE'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PURGE',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: "preflight, '*' policy: allow-origin * and no Vary on Origin",
    options: {},
    request: preflight(EVIL, 'PUT', 'x-custom'),
    expected: answered({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-custom',
      vary: VARY_ANY_ORIGIN_PREFLIGHT,
    }),
  },
  {
    name: "preflight, '*' policy, unlisted method: refused, no Vary on Origin",
    options: { methods: ['GET'] },
    request: preflight(EVIL, 'PUT'),
    expected: refusedPreflight(VARY_ANY_ORIGIN_PREFLIGHT),
  },
  {
    name: 'optionsSuccessStatus sets the status of an answered preflight',
    options: { origin: APP, optionsSuccessStatus: 200 },
    request: preflight(APP, 'GET'),
    expected: answered(
      {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': DEFAULT_METHODS,
        vary: VARY_PREFLIGHT,
      },
      200,
    ),
  },
  {
    name: 'preflightContinue hands an allowed preflight to the route with its headers',
    options: { origin: APP, preflightContinue: true },
    request: preflight(APP, 'PUT'),
    expected: routeRuns({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'preflightContinue hands a refused preflight to the route with no grant',
    options: { origin: APP, preflightContinue: true },
    request: preflight(EVIL, 'PUT'),
    expected: routeRuns({ vary: VARY_PREFLIGHT }),
  },
  {
    name: 'private network access asked and enabled is granted',
    options: { origin: APP, privateNetwork: true },
    request: preflight(APP, 'GET', undefined, { 'access-control-request-private-network': 'true' }),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-private-network': 'true',
      vary: `${VARY_PREFLIGHT}, Access-Control-Request-Private-Network`,
    }),
  },
  {
    name: 'private network access asked and not enabled: the CORS part is answered as without it',
    options: { origin: APP },
    request: preflight(APP, 'GET', 'X-Custom', {
      'access-control-request-private-network': 'true',
    }),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-custom',
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'private network access asked and not enabled, origin refused: refused as without it',
    options: { origin: APP },
    request: preflight(EVIL, 'GET', undefined, {
      'access-control-request-private-network': 'true',
    }),
    expected: refusedPreflight(),
  },
  {
    name: "private network access asked and not enabled, '*' policy: * and no private-network grant",
    options: {},
    request: preflight(EVIL, 'PUT', undefined, {
      'access-control-request-private-network': 'true',
    }),
    expected: answered({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      vary: VARY_ANY_ORIGIN_PREFLIGHT,
    }),
  },

  // The null origin.
  {
    name: "Origin: null is refused unless 'null' is listed",
    options: { origin: [APP, 'https://*.example.com', /^.+$/] },
    request: get('null'),
    expected: refusedActual,
  },
  {
    name: "Origin: null is allowed when 'null' is listed",
    options: { origin: [APP, 'null'] },
    request: get('null'),
    expected: allowedActual('null'),
  },
  {
    name: "Origin: null gets * from a '*' policy",
    options: { origin: '*' },
    request: get('null'),
    expected: routeRuns({ 'access-control-allow-origin': '*' }),
  },

  // Normalization of configured origins.
  {
    name: 'a configured origin is lowercased',
    options: { origin: 'HTTPS://App.Example.COM' },
    request: get(APP),
    expected: allowedActual(APP),
  },
  {
    name: 'a configured Unicode host is turned into punycode',
    options: { origin: 'https://bücher.example' },
    request: get('https://xn--bcher-kva.example'),
    expected: allowedActual('https://xn--bcher-kva.example'),
  },
  {
    name: 'a configured default port is dropped',
    options: { origin: ['https://app.example.com:443', 'http://localhost:80'] },
    request: get('http://localhost'),
    expected: allowedActual('http://localhost'),
  },
  {
    name: 'a non-default port is kept and must match',
    options: { origin: 'http://localhost:5173' },
    request: get('http://localhost:5174'),
    expected: refusedActual,
  },

  // Patterns and RegExps.
  {
    name: 'a subdomain pattern allows a deep subdomain',
    options: { origin: 'https://*.example.com' },
    request: get('https://a.b.example.com'),
    expected: allowedActual('https://a.b.example.com'),
  },
  {
    name: 'a subdomain pattern never allows the apex',
    options: { origin: 'https://*.example.com' },
    request: get('https://example.com'),
    expected: refusedActual,
  },
  {
    name: 'a subdomain pattern never allows another scheme',
    options: { origin: 'https://*.example.com' },
    request: get('http://a.example.com'),
    expected: refusedActual,
  },
  {
    name: 'a port pattern allows any port of that host',
    options: { origin: 'http://localhost:*' },
    request: get('http://localhost:5173'),
    expected: allowedActual('http://localhost:5173'),
  },
  {
    name: 'a port pattern allows the default port',
    options: { origin: 'http://localhost:*' },
    request: get('http://localhost'),
    expected: allowedActual('http://localhost'),
  },
  {
    name: 'a RegExp is tested against the whole origin',
    options: { origin: /^https:\/\/(?:[a-z]+\.)?example\.org$/ },
    request: get('https://shop.example.org'),
    expected: allowedActual('https://shop.example.org'),
  },
  {
    name: 'an unanchored RegExp never matches part of an origin',
    options: { origin: /https:\/\/example\.org/ },
    request: get('https://example.org.evil.net'),
    expected: refusedActual,
  },
  {
    name: 'a RegExp alternation is tested against the whole origin too',
    options: { origin: /https:\/\/a\.example|https:\/\/b\.example/ },
    request: get('https://b.example'),
    expected: allowedActual('https://b.example'),
  },
  {
    name: 'a subdomain pattern with a Unicode base allows its punycode subdomains',
    options: { origin: 'https://*.bücher.example' },
    request: get('https://shop.xn--bcher-kva.example'),
    expected: allowedActual('https://shop.xn--bcher-kva.example'),
  },
  {
    name: 'an IPv6 origin is allowed when listed',
    options: { origin: 'http://[::1]:3000' },
    request: get('http://[::1]:3000'),
    expected: allowedActual('http://[::1]:3000'),
  },
  {
    name: 'a browser-extension origin is allowed when listed',
    options: { origin: 'chrome-extension://abcdefghijklmnop' },
    request: get('chrome-extension://abcdefghijklmnop'),
    expected: allowedActual('chrome-extension://abcdefghijklmnop'),
  },

  // Origin functions.
  {
    name: 'an origin function allows the origins it returns true for',
    options: { origin: (origin: string) => origin.endsWith('.example.com') },
    request: get(APP),
    expected: allowedActual(APP),
  },
  {
    name: 'an origin function refuses the origins it returns false for',
    options: { origin: (origin: string) => origin.endsWith('.example.com'), credentials: true },
    request: get(EVIL),
    expected: refusedActual,
  },
  {
    name: 'an async origin function allows the origins it resolves true for',
    options: { origin: async (origin: string) => origin === APP, credentials: true },
    request: get(APP),
    expected: routeRuns({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      vary: VARY_ORIGIN,
    }),
  },
  {
    name: 'an async origin function decides a preflight',
    options: { origin: async (origin: string) => origin === APP },
    request: preflight(APP, 'PATCH', 'x-custom'),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-custom',
      vary: VARY_PREFLIGHT,
    }),
  },

  // Request headers read as the Fetch Standard sends them.
  {
    name: 'an empty Access-Control-Request-Headers asks for no header',
    options: exactPolicy,
    request: preflight(APP, 'PUT', ''),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      vary: VARY_PREFLIGHT,
    }),
  },
  {
    name: 'Access-Control-Request-Private-Network other than "true" asks for nothing',
    options: exactPolicy,
    request: preflight(APP, 'GET', undefined, {
      'access-control-request-private-network': 'false',
    }),
    expected: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      vary: VARY_PREFLIGHT,
    }),
  },
];
