import { compileOptions, type CompiledPolicy } from './compile.js';
import type {
  CorsContinueDecision,
  CorsDecision,
  CorsRequestKind,
  CorsRespondDecision,
  RefusalReason,
  RouteRefusalReason,
} from './decision.js';
import { CorsConfigError, type CorsConfigIssue } from './config-error.js';
import { readOwnOptions } from './merge-options.js';
import {
  ALLOW_CREDENTIALS,
  ALLOW_HEADERS,
  ALLOW_METHODS,
  ALLOW_ORIGIN,
  ALLOW_PRIVATE_NETWORK,
  EXPOSE_HEADERS,
  MAX_AGE,
  MAX_REQUEST_METHOD_LENGTH,
  ORIGIN,
  REQUEST_HEADERS,
  REQUEST_METHOD,
  isToken,
  parseHeaderList,
} from './headers.js';
import { REFUSED_PREFLIGHT_STATUS, type CorsOptions } from './options.js';
import { isPromiseLike, matchOrigin } from './origin/matcher.js';
import { isRequestOrigin } from './origin/parse.js';
import { createReportingEvaluate, explainReport } from './report-only.js';
import { createDecideUpgrade, type UpgradeRequest } from './upgrade.js';

/**
 * The parts of a request a CORS decision reads. Adapters fill it from their framework. The
 * fields may be getters: the core reads `requestMethod` only for an `OPTIONS` request with an
 * `Origin`, and the other `Access-Control-Request-*` headers only for a preflight, so an adapter
 * whose header look-ups cost something can defer them.
 */
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
  /**
   * The request target as received (`/items/1?page=2`). Only a refusing policy
   * (`createRefusingPolicy`) reads it, for its refusal's `detail` (`PUT /items/1`: the method the
   * preflight asks about, and the path without the query); a policy built from options never
   * does, so other adapters leave it out.
   */
  readonly url?: string | undefined;
}

/** A compiled CORS policy: build it once with `createCorsPolicy`, then ask it about each request. */
export interface CorsPolicy<Request = unknown> {
  /**
   * Decides one request. Synchronous unless the `origin` option is a function that returns a
   * promise; rejects (or throws) only when that function does.
   */
  evaluate(request: CorsRequest<Request>): CorsDecision | Promise<CorsDecision>;
  /**
   * The names to merge into the `Vary` of the error response when `evaluate` throws or rejects
   * (the `origin` function failed): `['Origin']`, since the answer would have depended on the
   * request's origin, so a shared cache must keep origins apart (RFC 9110 §12.5.5); `[]` for
   * `origin: '*'`, whose answers never do. Nothing is granted: the error response gets no
   * `Access-Control-*` header. Computed once, when the policy is built.
   */
  readonly errorVary: readonly string[];
}

