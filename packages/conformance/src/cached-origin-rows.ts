import { cachedOrigins, type CorsOptions } from '@cors/core';
import { ORIGIN_FAILURE_MESSAGE } from './origin-failure-rows.js';
import type { ConformanceRow, Observation, RowRequest } from './rows.js';

const SHOP = 'https://shop.example.com';
const OTHER = 'https://other.example.net';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

// Allowed origins from a "database": `cachedOrigins` over an async lookup. The first request of
// a row may miss (a promise) and a later one hit (a boolean): both must answer the same.
const fromDatabase: CorsOptions = {
  origin: cachedOrigins(async (origin) => origin === SHOP, { ttl: 60_000, max: 100 }),
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
};
// A database that is down: every lookup rejects, and nothing is ever cached.
const databaseDown: CorsOptions = {
  origin: cachedOrigins(() => Promise.reject(new Error(ORIGIN_FAILURE_MESSAGE)), {
    ttl: 60_000,
    max: 100,
  }),
  credentials: true,
};

const get = (origin: string): RowRequest => ({ method: 'GET', headers: { origin } });
const preflight = (origin: string): RowRequest => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT' },
});
const refusedActual: Observation = { status: 200, routeRuns: true, headers: { vary: 'Origin' } };
// SPEC: a failing origin function gives no grant; the error goes to the framework (500).
const errorResponse: Observation = { status: 500, routeRuns: false, headers: { vary: 'Origin' } };

/**
 * `origin: cachedOrigins(lookup)` behaves as any `origin` option: an allowed origin is granted
 * (from the cache or not), a refused, `null` or malformed one is not, and a failing lookup is
 * a failing origin function (the framework's error response, `Vary: Origin`, no grant). The
 * rows of one policy share its cache: run in order, the second allowed row is a cache hit.
 */
export const cachedOriginRows: readonly ConformanceRow[] = [
  {
    name: 'cachedOrigins: an allowed origin is granted',
    options: fromDatabase,
    request: get(SHOP),
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': SHOP,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Request-Id',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'cachedOrigins: an allowed origin is granted again, from the cache',
    options: fromDatabase,
    request: get(SHOP),
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': SHOP,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Request-Id',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'cachedOrigins: a preflight from an allowed origin is answered',
    options: fromDatabase,
    request: preflight(SHOP),
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': SHOP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        vary: VARY_PREFLIGHT,
      },
    },
  },
  {
    name: 'cachedOrigins: an unknown origin gets no grant',
    options: fromDatabase,
    request: get(OTHER),
    expected: refusedActual,
  },
  {
    name: 'cachedOrigins: null gets no grant',
    options: fromDatabase,
    request: get('null'),
    expected: refusedActual,
  },
  {
    name: 'cachedOrigins: two origins in one header get no grant',
    options: fromDatabase,
    request: get(`${SHOP}, ${OTHER}`),
    expected: refusedActual,
  },
  {
    name: 'cachedOrigins: a failing lookup gives the error response, no grant',
    options: databaseDown,
    request: get(SHOP),
    expected: errorResponse,
  },
  {
    name: 'cachedOrigins: a failing lookup fails a preflight the same way',
    options: databaseDown,
    request: preflight(SHOP),
    expected: errorResponse,
  },
];
