import type { CorsOptions } from '@cors/core';
import { ADMIN, APP, DEFAULT_METHODS, EVIL, PREFLIGHT_VARY, VARY_ORIGIN } from './constants.js';
import type { RawRequest } from './raw-request.js';
import type { Observation } from './rows.js';

/**
 * A request `fetch` cannot send, written as raw bytes (`sendRaw`), to an app served over HTTP
 * with the conformance route, and what the client must see.
 */
export interface RawRequestRow {
  readonly name: string;
  readonly options: CorsOptions;
  readonly request: RawRequest;
  readonly expected: Observation;
}

const policy: CorsOptions = { origin: [APP, ADMIN], credentials: true };
const refusedActual: Observation = { status: 200, routeRuns: true, headers: { vary: VARY_ORIGIN } };
const refusedPreflight: Observation = {
  status: 403,
  routeRuns: false,
  headers: { vary: PREFLIGHT_VARY },
};
const longOrigin = `https://${'a'.repeat(8 * 1024)}.example.com`;
const longRequestHeaders = Array.from({ length: 1500 }, (_, index) => `x-h${index}`)
  .join(',')
  .slice(0, 12 * 1024);

/**
 * Hostile requests on the wire: two `Origin` lines (which Node joins into one comma-separated
 * value, which is then no origin at all), 8 and 12 KB header values, and methods in odd casing
 * (Node's parser answers 400 to a lower-case request method itself; an
 * `Access-Control-Request-Method` is compared as sent, as the Fetch Standard says). None gets a
 * grant, none is echoed, none makes the server fail.
 */
export const rawRequestRows: readonly RawRequestRow[] = [
  ...[
    ['the allowed origin twice', [APP, APP]],
    ['two allowed origins', [APP, ADMIN]],
    ['an allowed and a foreign origin', [APP, EVIL]],
    ['a foreign and an allowed origin', [EVIL, APP]],
  ].map(
    ([what, origins]): RawRequestRow => ({
      name: `two Origin lines (${what as string}): an actual request gets no grant`,
      options: policy,
      request: { method: 'GET', headers: { Origin: origins as string[] } },
      expected: refusedActual,
    }),
  ),
  {
    name: 'two Origin lines (the allowed origin twice): a preflight is refused',
    options: policy,
    request: {
      method: 'OPTIONS',
      headers: { Origin: [APP, APP], 'Access-Control-Request-Method': 'PUT' },
    },
    expected: refusedPreflight,
  },
  {
    name: 'an 8 KB Origin gets no grant and is never echoed',
    options: policy,
    request: { method: 'GET', headers: { Origin: longOrigin } },
    expected: refusedActual,
  },
  {
    name: 'a 12 KB Access-Control-Request-Headers is refused and never echoed',
    options: policy,
    request: {
      method: 'OPTIONS',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': longRequestHeaders,
      },
    },
    expected: refusedPreflight,
  },
  ...['options', 'OpTiOnS', 'get', 'pAtCh'].map(
    (method): RawRequestRow => ({
      name: `a request method in odd casing (${method}) is refused by Node's parser (400), no grant`,
      options: policy,
      request: { method, headers: { Origin: APP, 'Access-Control-Request-Method': 'PUT' } },
      expected: { status: 400, routeRuns: false, headers: {} },
    }),
  ),
  ...['patch', 'PaTcH'].map(
    (requested): RawRequestRow => ({
      name: `Access-Control-Request-Method ${requested} is compared as sent: refused, PATCH is listed`,
      options: policy,
      request: {
        method: 'OPTIONS',
        headers: { Origin: APP, 'Access-Control-Request-Method': requested },
      },
      expected: refusedPreflight,
    }),
  ),
  {
    name: 'Access-Control-Request-Method PATCH, as listed, is answered',
    options: policy,
    request: {
      method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'PATCH' },
    },
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': DEFAULT_METHODS,
        vary: PREFLIGHT_VARY,
      },
    },
  },
];
