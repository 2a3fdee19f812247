import type { CorsOptions } from '@cors/core';
import {
  ADMIN,
  APP,
  CREDENTIALED as credentialed,
  CREDENTIALED_GRANT as grant,
  CREDENTIALED_PREFLIGHT_GRANT as preflightGrant,
  EVIL,
  PREFLIGHT_VARY,
  VARY_ORIGIN,
} from './constants.js';
import { ROUTE_VARY, type CompositionRoute, type CompositionRow } from './composition-rows.js';
import type { Observation, RowRequest } from './rows.js';

/**
 * What the app around `cors(options)` does, for one row. The empty behaviour `{}` is the
 * conformance route: 200 with the body `ROUTE_BODY` for every method and path. A route driver
 * (see `RouteDriver`) builds it the way the framework's users write it.
 */
export interface RouteBehaviour {
  /**
   * A middleware registered *before* CORS (`app.use(...)`, an `onRequest` hook, a wrapping
   * handler) that sets `Vary: <vary>` (as compression does) and the header `header` (as helmet
   * does), then hands on.
   */
  readonly before?: { readonly vary: string; readonly header: readonly [string, string] };
  /** The route replaces `Vary` with this value the framework's usual way, then answers. */
  readonly vary?: string;
  /**
   * The route fails instead of answering, the framework's usual way: 500 throws an `Error`
   * (the framework's default error handling answers); 401 throws the framework's "401" error
   * (`ctx.throw(401)`, `HTTPException(401)`, an error with `status`/`statusCode` 401; a Fetch
   * handler's `onError` answering 401).
   */
  readonly throws?: 401 | 500;
  /**
   * Adapters on Node's `http.ServerResponse` only: the route writes the raw response itself,
   * bypassing the framework, with `writeRawRoute(res, raw)`.
   */
  readonly raw?: RawRoute;
  /**
   * The route hands the request object its framework gives it (Node's `req`, Express's `req`,
   * Koa's `ctx`, Hono's `c`, Fastify's `request`, the Fetch `Request`) to this function: the
   * object `cors()` must give the `origin` function and `onDecision`.
   */
  readonly seen?: (request: unknown) => void;
}

/** The raw routes (see `writeRawRoute`). */
export type RawRoute = Extract<CompositionRoute, `raw-${string}`>;

/**
 * One row run through an adapter's route driver: the options, what the app around CORS does
 * (`route`, `{}` when absent), the request, and what the client must see. `probe`, when set,
 * records which request objects the hooks and the route got (`expected.requests`).
 */
export interface RouteRow {
  readonly name: string;
  readonly options: CorsOptions;
  readonly route?: RouteBehaviour;
  readonly request: RowRequest;
  readonly expected: RouteObservation;
  readonly probe?: RequestProbe;
}

/**
 * What the client sees, plus, for rows with a probe, which hooks got the same request object
 * (see `RequestProbe.describe`).
 */
export interface RouteObservation extends Observation {
  readonly requests?: string;
}

/**
 * Records the request object each hook (`origin`, `onDecision`) and the route got, to show
 * that `cors()` gives its hooks the framework's own request object, the one the route sees.
 */
export class RequestProbe {
  private seen: [string, unknown][] = [];

  /** Records that `who` got `request`. */
  record(who: string, request: unknown): void {
    this.seen.push([who, request]);
  }

  /** Forgets what was recorded (before each run of a row). */
  reset(): void {
    this.seen = [];
  }

  /**
   * Who got what, in order: `origin = onDecision = route` when all got the object the first
   * got; a name after ` ≠ ` got another object; `(nothing)` names a hook given no object.
   */
  describe(): string {
    const [first] = this.seen;
    if (first === undefined) return '';
    return this.seen
      .map(([who, request], index) => {
        const name = request === undefined || request === null ? `${who} (nothing)` : who;
        if (index === 0) return name;
        return `${request === first[1] ? ' = ' : ' ≠ '}${name}`;
      })
      .join('');
  }
}

/** Runs a composition row as a route row: the same app, in the one shape. */
export function fromCompositionRow(row: CompositionRow): RouteRow {
  const { before, route } = row.setup;
  const behaviour: RouteBehaviour =
    route === 'throws'
      ? { before, throws: 500 }
      : route === 'sets-vary'
        ? { before, vary: ROUTE_VARY }
        : route === 'ok'
          ? { before }
          : { before, raw: route };
  return {
    name: row.name,
    options: row.options,
    route: behaviour,
    request: row.request,
    expected: row.expected,
  };
}

const get = (origin: string): RowRequest => ({ method: 'GET', headers: { origin } });
const preflight = (origin: string): RowRequest => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT' },
});
const ran = (headers: Record<string, string>): RouteObservation => ({
  status: 200,
  routeRuns: true,
  headers,
});
const failed = (status: number, headers: Record<string, string>): RouteObservation => ({
  status,
  routeRuns: false,
  headers,
});

