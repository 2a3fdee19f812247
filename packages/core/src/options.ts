import type { CorsDecision } from './decision.js';
import type { UpgradeWithoutOrigin } from './upgrade.js';

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
   * Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). Browsers cap it:
   * Chromium at 7,200 (2 hours), Firefox at 86,400 (24 hours). A larger value is sent as
   * written, and a warning is logged once when the policy is built (with `debug` as a function,
   * the warning goes to that function instead of `console.warn`).
   * @default none (the browser's own default, 5 seconds in Chromium)
   */
  maxAge?: number;
  /**
   * Legacy: answer `Access-Control-Request-Private-Network: true` with
   * `Access-Control-Allow-Private-Network: true` (Private Network Access preflights).
   *
   * Chrome 142+ replaced those preflights with the Local Network Access permission prompt:
   * current browsers no longer send the request header, and no response header grants local
   * network access; the user's permission does (asked when a public page first reaches a
   * private or loopback address; an iframe needs it delegated through its `allow` attribute).
   * Keep this on only for older Chromium-based browsers that still send the preflight.
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
   * Milliseconds an async `origin` function may take. If its promise has not settled by then,
   * nothing is granted and `evaluate` rejects with an error naming this option, which the
   * adapters hand to the framework's error handling (the SPEC's path for a failing `origin`
   * function). Any positive number up to 2,147,483,647 (the largest timer delay).
   * @default 5000
   */
  originTimeout?: number;
  /**
   * Public suffixes (entries of the Public Suffix List, e.g. `'github.io'`) under which a
   * subdomain pattern is deliberately accepted. Without this, `https://*.github.io` is refused
   * at start-up, because every tenant of `github.io` could then read your responses.
   * @default none
   */
  allowPublicSuffixWildcards?: readonly string[];
  /**
   * What `policy.checkUpgrade` (and the adapters' WebSocket helpers) do with a handshake that
   * has no `Origin` header. Browsers send `Origin` on every WebSocket handshake, same-origin
   * pages included, so a handshake without one comes from a non-browser client (a server, a
   * CLI), which could send any `Origin` it likes anyway: `'allow'` lets it through,
   * `'refuse'` answers it with 403 (reason `'origin-missing'`).
   * @default 'allow'
   */
  upgradeWithoutOrigin?: UpgradeWithoutOrigin;
  /**
   * Called with every decision (grants and refusals) and the framework's request. Use it for
   * metrics or logging; it costs nothing when unset. If it throws, the error is reported once
   * per policy with `console.error` and the request is answered as if no hook were set.
   * @default none
   */
  onDecision?: (decision: CorsDecision, request: Request) => void;
  /**
   * Development aid: log one line per refusal (and per private-network request not granted)
   * naming the reason and the fix. `true` logs with `console.warn`; a function receives the line
   * instead. If that function throws, the error is reported once per policy with
   * `console.error` and the request is answered as if no hook were set.
   * @default false
   */
  debug?: boolean | ((line: string) => void);
  /**
   * `'report-only'`: grant every request as asked (the origin, method and headers are
   * reflected, with this policy's `credentials`), and report to `onDecision` / `debug` each
   * request this policy would have refused ("would refuse: <reason>"), to learn what a policy
   * would refuse before enforcing it. Needs `onDecision` or `debug`. See the README.
   * @default 'enforce'
   */
  mode?: 'enforce' | 'report-only';
  /**
   * A candidate policy evaluated beside this one: requests are answered by this policy, and each
   * request the candidate would answer differently (refuse what this one grants, grant what
   * this one refuses, or fail in its `origin` function) is reported to this policy's
   * `onDecision` (as `decision.report`) and `debug`. Validated at start-up like any policy;
   * its problems are named `report.<option>`. Its `origin` function never delays the answer.
   * @default none
   */
  report?: CorsOptions<Request>;
}

/** The methods allowed when `methods` is not set. */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

/** The status of an answered preflight when `optionsSuccessStatus` is not set. */
export const DEFAULT_OPTIONS_SUCCESS_STATUS = 204;

/** The status of a refused preflight: the route does not run and nothing is granted. */
export const REFUSED_PREFLIGHT_STATUS = 403;

/** Milliseconds an async `origin` function may take when `originTimeout` is not set. */
export const DEFAULT_ORIGIN_TIMEOUT = 5000;

/** The longest timer delay every runtime honours (a larger one fires at once). */
export const MAX_ORIGIN_TIMEOUT = 2_147_483_647;

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
  'originTimeout',
  'allowPublicSuffixWildcards',
  'upgradeWithoutOrigin',
  'onDecision',
  'debug',
  'mode',
  'report',
];

/**
 * The longest `Access-Control-Max-Age` browsers honour, in seconds: Chromium caps a preflight's
 * cache at 2 hours, Firefox at 24 hours. A larger `maxAge` gets a start-up warning.
 */
export const BROWSER_MAX_AGE_CAPS = { chromium: 7_200, firefox: 86_400 } as const;
