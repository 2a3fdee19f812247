/** How the Fetch Standard sorts a request: not a CORS request, an actual request, or a preflight. */
export type CorsRequestKind = 'not-cors' | 'actual' | 'preflight';

/** Why a request got no grant. Every refusal carries one. */
export type RefusalReason =
  /** The `Origin` is well-formed but not allowed by the `origin` option. */
  | 'origin-not-allowed'
  /** The `Origin` header is not a single serialized origin (several, a path, odd characters, too long). */
  | 'origin-malformed'
  /** The preflight asks for a method not in `methods`. */
  | 'method-not-allowed'
  /** `Access-Control-Request-Method` is not a method: not an HTTP token, or over 128 characters. */
  | 'method-malformed'
  /** The preflight asks for a header not in `allowedHeaders`. */
  | 'header-not-allowed'
  /** `Access-Control-Request-Headers` is too long or holds something that is not a header name. */
  | 'headers-malformed'
  /** The preflight could reach routes with different policies (NestJS); we do not guess. */
  | 'route-ambiguous'
  /** The route has CORS switched off (NestJS `@DisableCors()`, or no policy applies). */
  | 'cors-disabled';

/** The reasons a refusing policy (`createRefusingPolicy`) gives: refusals no policy's options made. */
export type RouteRefusalReason = Extract<RefusalReason, 'route-ambiguous' | 'cors-disabled'>;

/** What every decision says, whatever its `action`. */
interface CorsDecisionFields {
  /** What kind of request this was. */
  readonly kind: CorsRequestKind;
  /** Whether the response grants access (carries `Access-Control-Allow-Origin`). */
  readonly allowed: boolean;
  /** Headers to set on the response. Empty for a refusal. */
  readonly headers: Readonly<Record<string, string>>;
  /** Header names to merge into the response's `Vary` (see `mergeVary`). */
  readonly vary: readonly string[];
  /** Why no grant was given (refusals of CORS requests only). */
  readonly reason?: RefusalReason;
  /**
   * The offending request value for `reason` (an origin, method or header name; for the
   * refusals of `createRefusingPolicy`, the method asked about and the path, `PUT /items/1`),
   * cut to 200 characters. For logs and metrics; never sent.
   */
  readonly detail?: string;
  /**
   * Only on a preflight that asked for private network access
   * (`Access-Control-Request-Private-Network: true`): `'granted'` when the answer carries
   * `Access-Control-Allow-Private-Network: true`; `'not-granted'` when the policy's
   * `privateNetwork` is off, in which case the CORS part was decided and answered exactly as if
   * it had not been asked (set `privateNetwork: true` to grant it). Unset on a preflight refused
   * by a policy that has `privateNetwork` on: `reason` says why.
   */
  readonly privateNetwork?: PrivateNetworkOutcome;
}

/**
 * A decision that hands the request on: set `headers`, merge `vary` into the response's
 * `Vary`, and run the route (every actual request and request without `Origin`; a preflight
 * with `preflightContinue`). It has no status: the route answers.
 */
export interface CorsContinueDecision extends CorsDecisionFields {
  readonly action: 'continue';
}

/**
 * A decision that ends the request here: an answered or refused preflight. Set `headers`, merge
 * `vary` into the response's `Vary`, and end the response with `status` and an empty body; the
 * route does not run.
 */
export interface CorsRespondDecision extends CorsDecisionFields {
  /** Only a preflight is ever answered by the CORS layer itself. */
  readonly kind: 'preflight';
  readonly action: 'respond';
  /**
   * The status to end with: `optionsSuccessStatus` (204 by default) for an answered
   * preflight, 403 for a refused one.
   */
  readonly status: number;
}

/**
 * A policy's answer to one request, as plain data, told apart by `action`: hand the request on
 * (`CorsContinueDecision`) or end it with `status` and an empty body (`CorsRespondDecision`).
 *
 * @example
 * if (decision.action === 'respond') res.writeHead(decision.status).end(); // status: number
 */
export type CorsDecision = CorsContinueDecision | CorsRespondDecision;

/** What became of a preflight's request for private network access (see `CorsDecision`). */
export type PrivateNetworkOutcome = 'granted' | 'not-granted';
