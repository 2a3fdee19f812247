import type { CorsOptions } from '@cors/core';

// The origins and header values every adapter's tests share, so that a test file does not
// redefine them (and a row, a driver and a hand-written test speak of the same origins).

/** An origin the tests allow. */
export const APP = 'https://app.example.com';
/** A second allowed origin, for policies that list two. */
export const ADMIN = 'https://admin.example.com';
/** An origin no test policy allows. */
export const EVIL = 'https://evil.example.net';

/** The `Vary` of a response to a CORS request whose answer depends on the origin. */
export const VARY_ORIGIN = 'Origin';
/** The `Vary` of a preflight answer that depends on the origin. */
export const PREFLIGHT_VARY =
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
/** The `Access-Control-Allow-Methods` of the default `methods` option. */
export const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** A policy that grants much (two origins, credentials, an exposed header), for hand tests. */
export const CREDENTIALED = {
  origin: [APP, ADMIN],
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
} as const satisfies CorsOptions;

/** What `CREDENTIALED` grants an actual request from `APP` (without its `Vary`). */
export const CREDENTIALED_GRANT: Readonly<Record<string, string>> = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
};

/** What `CREDENTIALED` answers a preflight from `APP` for a listed method, with no headers asked. */
export const CREDENTIALED_PREFLIGHT_GRANT: Readonly<Record<string, string>> = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': DEFAULT_METHODS,
  vary: PREFLIGHT_VARY,
};
