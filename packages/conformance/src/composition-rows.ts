import type { CorsOptions } from '@cors/core';
import { throwingOrigin } from './origin-failure-rows.js';
import { ROUTE_BODY } from './observe.js';
import type { Observation, RowRequest } from './rows.js';

/**
 * What the app around the CORS middleware does, for rows about CORS as one middleware among
 * several (issue 14 point 1, issue 18 point 3).
 */
export interface CompositionSetup {
  /**
   * A middleware registered *before* the CORS middleware, the way the framework's users register
   * one (`app.use(...)`), that sets `Vary: <vary>` (as compression or i18n middleware does) and
   * the header `header` (e.g. `X-Frame-Options: DENY`, as helmet does), then hands on.
   */
  readonly before: { readonly vary: string; readonly header: readonly [string, string] };
  /**
   * What the route does, for every method (the route answers 200 with the body `ROUTE_BODY`):
   * - `ok`: answers 200 with `ROUTE_BODY`.
   * - `throws`: throws an `Error`; the framework's default error handling answers (500).
   * - `sets-vary`: replaces `Vary` with `Accept-Language` the framework's usual way
   *   (`res.setHeader`, `res.set`, `ctx.set`, `c.header`, `@Header`/`reply.header`), then
   *   answers like `ok`.
   * - `raw-set-vary`, `raw-write-head-object`, `raw-write-head-array` (Node adapters only,
   *   `rawWriteRows`): the route writes on the raw `http.ServerResponse`, bypassing the
   *   framework (Koa: `ctx.respond = false`; Nest: `@Res()`; Fastify: `reply.raw`), as proxy
   *   middleware does: `res.setHeader('Vary', 'Accept-Language')` then `res.writeHead(200)`;
   *   `res.writeHead(200, { Vary: 'Accept-Language', ... })`; or
   *   `res.writeHead(200, ['Vary', 'Accept-Language', ...])` (the flat-array form). Then
   *   `res.end(ROUTE_BODY)`.
   */
  readonly route: CompositionRoute;
}

/** What the route does (see `CompositionSetup.route`). */
export type CompositionRoute =
  | 'ok'
  | 'throws'
  | 'sets-vary'
  | 'raw-set-vary'
  | 'raw-write-head-object'
  | 'raw-write-head-array';

/**
 * One row about CORS among other middleware: the options, the app around the CORS middleware
 * (`setup`), the request, and what the client must see. `expected.headers` holds every
 * `access-control-*` and `vary` header, plus the earlier middleware's other header, except on
 * error responses (status 500: which other headers those keep is the framework's business;
 * Koa's drops them all). Run through a route driver (`fromCompositionRow`, `observeRow`).
 */
export interface CompositionRow {
  readonly name: string;
  readonly options: CorsOptions;
  readonly setup: CompositionSetup;
  readonly request: RowRequest;
  readonly expected: Observation;
}

/**
 * The `raw-*` routes (see `CompositionSetup.route`) on a Node response: writes the head and
 * `ROUTE_BODY` bypassing the framework. Returns `false` for the other routes.
 */
export function writeRawRoute(res: RawResponse, route: CompositionRoute): boolean {
  switch (route) {
    case 'raw-set-vary':
      res.setHeader('Vary', ROUTE_VARY);
      res.writeHead(200);
      break;
    case 'raw-write-head-object':
      res.writeHead(200, { Vary: ROUTE_VARY, 'Content-Type': 'text/plain' });
      break;
    case 'raw-write-head-array':
      // The flat-array form proxies use (node:http; `http-proxy` passes `rawHeaders`).
      res.writeHead(200, ['Vary', ROUTE_VARY, 'Content-Type', 'text/plain']);
      break;
    default:
      return false;
  }
  res.end(ROUTE_BODY);
  return true;
}

/** The parts of Node's `http.ServerResponse` the raw routes use. */
export interface RawResponse {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers?: Record<string, string> | string[]): unknown;
  end(body: string): unknown;
}

/** The Vary the earlier middleware sets. */
export const BEFORE_VARY = 'Accept-Encoding';
/** The other header the earlier middleware sets. */
export const BEFORE_HEADER: readonly [string, string] = ['X-Frame-Options', 'DENY'];
/** The Vary the `sets-vary` and `raw-*` routes replace the response's Vary with. */
export const ROUTE_VARY = 'Accept-Language';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

// Configured names are lowercase here, so these rows do not depend on how the core spells them.
const policy: CorsOptions = {
  origin: APP,
  credentials: true,
  exposedHeaders: ['x-request-id'],
  maxAge: 600,
};
const grant = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'x-request-id',
};
const preflightGrant = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': DEFAULT_METHODS,
  'access-control-allow-headers': 'content-type,x-token',
  'access-control-max-age': '600',
};

const get = (origin?: string): RowRequest => ({
  method: 'GET',
  headers: origin === undefined ? {} : { origin },
});
const preflight = (origin: string, requestHeaders = 'content-type,x-token'): RowRequest => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': 'PUT',
    'access-control-request-headers': requestHeaders,
  },
});

const before = { vary: BEFORE_VARY, header: BEFORE_HEADER } as const;
const setup = (route: CompositionRoute): CompositionSetup => ({ before, route });
const frameOptions = { [BEFORE_HEADER[0].toLowerCase()]: BEFORE_HEADER[1] };

