import type { CorsDecision } from './decision.js';

/**
 * Decides whether an origin may read responses. Receives the request's exact `Origin` value
 * (already checked to be a well-formed serialized origin or `null`) and the framework's request
 * object (Node's `req`, Koa's `ctx`, Hono's `Context`, …). May be async.
 */
export type OriginFunction<Request = unknown> = (
  origin: string,
  request: Request,
) => boolean | Promise<boolean>;

/** Which origins may read responses. */
export type OriginOption<Request = unknown> =
  | '*'
  | string
  | RegExp
  | ReadonlyArray<string | RegExp>
  | OriginFunction<Request>;

/** Options shared by `createCorsPolicy` and every adapter's `cors()` factory. */
export interface CorsOptions<Request = unknown> {
  /**
   * Which origins may read responses: `'*'`, an exact origin (`https://app.example.com`), a
   * pattern (`https://*.example.com`, `http://localhost:*`), a RegExp tested against the whole
   * origin, a list of those, or a function. `'null'` must be listed to be allowed.
   * @default '*'
   */
  origin?: OriginOption<Request>;
  /**
   * Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Cannot be combined with
   * an origin that matches everything.
   * @default false
   */
  credentials?: boolean;
  /**
   * Methods a preflight may ask for. `'*'` allows any method.
   * @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
   */
  methods?: readonly string[] | '*';
  /**
   * Request headers a preflight may ask for. `'*'` allows any, `Authorization` included.
   * @default reflect the preflight's `Access-Control-Request-Headers` (valid names only)
   */
  allowedHeaders?: readonly string[] | '*';
  /**
   * Response headers scripts may read. `'*'` exposes all (not allowed with credentials).
   * @default none
   */
  exposedHeaders?: readonly string[] | '*';
  /**
   * Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`).
   * @default none (the browser's own default, 5 seconds in Chromium)
   */
  maxAge?: number;
  /**
   * Answer `Access-Control-Request-Private-Network: true` with
   * `Access-Control-Allow-Private-Network: true`.
   * @default false
   */
  privateNetwork?: boolean;
  /**
   * After setting a preflight's headers, hand the OPTIONS request on to the next handler instead
   * of ending it.
   * @default false
   */
  preflightContinue?: boolean;
  /**
   * Status of an answered preflight (any 2xx).
   * @default 204
   */
  optionsSuccessStatus?: number;
  /**
   * Called with every decision (grants and refusals) and the framework's request. Use it for
   * metrics or logging; it costs nothing when unset. Errors it throws are not caught.
   * @default none
   */
  onDecision?: (decision: CorsDecision, request: Request) => void;
  /**
   * Development aid: log one line per refusal naming the reason and the fix. `true` logs with
   * `console.warn`; a function receives the line instead.
   * @default false
   */
  debug?: boolean | ((line: string) => void);
}

/** The methods allowed when `methods` is not set. */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

/** The status of an answered preflight when `optionsSuccessStatus` is not set. */
export const DEFAULT_OPTIONS_SUCCESS_STATUS = 204;

/** The status of a refused preflight: the route does not run and nothing is granted. */
export const REFUSED_PREFLIGHT_STATUS = 403;

/** Every option name, for catching typos at start-up. */
export const OPTION_NAMES: readonly (keyof CorsOptions)[] = [
  'origin',
  'credentials',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'maxAge',
  'privateNetwork',
  'preflightContinue',
  'optionsSuccessStatus',
  'onDecision',
  'debug',
];
