import { compileOptions, type CompiledPolicy } from './compile.js';
import type { CorsDecision, RefusalReason } from './decision.js';
import {
  ALLOW_HEADERS,
  ALLOW_METHODS,
  ALLOW_ORIGIN,
  ALLOW_PRIVATE_NETWORK,
  ORIGIN,
  REQUEST_HEADERS,
  REQUEST_METHOD,
  isToken,
  parseHeaderList,
} from './headers.js';
import { REFUSED_PREFLIGHT_STATUS, type CorsOptions } from './options.js';
import { isPromiseLike, matchOrigin } from './origin/matcher.js';
import { parseRequestOrigin } from './origin/parse.js';

/** The parts of a request a CORS decision reads. Adapters fill it from their framework. */
export interface CorsRequest<Request = unknown> {
  /** The request method, as received (`GET`, `OPTIONS`, …). */
  readonly method: string;
  /** The `Origin` header; `undefined` or `null` when absent. */
  readonly origin?: string | null | undefined;
  /** The `Access-Control-Request-Method` header. */
  readonly requestMethod?: string | null | undefined;
  /** The `Access-Control-Request-Headers` header. */
  readonly requestHeaders?: string | null | undefined;
  /** The `Access-Control-Request-Private-Network` header. */
  readonly requestPrivateNetwork?: string | null | undefined;
  /** The framework's request (or context), handed to an `origin` function and `onDecision`. */
  readonly request?: Request;
}

/** A compiled CORS policy: build it once with `createCorsPolicy`, then ask it about each request. */
export interface CorsPolicy<Request = unknown> {
  /**
   * Decides one request. Synchronous unless the `origin` option is a function that returns a
   * promise; rejects (or throws) only when that function does.
   */
  evaluate(request: CorsRequest<Request>): CorsDecision | Promise<CorsDecision>;
  /** Whether answers depend on the request's `Origin` (false only for `origin: '*'`). */
  readonly variesByOrigin: boolean;
}

/**
 * Validates `options` and compiles them into a policy. Throws `CorsConfigError`, listing every
 * problem, when the options are invalid.
 *
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });
 * const decision = policy.evaluate({ method: 'GET', origin: 'https://app.example.com' });
 * // decision.headers['Access-Control-Allow-Origin'] === 'https://app.example.com'
 */
export function createCorsPolicy<Request = unknown>(options?: CorsOptions<Request>): CorsPolicy<Request> {
  const policy = compileOptions(options);
  const decide = createDecide(policy);
  const notify = createNotify(policy);
  const evaluate = notify
    ? (request: CorsRequest<Request>): CorsDecision | Promise<CorsDecision> => {
        const decision = decide(request);
        if (isPromiseLike<CorsDecision>(decision)) {
          return decision.then((settled) => {
            notify(settled, request.request as Request);
            return settled;
          });
        }
        notify(decision, request.request as Request);
        return decision;
      }
    : decide;
  return { evaluate, variesByOrigin: policy.variesByOrigin };
}