/** The handshake check of a policy built by `createCorsPolicy` (see `ReconfigurableCorsPolicy`). */
export interface UpgradeCheck<Request = unknown> {
  /**
   * Decides a WebSocket (or other `Upgrade`) handshake from the same policy, before the protocol
   * switch: `allowed` when its `Origin` is allowed (the same matching as a CORS request, async
   * `origin` functions and `originTimeout` included), otherwise `status` 403 with a `reason`.
   * A handshake without `Origin` follows `upgradeWithoutOrigin` (allowed by default). The
   * decision has `kind: 'upgrade'` and goes to `onDecision` and `debug` like any other.
   * Synchronous unless the `origin` function returns a promise; rejects (or throws) when it
   * fails, in which case the handshake must be refused (adapters answer 500).
   *
   * @example
   * const decision = await policy.checkUpgrade({ origin: req.headers.origin, request: req });
   * if (!decision.allowed) socket.end(`HTTP/1.1 ${decision.status} Forbidden\r\n\r\n`);
   */
  checkUpgrade(request: UpgradeRequest<Request>): CorsDecision | Promise<CorsDecision>;
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
export function createCorsPolicy<Request = unknown>(
  options?: CorsOptions<Request>,
): CorsPolicy<Request> & UpgradeCheck<Request> {
  const policy = compileOptions(options);
  const notify = createNotify(policy);
  // Report-only and report candidates get an `evaluate` (and `checkUpgrade`) of their own,
  // chosen here once: a policy without them pays nothing per request (issue 20).
  if ((policy.grantAsAsked ?? policy.candidate) && notify) {
    const answering = policy.grantAsAsked ?? policy;
    const candidate = policy.candidate ?? policy;
    return {
      evaluate: createReportingEvaluate(createDecide(answering), createDecide(candidate), notify),
      errorVary: answering.errorVary,
      checkUpgrade: createReportingEvaluate(
        createDecideUpgrade(answering),
        createDecideUpgrade(candidate),
        notify,
      ),
    };
  }
  return {
    evaluate: withNotify(createDecide(policy), notify),
    errorVary: policy.errorVary,
    checkUpgrade: withNotify(createDecideUpgrade(policy), notify),
  };
}

/** `decide`, reporting each decision to the hooks once it is known; `decide` itself when none are set. */
function withNotify<Request, Input extends { readonly request?: Request }>(
  decide: (input: Input) => CorsDecision | Promise<CorsDecision>,
  notify: ((decision: CorsDecision, request: Request) => void) | undefined,
): (input: Input) => CorsDecision | Promise<CorsDecision> {
  if (!notify) return decide;
  return (input) => {
    const decision = decide(input);
    if (isPromiseLike<CorsDecision>(decision)) {
      return decision.then((settled) => {
        notify(settled, input.request as Request);
        return settled;
      });
    }
    notify(decision, input.request as Request);
    return decision;
  };
}

function createDecide<Request>(
  policy: CompiledPolicy<Request>,
): (request: CorsRequest<Request>) => CorsDecision | Promise<CorsDecision> {
  const { origins, credentials, exposedHeaders, actualVary, preflightVary } = policy;
  const anyOrigin = origins.allowsAnyOrigin;

  // Headers are built as one object with its keys set in turn: an object spread here was
  // measurably slower per request on Node 20 (the core micro-benchmark, BENCHMARKS.md).
  const actualHeaders = (allowOrigin: string): Record<string, string> => {
    const headers: Record<string, string> = { [ALLOW_ORIGIN]: allowOrigin };
    if (credentials) headers[ALLOW_CREDENTIALS] = 'true';
    if (exposedHeaders !== undefined) headers[EXPOSE_HEADERS] = exposedHeaders;
    return headers;
  };

  // Answers that never change are built once.
  const notCors: CorsContinueDecision = anyOrigin
    ? {
        kind: 'not-cors',
        allowed: true,
        headers: actualHeaders('*'),
        vary: actualVary,
        action: 'continue',
      }
    : { kind: 'not-cors', allowed: false, headers: {}, vary: actualVary, action: 'continue' };
  const anyOriginActual: CorsContinueDecision = { ...notCors, kind: 'actual' };

  const grantActual = (origin: string): CorsDecision => ({
    kind: 'actual',
    allowed: true,
    headers: actualHeaders(origin),
    vary: actualVary,
    action: 'continue',
  });
  const grantPreflight = (headers: Record<string, string>): CorsDecision =>
    policy.preflightContinue
      ? { kind: 'preflight', allowed: true, headers, vary: preflightVary, action: 'continue' }
      : {
          kind: 'preflight',
          allowed: true,
          headers,
          vary: preflightVary,
          action: 'respond',
          status: policy.optionsSuccessStatus,
        };
  const refuse = (
    kind: 'actual' | 'preflight',
    reason: RefusalReason,
    detail: string,
  ): CorsDecision =>
    kind === 'actual'
      ? { kind, allowed: false, headers: {}, vary: actualVary, action: 'continue', reason, detail }
      : refusePreflight(preflightVary, policy.preflightContinue, reason, detail);
  const originRefusal = (kind: 'actual' | 'preflight', origin: string): CorsDecision =>
    origin !== 'null' && !isRequestOrigin(origin)
      ? refuse(kind, 'origin-malformed', truncate(origin))
      : refuse(kind, 'origin-not-allowed', origin);

  const actual = (origin: string, request: Request): CorsDecision | Promise<CorsDecision> => {
    // Fetch: a `*` policy answers every origin with `*`; nothing is read from the request.
    if (anyOrigin) return anyOriginActual;
    const allowed = matchOrigin(origins, origin, request);
    if (isPromiseLike<boolean>(allowed)) {
      return allowed.then((ok) => (ok ? grantActual(origin) : originRefusal('actual', origin)));
    }
    return allowed ? grantActual(origin) : originRefusal('actual', origin);
  };

  const answerAllowedOrigin = (cors: CorsRequest<Request>, allowOrigin: string): CorsDecision => {
    const answer = answerPreflight(policy, cors, allowOrigin);
    return 'reason' in answer
      ? refuse('preflight', answer.reason, answer.detail)
      : grantPreflight(answer.headers);
  };

  // Private Network Access is a permission of its own, not a CORS check (SPEC): without
  // `privateNetwork` the preflight is answered as if it had not been asked, and the decision
  // records that it was asked for and not granted, for `onDecision` and `debug`.
  const notePrivateNetwork = (decision: CorsDecision): CorsDecision =>
    !policy.privateNetwork
      ? { ...decision, privateNetwork: 'not-granted' }
      : decision.allowed
        ? { ...decision, privateNetwork: 'granted' }
        : decision;

  const preflight = (
    origin: string,
    cors: CorsRequest<Request>,
  ): CorsDecision | Promise<CorsDecision> => {
    const decision = decidePreflight(origin, cors);
    if (cors.requestPrivateNetwork !== 'true') return decision;
    return isPromiseLike<CorsDecision>(decision)
      ? decision.then(notePrivateNetwork)
      : notePrivateNetwork(decision);
  };

  const decidePreflight = (
    origin: string,
    cors: CorsRequest<Request>,
  ): CorsDecision | Promise<CorsDecision> => {
    if (anyOrigin) return answerAllowedOrigin(cors, '*');
    // The origin is checked first: a refused origin is the root cause, and the request's other
    // headers are then not even parsed.
    const allowed = matchOrigin(origins, origin, cors.request as Request);
    if (isPromiseLike<boolean>(allowed)) {
      return allowed.then((ok) =>
        ok ? answerAllowedOrigin(cors, origin) : originRefusal('preflight', origin),
      );
    }
    return allowed ? answerAllowedOrigin(cors, origin) : originRefusal('preflight', origin);
  };

  return (cors) => {
    switch (classifyRequest(cors)) {
      // Fetch: a request without `Origin` is not a CORS request; the answer only varies on it.
      case 'not-cors':
        return notCors;
      // Fetch (CORS-preflight fetch): the origin, method and headers asked about are checked.
      case 'preflight':
        return preflight(cors.origin as string, cors);
      // Fetch (CORS check): an actual request needs only its origin allowed; the route answers.
      default:
        return actual(cors.origin as string, cors.request as Request);
    }
  };
}

/**
 * Sorts a request the way the Fetch Standard does, before anything else is read: no `Origin`
 * is not a CORS request; `OPTIONS` with `Origin` and `Access-Control-Request-Method` is a
 * preflight; anything else with an `Origin` is an actual request (an `OPTIONS` without
 * `Access-Control-Request-Method` included, which the route handles).
 */
export function classifyRequest(request: CorsRequest<unknown>): CorsRequestKind {
  if (request.origin === undefined || request.origin === null) return 'not-cors';
  if (request.method !== 'OPTIONS') return 'actual';
  const requestMethod = request.requestMethod;
  return requestMethod === undefined || requestMethod === null ? 'actual' : 'preflight';
}

type PreflightAnswer =
  | { readonly headers: Record<string, string> }
  | { readonly reason: RefusalReason; readonly detail: string };

/**
 * The complete answer to a preflight whose origin is allowed (`allowOrigin` is what
 * `Access-Control-Allow-Origin` will say), or why its method, headers or private-network
 * request fail.
 */
function answerPreflight<Request>(
  policy: CompiledPolicy<Request>,
  cors: CorsRequest<Request>,
  allowOrigin: string,
): PreflightAnswer {
  const requestMethod = cors.requestMethod ?? '';

  // The length is checked first, so the token test's work is bounded; a value that is not a
  // method is never echoed (issue 18).
  if (requestMethod.length > MAX_REQUEST_METHOD_LENGTH) return methodMalformed(requestMethod);
  // Fetch: the requested method is compared case-sensitively with the allowed ones.
  let allowMethods: string;
  if (policy.methods.kind === 'list') {
    // A listed method is a token (checked at start-up): only a miss needs the token test.
    if (!policy.methods.names.has(requestMethod)) {
      return isToken(requestMethod)
        ? { reason: 'method-not-allowed', detail: truncate(requestMethod) }
        : methodMalformed(requestMethod);
    }
    allowMethods = policy.methods.value;
  } else if (!isToken(requestMethod)) {
    return methodMalformed(requestMethod);
  } else {
    // Fetch: with credentials `*` is a literal method name, so "any" reflects the request.
    allowMethods = policy.credentials ? requestMethod : '*';
  }

  // The length is checked before the value is split, so the work is bounded (see headers.ts).
  const requested = parseHeaderList(cors.requestHeaders ?? '');
  if (requested === undefined) {
    return { reason: 'headers-malformed', detail: truncate(cors.requestHeaders ?? '') };
  }
  let allowHeaders: string | undefined;
  const rule = policy.allowedHeaders;
  if (rule.kind === 'list') {
    for (const name of requested) {
      if (!rule.names.has(name)) return { reason: 'header-not-allowed', detail: name };
    }
    if (rule.value !== '') allowHeaders = rule.value;
  } else if (rule.kind === 'any' && !policy.credentials) {
    // Fetch: `*` covers every name but `Authorization`, which must be named to be allowed.
    allowHeaders = requested.includes('authorization') ? '*,authorization' : '*';
  } else if (requested.length > 0) {
    // Reflect (the default, or `*` with credentials): the parsed, valid, lowercased names.
    allowHeaders = requested.join(',');
  }

  // Private Network Access: the grant is given only when asked for and enabled; when it is not
  // enabled, the CORS part is answered as if it had not been asked (SPEC, issue 14).
  const askedPrivateNetwork = policy.privateNetwork && cors.requestPrivateNetwork === 'true';

  // No partial grants: every check has passed, so the whole answer is built at once.
  const headers: Record<string, string> = { [ALLOW_ORIGIN]: allowOrigin };
  if (policy.credentials) headers[ALLOW_CREDENTIALS] = 'true';
  headers[ALLOW_METHODS] = allowMethods;
  if (allowHeaders !== undefined) headers[ALLOW_HEADERS] = allowHeaders;
  if (askedPrivateNetwork) headers[ALLOW_PRIVATE_NETWORK] = 'true';
  if (policy.maxAge !== undefined) headers[MAX_AGE] = policy.maxAge;
  return { headers };
}

function methodMalformed(requestMethod: string): PreflightAnswer {
  return { reason: 'method-malformed', detail: truncate(requestMethod) };
}

/** Reports a decision to `debug` and `onDecision`, each hook's errors caught; none when unset. */
export function createNotify<Request>(
  policy: Pick<CompiledPolicy<Request>, 'onDecision' | 'debug'> &
    Partial<Pick<CompiledPolicy<Request>, 'methods'>>,
): ((decision: CorsDecision, request: Request) => void) | undefined {
  const { onDecision, debug } = policy;
  const listedMethods = policy.methods?.kind === 'list' ? [...policy.methods.names] : [];
  if (!onDecision && !debug) return undefined;
  // A hook that throws must not turn requests into errors (any client could then force 500s
  // with a refused origin): its first error is reported, and the request is answered as if no
  // hook were set (issue 18).
  const reported = { onDecision: false, debug: false };
  const report = (hook: 'onDecision' | 'debug', error: unknown): void => {
    if (reported[hook]) return;
    reported[hook] = true;
    console.error(
      `cors: the ${hook} hook threw; requests are answered as if it were not set (reported once per policy)`,
      error,
    );
  };
  return (decision, request) => {
    if (debug) {
      try {
        if (decision.reason !== undefined) debug(describeRefusal(decision, listedMethods));
        if (decision.report !== undefined) debug(explainReport(decision));
        if (decision.privateNetwork === 'not-granted') debug(explainPrivateNetwork(decision));
      } catch (error) {
        report('debug', error);
      }
    }
    if (onDecision) {
      try {
        const result: unknown = onDecision(decision, request);
        // An async hook's rejection would otherwise be an unhandled rejection.
        if (isPromiseLike(result)) result.then(undefined, (error) => report('onDecision', error));
      } catch (error) {
        report('onDecision', error);
      }
    }
  };
}

/**
 * One line saying that a preflight asked for private network access that the policy does not
 * grant, and how to grant it, for logs. Such preflights are legacy: Chrome 142+ asks the user
 * (Local Network Access) instead, and no response header grants that.
 */
export function explainPrivateNetwork(decision: CorsDecision): string {
  const answered = decision.allowed ? 'answered' : 'refused';
  return `cors: preflight asked for private network access (Access-Control-Request-Private-Network: true, legacy Private Network Access), not granted; its CORS part was ${answered} as if it had not been asked. Set privateNetwork: true to grant it to the older browsers that still send it; Chrome 142+ asks the user instead (Local Network Access), which no response header grants`;
}

/**
 * One line saying why a request was refused and how to fix it, for logs.
 *
 * @example explainRefusal(decision) // 'cors: refused preflight: header "x-token" is not in allowedHeaders; add it there'
 */
export function explainRefusal(decision: CorsDecision): string {
  return describeRefusal(decision, []);
}

const REFUSED_WHAT: Readonly<Record<CorsDecision['kind'], string>> = {
  'not-cors': 'request',
  actual: 'request',
  preflight: 'preflight',
  upgrade: 'upgrade handshake',
};

/** `explainRefusal`, told which methods the policy lists, to explain a case mismatch. */
function describeRefusal(decision: CorsDecision, listedMethods: readonly string[]): string {
  const value = JSON.stringify(truncate(decision.detail ?? ''));
  const what = `cors: refused ${REFUSED_WHAT[decision.kind]}`;
  switch (decision.reason) {
    case 'origin-not-allowed':
      return `${what}: origin ${value} is not allowed; add it to the origin option`;
    case 'origin-malformed':
      return `${what}: Origin header ${value} is not one serialized origin (scheme://host[:port])`;
    case 'origin-missing':
      return `${what}: it has no Origin header and upgradeWithoutOrigin is 'refuse' (browsers always send one; this is a non-browser client)`;
    case 'method-not-allowed':
      return `${what}: method ${value} is not in methods ${explainMethodCase(decision.detail ?? '', listedMethods)}`;
    case 'method-malformed':
      return `${what}: Access-Control-Request-Method ${value} is not a method`;
    case 'header-not-allowed':
      return `${what}: header ${value} is not in allowedHeaders; add it there`;
    case 'headers-malformed':
      return `${what}: Access-Control-Request-Headers ${value} is not a list of header names`;
    case 'route-ambiguous':
      return `${what}: ${value} could reach routes with different CORS policies; give them one policy`;
    case 'cors-disabled':
      return `${what}: CORS is disabled for ${value}`;
    default:
      return `${what}`;
  }
}

/**
 * Fetch: browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT; any other method is
 * sent as the page wrote it and compared case-sensitively, so `fetch(url, { method: 'patch' })`
 * asks for `patch`, which `methods: ['PATCH']` does not allow (issue 20).
 */
function explainMethodCase(method: string, listedMethods: readonly string[]): string {
  const sameLetters = listedMethods.find(
    (listed) => listed !== method && listed.toUpperCase() === method.toUpperCase(),
  );
  if (sameLetters !== undefined) {
    return `(methods are case-sensitive; the page sent \`${method}\`, the policy lists \`${sameLetters}\`; browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, so send \`${sameLetters}\` from the page, or list \`${method}\` too)`;
  }
  return '(compared case-sensitively); add it there';
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/** A refused preflight: no grant; ended with 403, or handed on with `preflightContinue`. */
function refusePreflight(
  vary: readonly string[],
  preflightContinue: boolean,
  reason: RefusalReason,
  detail: string,
): CorsDecision {
  const decision: CorsRespondDecision = {
    kind: 'preflight',
    allowed: false,
    headers: {},
    vary,
    action: 'respond',
    status: REFUSED_PREFLIGHT_STATUS,
    reason,
    detail,
  };
  if (!preflightContinue) return decision;
  return {
    kind: 'preflight',
    allowed: false,
    headers: {},
    vary,
    action: 'continue',
    reason,
    detail,
  };
}

// What a refusing policy's refusal varies on: whether the request is a preflight (`Origin`),
// and what it asks for (the route is found by the requested method), as any refused preflight.
const REFUSAL_VARY: readonly string[] = [ORIGIN, REQUEST_METHOD, REQUEST_HEADERS];
const ROUTE_REFUSAL_REASONS: ReadonlySet<string> = new Set<RouteRefusalReason>([
  'route-ambiguous',
  'cors-disabled',
]);
// The answers to what a refusing policy does not refuse: handed on untouched.
const UNTOUCHED: Readonly<Record<'not-cors' | 'actual', CorsContinueDecision>> = {
  'not-cors': { kind: 'not-cors', allowed: false, headers: {}, vary: [], action: 'continue' },
  actual: { kind: 'actual', allowed: false, headers: {}, vary: [], action: 'continue' },
};

/**
 * A policy that refuses every preflight with `reason`, for an adapter that must refuse before
 * any route's policy applies: a preflight that could reach routes with different policies
 * (`'route-ambiguous'`), or one to a route with CORS switched off (`'cors-disabled'`). Build it
 * once from the adapter's defaults (the plugin's or module's options). It reads only their
 * `onDecision`, `debug` and `preflightContinue` (checked as `createCorsPolicy` checks them,
 * with unknown or inherited option names: invalid ones throw `CorsConfigError`; the other
 * options are not checked, so defaults that routes complete are fine), so its refusals are
 * reported, logged and ended (or handed on) exactly as a policy's own refused preflights.
 *
 * `evaluate` classifies the request as any policy does. A preflight is refused: no grant, `Vary`
 * on `Origin`, `Access-Control-Request-Method` and `-Headers`, status 403 (or `continue` with
 * `preflightContinue`), and `detail` says what it asked about, the requested method and the
 * path of the request's `url` (`PUT /items/1`; pass `url` in the request). Anything else is
 * handed on untouched (no headers, no `Vary`) and not reported: with CORS off a route's other
 * requests are not CORS's business, and only a preflight can be ambiguous (it asks about a
 * method before any route is chosen).
 *
 * @example
 * const disabled = createRefusingPolicy('cors-disabled', pluginOptions);
 * disabled.evaluate({ method: 'OPTIONS', origin, requestMethod: 'POST', url: '/webhook' });
 * // { kind: 'preflight', allowed: false, action: 'respond', status: 403,
 * //   reason: 'cors-disabled', detail: 'POST /webhook', … }
 */
export function createRefusingPolicy<Request = unknown>(
  reason: RouteRefusalReason,
  options?: CorsOptions<Request>,
): CorsPolicy<Request> {
  if (!ROUTE_REFUSAL_REASONS.has(reason)) {
    throw new CorsConfigError([
      {
        option: 'reason',
        value: reason,
        message: `${JSON.stringify(reason)} is not a reason a refusing policy gives`,
        hint: "use 'route-ambiguous' or 'cors-disabled'",
      },
    ]);
  }
  // Only the options that shape a refusal are read (and checked as `createCorsPolicy` checks
  // them): defaults that routes complete (NestJS module defaults with `credentials: true` and
  // no origin) need not be a policy of their own.
  const issues: CorsConfigIssue[] = [];
  const own = readOwnOptions<Request>(options, issues);
  if (issues.length > 0) throw new CorsConfigError(issues);
  const policy = compileOptions<Request>({
    onDecision: own.onDecision,
    debug: own.debug,
    preflightContinue: own.preflightContinue,
  });
  const notify = createNotify(policy);
  return {
    evaluate(cors) {
      const kind = classifyRequest(cors);
      if (kind !== 'preflight') return UNTOUCHED[kind];
      const target = `${cors.requestMethod as string} ${pathOf(cors.url ?? '')}`;
      const decision = refusePreflight(
        REFUSAL_VARY,
        policy.preflightContinue,
        reason,
        truncate(target.trimEnd()),
      );
      notify?.(decision, cors.request as Request);
      return decision;
    },
    errorVary: [ORIGIN],
  };
}

/** The path of a request target: the query (which may carry secrets) is not logged. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