/** Rows whose route sets `Vary` itself: Origin is kept in it, never twice. */
const varyRows: readonly RouteRow[] = [
  {
    name: 'a route that sets Vary: an allowed origin is granted and Origin merged after its Vary',
    options: credentialed,
    route: { vary: 'Accept-Encoding' },
    request: get(APP),
    expected: ran({ ...grant, vary: 'Accept-Encoding, Origin' }),
  },
  {
    name: 'a route that sets Vary: a refused origin gets Origin merged after its Vary',
    options: credentialed,
    route: { vary: 'Accept-Encoding' },
    request: get(EVIL),
    expected: ran({ vary: 'Accept-Encoding, Origin' }),
  },
  {
    name: 'a route whose Vary already names origin (in any case) does not get it twice',
    options: credentialed,
    route: { vary: 'origin, Accept' },
    request: get(APP),
    expected: ran({ ...grant, vary: 'origin, Accept' }),
  },
  {
    name: "a route's Vary: * is left as it is",
    options: credentialed,
    route: { vary: '*' },
    request: get(APP),
    expected: ran({ ...grant, vary: '*' }),
  },
  {
    name: "a '*' policy leaves a route's Vary alone (its answer never depends on the origin)",
    options: { origin: '*' },
    route: { vary: 'Accept-Encoding' },
    request: get(APP),
    expected: ran({ 'access-control-allow-origin': '*', vary: 'Accept-Encoding' }),
  },
];

/** Rows whose route fails: the error response keeps the grant (or, refused, Vary: Origin). */
const throwingRows: readonly RouteRow[] = ([500, 401] as const).flatMap((status) => [
  {
    name: `a route that throws ${status}: the error response keeps the grant`,
    options: credentialed,
    route: { throws: status },
    request: get(APP),
    expected: failed(status, { ...grant, vary: VARY_ORIGIN }),
  },
  {
    name: `a route that throws ${status}: a refused origin's error response varies on Origin, no grant`,
    options: credentialed,
    route: { throws: status },
    request: get(EVIL),
    expected: failed(status, { vary: VARY_ORIGIN }),
  },
]);

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A row whose `origin` function is async (it waits a turn of the event loop) and whose hooks
 * and route record the request object they got: `expected.requests` says that they all got
 * the framework's one.
 */
function asyncOriginRow(
  name: string,
  request: RowRequest,
  expected: Observation,
  requests: string,
  throws?: 401,
): RouteRow {
  const probe = new RequestProbe();
  return {
    name: `an async origin function: ${name}`,
    options: {
      ...credentialed,
      origin: async (origin: string, req: unknown) => {
        probe.record('origin', req);
        await tick();
        return origin === APP || origin === ADMIN;
      },
      onDecision: (_decision, req) => probe.record('onDecision', req),
    },
    route: { seen: (req) => probe.record('route', req), ...(throws ? { throws } : {}) },
    request,
    expected: { ...expected, requests },
    probe,
  };
}

/** An `onDecision` row with a synchronous policy, its hook and route probed the same way. */
function onDecisionRow(
  name: string,
  request: RowRequest,
  expected: Observation,
  requests: string,
): RouteRow {
  const probe = new RequestProbe();
  return {
    name: `onDecision: ${name}`,
    options: { ...credentialed, onDecision: (_decision, req) => probe.record('onDecision', req) },
    route: { seen: (req) => probe.record('route', req) },
    request,
    expected: { ...expected, requests },
    probe,
  };
}

/** Rows about the request object the hooks get, with sync and async `origin` functions. */
const hookRows: readonly RouteRow[] = [
  asyncOriginRow(
    'an allowed origin is granted; origin, onDecision and the route get one request object',
    get(APP),
    ran({ ...grant, vary: VARY_ORIGIN }),
    'origin = onDecision = route',
  ),
  asyncOriginRow(
    'a refused origin gets no grant; the route still runs',
    get(EVIL),
    ran({ vary: VARY_ORIGIN }),
    'origin = onDecision = route',
  ),
  asyncOriginRow(
    'a preflight is answered without running the route',
    preflight(APP),
    failed(204, preflightGrant),
    'origin = onDecision',
  ),
  asyncOriginRow(
    'a refused preflight is refused without running the route',
    preflight(EVIL),
    failed(403, { vary: PREFLIGHT_VARY }),
    'origin = onDecision',
  ),
  asyncOriginRow(
    'the error of a route that throws 401 keeps the grant',
    get(APP),
    failed(401, { ...grant, vary: VARY_ORIGIN }),
    'origin = onDecision = route',
    401,
  ),
  onDecisionRow(
    'gets the request object the route gets, on an allowed request',
    get(APP),
    ran({ ...grant, vary: VARY_ORIGIN }),
    'onDecision = route',
  ),
  onDecisionRow(
    'gets the request object the route gets, on a refused request',
    get(EVIL),
    ran({ vary: VARY_ORIGIN }),
    'onDecision = route',
  ),
  onDecisionRow(
    'gets a request object for a refused preflight',
    preflight(EVIL),
    failed(403, { vary: PREFLIGHT_VARY }),
    'onDecision',
  ),
];

/**
 * The behaviours every adapter used to test by hand: a route that sets `Vary`, a route that
 * throws 401 or 500, `onDecision` and an async `origin` function getting the framework's
 * request object. Run them with `runRow` (or `describeConformance`).
 */
export const routeRows: readonly RouteRow[] = [...varyRows, ...throwingRows, ...hookRows];