function createDecide<Request>(
  policy: CompiledPolicy<Request>,
): (request: CorsRequest<Request>) => CorsDecision | Promise<CorsDecision> {
  const { origins, actualHeaders, actualVary, preflightVary } = policy;

  // Answers that never change are built once.
  const notCors: CorsDecision = origins.allowsAnyOrigin
    ? { kind: 'not-cors', allowed: true, headers: actualHeaders, vary: actualVary, action: 'continue' }
    : { kind: 'not-cors', allowed: false, headers: {}, vary: actualVary, action: 'continue' };
  const anyOriginActual: CorsDecision = { ...notCors, kind: 'actual' };
  const refusedPreflightAction = policy.preflightContinue ? 'continue' : 'respond';

  const grantActual = (origin: string): CorsDecision => ({
    kind: 'actual',
    allowed: true,
    headers: { [ALLOW_ORIGIN]: origin, ...actualHeaders },
    vary: actualVary,
    action: 'continue',
  });
  const refuse = (
    kind: 'actual' | 'preflight',
    reason: RefusalReason,
    detail: string,
  ): CorsDecision =>
    kind === 'actual'
      ? { kind, allowed: false, headers: {}, vary: actualVary, action: 'continue', reason, detail }
      : {
          kind,
          allowed: false,
          headers: {},
          vary: preflightVary,
          action: refusedPreflightAction,
          status: REFUSED_PREFLIGHT_STATUS,
          reason,
          detail,
        };
  const originRefusal = (kind: 'actual' | 'preflight', origin: string): CorsDecision =>
    origin !== 'null' && parseRequestOrigin(origin) === undefined
      ? refuse(kind, 'origin-malformed', origin)
      : refuse(kind, 'origin-not-allowed', origin);

  const actual = (origin: string, request: Request): CorsDecision | Promise<CorsDecision> => {
    // Fetch: a `*` policy answers every origin with `*`; nothing is read from the request.
    if (origins.allowsAnyOrigin) return anyOriginActual;
    const allowed = matchOrigin(origins, origin, request);
    if (isPromiseLike<boolean>(allowed)) {
      return allowed.then((ok) => (ok ? grantActual(origin) : originRefusal('actual', origin)));
    }
    return allowed ? grantActual(origin) : originRefusal('actual', origin);
  };

  const preflight = (
    origin: string,
    cors: CorsRequest<Request>,
  ): CorsDecision | Promise<CorsDecision> => {
    // Method, headers and private network are checked first (cheap, synchronous); the origin
    // is matched last, but an origin refusal is reported first because it is the root cause.
    const answer = answerPreflight(policy, cors);
    const finish = (ok: boolean): CorsDecision => {
      if (!ok) return originRefusal('preflight', origin);
      if ('reason' in answer) return refuse('preflight', answer.reason, answer.detail);
      // No partial grants: the whole answer is emitted only after every check passed.
      const headers = { ...policy.preflightHeaders, ...answer.headers };
      if (!origins.allowsAnyOrigin) headers[ALLOW_ORIGIN] = origin;
      return policy.preflightContinue
        ? { kind: 'preflight', allowed: true, headers, vary: preflightVary, action: 'continue' }
        : {
            kind: 'preflight',
            allowed: true,
            headers,
            vary: preflightVary,
            action: 'respond',
            status: policy.optionsSuccessStatus,
          };
    };
    if (origins.allowsAnyOrigin) return finish(true);
    const allowed = matchOrigin(origins, origin, cors.request as Request);
    return isPromiseLike<boolean>(allowed) ? allowed.then(finish) : finish(allowed);
  };

  return (cors) => {
    const origin = cors.origin;
    // Fetch: a request without an `Origin` header is not a CORS request.
    if (origin === undefined || origin === null) return notCors;
    // Fetch: a preflight is OPTIONS with `Origin` and `Access-Control-Request-Method`; any
    // other OPTIONS is an ordinary request that the route handles.
    if (cors.method === 'OPTIONS' && cors.requestMethod !== undefined && cors.requestMethod !== null) {
      return preflight(origin, cors);
    }
    // Fetch: everything else with an `Origin` is an actual (simple or preflighted) request.
    return actual(origin, cors.request as Request);
  };
}

type PreflightAnswer =
  | { readonly headers: Record<string, string> }
  | { readonly reason: RefusalReason; readonly detail: string };