/** A response that kept the earlier middleware's header, with `headers` and `Vary: vary`. */
function kept(status: number, vary: string, headers: Record<string, string> = {}): Observation {
  return {
    status,
    routeRuns: status === 200,
    headers: { ...headers, vary, ...frameOptions },
  };
}

/** An error response from the framework's default handling (which other headers it keeps is its business). */
function failed(vary: string, headers: Record<string, string> = {}): Observation {
  return { status: 500, routeRuns: false, headers: { ...headers, vary } };
}

const ENCODING_ORIGIN = `${BEFORE_VARY}, Origin`;
const ENCODING_PREFLIGHT = `${BEFORE_VARY}, ${PREFLIGHT_VARY}`;

/**
 * Issue 14 point 1: a middleware registered before CORS sets `Vary: Accept-Encoding` and
 * `X-Frame-Options: DENY`. Every response keeps both Vary names, merged and not duplicated, and
 * the other header, on allowed and refused actual requests, answered and refused preflights,
 * `preflightContinue`, a route that throws, a route that replaces Vary, and a failing `origin`
 * function.
 */
export const compositionRows: readonly CompositionRow[] = [
  {
    name: 'earlier Vary: an allowed actual request varies on both',
    options: policy,
    setup: setup('ok'),
    request: get(APP),
    expected: kept(200, ENCODING_ORIGIN, grant),
  },
  {
    name: 'earlier Vary: a refused actual request varies on both',
    options: policy,
    setup: setup('ok'),
    request: get(EVIL),
    expected: kept(200, ENCODING_ORIGIN),
  },
  {
    name: 'earlier Vary: a request without Origin varies on both',
    options: policy,
    setup: setup('ok'),
    request: get(),
    expected: kept(200, ENCODING_ORIGIN),
  },
  {
    name: 'earlier Vary: an answered preflight varies on both and keeps the other header',
    options: policy,
    setup: setup('ok'),
    request: preflight(APP),
    expected: { ...kept(204, ENCODING_PREFLIGHT, preflightGrant), routeRuns: false },
  },
  {
    name: 'earlier Vary: a preflight refused for its origin varies on both',
    options: policy,
    setup: setup('ok'),
    request: preflight(EVIL),
    expected: { ...kept(403, ENCODING_PREFLIGHT), routeRuns: false },
  },
  {
    name: 'earlier Vary: a preflight refused for a header varies on both',
    options: { ...policy, allowedHeaders: ['x-token'] },
    setup: setup('ok'),
    request: preflight(APP, 'x-secret'),
    expected: { ...kept(403, ENCODING_PREFLIGHT), routeRuns: false },
  },
  {
    name: 'earlier Vary: preflightContinue hands on a preflight that varies on both',
    options: { ...policy, preflightContinue: true },
    setup: setup('ok'),
    request: preflight(APP),
    expected: kept(200, ENCODING_PREFLIGHT, preflightGrant),
  },
  {
    name: "earlier Vary: a '*' policy adds no Origin and keeps the earlier Vary",
    options: {},
    setup: setup('ok'),
    request: get(APP),
    expected: kept(200, BEFORE_VARY, { 'access-control-allow-origin': '*' }),
  },
  {
    name: "earlier Vary: a '*' policy's preflight varies on both",
    options: {},
    setup: setup('ok'),
    request: preflight(APP),
    expected: {
      ...kept(
        204,
        `${BEFORE_VARY}, Access-Control-Request-Method, Access-Control-Request-Headers`,
        {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': DEFAULT_METHODS,
          'access-control-allow-headers': 'content-type,x-token',
        },
      ),
      routeRuns: false,
    },
  },
  {
    name: 'earlier Vary: a route that throws gets an error response that varies on both, with the grant',
    options: policy,
    setup: setup('throws'),
    request: get(APP),
    expected: failed(ENCODING_ORIGIN, grant),
  },
  {
    name: 'earlier Vary: a route that throws for a refused origin gets an error response that varies on both',
    options: policy,
    setup: setup('throws'),
    request: get(EVIL),
    expected: failed(ENCODING_ORIGIN),
  },
  {
    name: 'earlier Vary: a failing origin function gets an error response that varies on both',
    options: { ...policy, origin: throwingOrigin },
    setup: setup('ok'),
    request: get(APP),
    expected: failed(ENCODING_ORIGIN),
  },
  {
    name: 'a route that replaces Vary keeps Origin in it',
    options: policy,
    setup: setup('sets-vary'),
    request: get(APP),
    expected: kept(200, `${ROUTE_VARY}, Origin`, grant),
  },
];

/**
 * Issue 18 point 3, for adapters on Node's `http.ServerResponse`: a route that writes the raw
 * response itself, bypassing the framework, still varies on `Origin`, with its own Vary merged,
 * like `@cors/node` (the same code behind it keeps it).
 */
export const rawWriteRows: readonly CompositionRow[] = (
  ['raw-set-vary', 'raw-write-head-object', 'raw-write-head-array'] as const
).flatMap((route) => [
  {
    name: `${route}: an allowed actual request keeps Origin in the route's Vary`,
    options: policy,
    setup: setup(route),
    request: get(APP),
    expected: kept(200, `${ROUTE_VARY}, Origin`, grant),
  },
  {
    name: `${route}: a refused actual request keeps Origin in the route's Vary`,
    options: policy,
    setup: setup(route),
    request: get(EVIL),
    expected: kept(200, `${ROUTE_VARY}, Origin`),
  },
]);
