import type { CorsOptions } from '@cors/core';
import type { ConformanceRow, Observation, RowRequest } from './rows.js';

const APP = 'https://app.example.com';

/** What every failing origin function throws or rejects with. */
export const ORIGIN_FAILURE_MESSAGE = 'origin store unavailable';

/** An `origin` function that throws `ORIGIN_FAILURE_MESSAGE`. */
export function throwingOrigin(): boolean {
  throw new Error(ORIGIN_FAILURE_MESSAGE);
}

/** An async `origin` function that rejects with `ORIGIN_FAILURE_MESSAGE`. */
export async function rejectingOrigin(): Promise<boolean> {
  return Promise.reject(new Error(ORIGIN_FAILURE_MESSAGE));
}

/** Both failing `origin` functions, by how they fail, for `it.each` in an adapter's tests. */
export const failingOrigins: readonly (readonly [
  'throws' | 'rejects',
  () => boolean | Promise<boolean>,
])[] = [
  ['throws', throwingOrigin],
  ['rejects', rejectingOrigin],
];

// A policy that would grant a lot (credentials, exposed headers, a max age), so that a leaked
// `Access-Control-*` header would show.
const grantsMuch: Omit<CorsOptions, 'origin'> = {
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};
const actualRequest: RowRequest = { method: 'GET', headers: { origin: APP } };
const preflightRequest: RowRequest = {
  method: 'OPTIONS',
  headers: {
    origin: APP,
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type',
  },
};

// SPEC: the error goes to the framework's error handling (500 by default) and nothing is
// granted; the answer would have depended on the origin, so a shared cache must keep origins
// apart (RFC 9110 §12.5.5): `Vary: Origin`, and no other CORS header.
const errorResponse: Observation = { status: 500, routeRuns: false, headers: { vary: 'Origin' } };

/**
 * Requests to policies whose `origin` function throws, or rejects: the framework's default
 * error response (500), the route not run, `Vary: Origin` and no `Access-Control-*` header. The
 * functions throw an `Error` whose message is `ORIGIN_FAILURE_MESSAGE`.
 */
export const originFailureRows: readonly ConformanceRow[] = failingOrigins.flatMap(
  ([how, origin]) => {
    const what = `an origin function that ${how}`;
    const options: CorsOptions = { ...grantsMuch, origin };
    return [
      {
        name: `${what}: an actual request gets the error response with Vary: Origin and no grant`,
        options,
        request: actualRequest,
        expected: errorResponse,
      },
      {
        name: `${what}: a preflight gets the error response with Vary: Origin and no grant`,
        options,
        request: preflightRequest,
        expected: errorResponse,
      },
    ];
  },
);