/** The method, header and private-network part of a preflight's answer, or why it fails. */
function answerPreflight<Request>(
  policy: CompiledPolicy<Request>,
  cors: CorsRequest<Request>,
): PreflightAnswer {
  const requestMethod = cors.requestMethod ?? '';
  const headers: Record<string, string> = {};

  // Fetch: the requested method is compared case-sensitively with the allowed ones.
  if (!isToken(requestMethod)) return { reason: 'method-not-allowed', detail: requestMethod };
  if (policy.methods.kind === 'list') {
    if (!policy.methods.names.has(requestMethod)) {
      return { reason: 'method-not-allowed', detail: requestMethod };
    }
    headers[ALLOW_METHODS] = policy.methods.value;
  } else {
    // Fetch: with credentials `*` is a literal method name, so "any" reflects the request.
    headers[ALLOW_METHODS] = policy.credentials ? requestMethod : '*';
  }

  const requested = parseHeaderList(cors.requestHeaders ?? '');
  if (requested === undefined) {
    return { reason: 'headers-malformed', detail: truncate(cors.requestHeaders ?? '') };
  }
  const rule = policy.allowedHeaders;
  if (rule.kind === 'list') {
    for (const name of requested) {
      if (!rule.names.has(name)) return { reason: 'header-not-allowed', detail: name };
    }
    if (rule.value !== '') headers[ALLOW_HEADERS] = rule.value;
  } else if (rule.kind === 'any' && !policy.credentials) {
    // Fetch: `*` covers every name but `Authorization`, which must be named to be allowed.
    headers[ALLOW_HEADERS] = requested.includes('authorization') ? '*,authorization' : '*';
  } else if (requested.length > 0) {
    // Reflect (the default, or `*` with credentials): the parsed, valid, lowercased names.
    headers[ALLOW_HEADERS] = requested.join(',');
  }

  // Private Network Access: the grant is given only when asked for and enabled.
  if (cors.requestPrivateNetwork === 'true') {
    if (!policy.privateNetwork) return { reason: 'private-network-not-allowed', detail: 'true' };
    headers[ALLOW_PRIVATE_NETWORK] = 'true';
  }
  return { headers };
}

function createNotify<Request>(
  policy: CompiledPolicy<Request>,
): ((decision: CorsDecision, request: Request) => void) | undefined {
  const { onDecision, debug } = policy;
  if (!onDecision && !debug) return undefined;
  return (decision, request) => {
    if (debug && decision.reason !== undefined) debug(explainRefusal(decision));
    if (onDecision) onDecision(decision, request);
  };
}

/**
 * One line saying why a request was refused and how to fix it, for logs.
 *
 * @example explainRefusal(decision) // 'cors: refused preflight: header "x-token" is not in allowedHeaders; add it there'
 */
export function explainRefusal(decision: CorsDecision): string {
  const value = JSON.stringify(truncate(decision.detail ?? ''));
  const what = `cors: refused ${decision.kind === 'preflight' ? 'preflight' : 'request'}`;
  switch (decision.reason) {
    case 'origin-not-allowed':
      return `${what}: origin ${value} is not allowed; add it to the origin option`;
    case 'origin-malformed':
      return `${what}: Origin header ${value} is not one serialized origin (scheme://host[:port])`;
    case 'method-not-allowed':
      return `${what}: method ${value} is not in methods; add it there`;
    case 'header-not-allowed':
      return `${what}: header ${value} is not in allowedHeaders; add it there`;
    case 'headers-malformed':
      return `${what}: Access-Control-Request-Headers ${value} is not a list of header names`;
    case 'private-network-not-allowed':
      return `${what}: private network access was asked for; set privateNetwork: true to allow it`;
    case 'route-ambiguous':
      return `${what}: ${value} could reach routes with different CORS policies; give them one policy`;
    case 'cors-disabled':
      return `${what}: CORS is disabled for ${value}`;
    default:
      return `${what}`;
  }
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/**
 * A refused preflight that no policy produced: for adapters that must refuse before any policy
 * applies (a NestJS preflight that could reach routes with different policies, or a route with
 * CORS disabled). It varies on everything a preflight reads.
 */
export function refusePreflight(reason: RefusalReason, detail: string): CorsDecision {
  return {
    kind: 'preflight',
    allowed: false,
    headers: {},
    vary: [ORIGIN, REQUEST_METHOD, REQUEST_HEADERS],
    action: 'respond',
    status: REFUSED_PREFLIGHT_STATUS,
    reason,
    detail,
  };
}
