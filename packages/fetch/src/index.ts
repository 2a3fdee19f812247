import {
  CorsConfigError,
  HeadersCorsRequest,
  isCorsPolicy,
  isPromiseLike,
  mergeVary,
  setCorsHeaders,
  toCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type CorsRespondDecision,
  type ReconfigurableCorsPolicy,
} from '@cors/core';

export { CorsConfigError };
export { cachedOrigins, createCorsPolicy } from '@cors/core';
export type { CachedOrigins, CachedOriginsOptions, CorsDecision, CorsOptions } from '@cors/core';
export type { ReconfigurableCorsPolicy };

/**
 * What happens to an error thrown (or a promise rejected) by the wrapped handler or by an
 * `origin` function. A function receives the error and the request; it may return the
 * `Response` to send (the grant is added to it), or nothing for a plain `500`. `'rethrow'`
 * hands the error to the runtime unchanged, which then builds its own response without CORS
 * headers.
 */
export type HandlerErrorOption<R extends Request = Request> =
  | 'rethrow'
  | ((error: unknown, request: R) => Response | undefined | Promise<Response | undefined>);

/**
 * What `withCors` itself does, apart from the CORS policy: the third argument of
 * `withCors(handler, policy, { onError })`, or mixed into the options
 * (`withCors(handler, { origin, onError })`).
 */
export interface WithCorsHandlerOptions<R extends Request = Request> {
  /**
   * What to do when the handler (or an `origin` function) throws or rejects. By default the
   * error is logged with `console.error` and answered with `500 Internal Server Error`,
   * carrying the grant, so the browser shows the real failure and not a CORS error.
   * @default log with console.error, answer 500
   */
  onError?: HandlerErrorOption<R>;
}

/** Options of `withCors`: the core's `CorsOptions` plus what to do with a handler's errors. */
export interface WithCorsOptions<R extends Request = Request>
  extends CorsOptions<R>,
    WithCorsHandlerOptions<R> {}

/** A Fetch-API handler: a `Request` (and whatever the runtime passes after it) in, a `Response` out. */
export type FetchHandler<R extends Request = Request, Args extends unknown[] = []> = (
  request: R,
  ...rest: Args
) => Response | Promise<Response>;

/**
 * Wraps a Fetch-API handler with the CORS policy built from `options`: preflights are answered
 * here (the handler does not run), and the handler's response gets the grant and `Vary`
 * merged in. The result has the handler's own shape, so it works as `Bun.serve({ fetch })`,
 * `Deno.serve(handler)`, a Worker's `export default { fetch }` or a Next.js route handler.
 * Stays synchronous when the handler and the decision are. Throws `CorsConfigError` here, at
 * start-up, never while serving a request.
 *
 * Takes options, or a policy from `createCorsPolicy` to change later with
 * `policy.reconfigure(options)`; `withCors`'s own options then go third:
 * `withCors(handler, policy, { onError })`. With options, `onError` may be among them or third,
 * not both.
 *
 * @example
 * export default {
 *   fetch: withCors((request) => Response.json({ ok: true }), {
 *     origin: ['https://app.example.com'],
 *     credentials: true,
 *   }),
 * };
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
 * const fetch = withCors(handler, policy, { onError: 'rethrow' });
 * // later: policy.reconfigure({ origin: ['https://app.example.com', 'https://new.example.com'] });
 */
export function withCors<R extends Request = Request, Args extends unknown[] = []>(
  handler: FetchHandler<R, Args>,
  options?: WithCorsOptions<R> | ReconfigurableCorsPolicy<R>,
  handlerOptions?: WithCorsHandlerOptions<R>,
): FetchHandler<R, Args> {
  if (typeof handler !== 'function') {
    throw new CorsConfigError([
      {
        option: 'handler',
        value: handler,
        message: `${describe(handler)} is not a function`,
        hint: 'pass the handler first: withCors((request) => new Response("ok"), options)',
      },
    ]);
  }
  const [corsOptions, onError] = splitOptions(options, handlerOptions);
  const reportError = compileOnError(onError);
  const policy = toCorsPolicy<R>(corsOptions);

  const fail = (error: unknown, request: R, vary: readonly string[], grant: Grant): Answer =>
    answerError(reportError, error, request, grant, vary);

  return (request: R, ...rest: Args): Response | Promise<Response> => {
    let pending: CorsDecision | Promise<CorsDecision>;
    try {
      pending = policy.evaluate(new HeadersCorsRequest(request.method, request.headers, request));
    } catch (error) {
      // The `origin` function failed: no grant, but the answer varies on the origin.
      return fail(error, request, policy.errorVary, NO_GRANT);
    }
    const decide = (decision: CorsDecision): Response | Promise<Response> => {
      // A preflight that is answered or refused ends here: the handler never runs.
      if (decision.action === 'respond') return answerPreflight(decision);
      let response: Response | Promise<Response>;
      try {
        response = handler(request, ...rest);
      } catch (error) {
        return fail(error, request, decision.vary, decision.headers);
      }
      return isPromiseLike<Response>(response)
        ? Promise.resolve(response).then(
            (settled) => applyDecision(settled, decision.headers, decision.vary),
            (error: unknown) => fail(error, request, decision.vary, decision.headers),
          )
        : applyDecision(response, decision.headers, decision.vary);
    };
    // Only an async `origin` function makes the decision a promise.
    return isPromiseLike<CorsDecision>(pending)
      ? Promise.resolve(pending).then(decide, (error: unknown) =>
          fail(error, request, policy.errorVary, NO_GRANT),
        )
      : decide(pending);
  };
}

type Grant = Readonly<Record<string, string>>;
type Answer = Response | Promise<Response>;
type ErrorReporter<R> = (
  error: unknown,
  request: R,
) => Response | undefined | Promise<Response | undefined>;

const NO_GRANT: Grant = {};

/**
 * The policy (or the CORS options) and `onError`, from `withCors`'s second and third arguments.
 * The options lose `onError` on a copy that keeps their prototype, so the core still refuses
 * options inherited from it.
 */
function splitOptions<R extends Request>(
  options: WithCorsOptions<R> | ReconfigurableCorsPolicy<R> | undefined,
  handlerOptions: WithCorsHandlerOptions<R> | undefined,
): [CorsOptions<R> | ReconfigurableCorsPolicy<R> | undefined, HandlerErrorOption<R> | undefined] {
  const third = readHandlerOptions(handlerOptions);
  if (isCorsPolicy<R>(options)) return [options, third];
  if (typeof options !== 'object' || options === null || !Object.hasOwn(options, 'onError')) {
    return [options, third];
  }
  if (third !== undefined) {
    throw new CorsConfigError([
      {
        option: 'onError',
        value: options.onError,
        message: 'onError is given twice, among the options and in the third argument',
        hint: 'keep one of them',
      },
    ]);
  }
  const source = options as Readonly<Record<string, unknown>>;
  const copy = Object.create(Object.getPrototypeOf(options) as object | null) as object;
  for (const name of Object.keys(source)) {
    // Defined, not assigned: an own `__proto__` key (from JSON.parse) stays a key, which the
    // core refuses, instead of becoming the copy's prototype.
    if (name !== 'onError') {
      Object.defineProperty(copy, name, {
        value: source[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return [copy as CorsOptions<R>, options.onError];
}

/** `withCors`'s third argument: an object whose only option is `onError`. */
function readHandlerOptions<R extends Request>(
  handlerOptions: WithCorsHandlerOptions<R> | undefined,
): HandlerErrorOption<R> | undefined {
  if (handlerOptions === undefined) return undefined;
  if (
    typeof handlerOptions !== 'object' ||
    handlerOptions === null ||
    Array.isArray(handlerOptions)
  ) {
    throw new CorsConfigError([
      {
        option: 'handlerOptions',
        value: handlerOptions,
        message: `${describe(handlerOptions)} is not an object of withCors options`,
        hint: "e.g. withCors(handler, policy, { onError: 'rethrow' })",
      },
    ]);
  }
  const unknown = Object.keys(handlerOptions).filter((name) => name !== 'onError');
  if (unknown.length > 0) {
    throw new CorsConfigError(
      unknown.map((name) => ({
        option: name,
        value: (handlerOptions as Readonly<Record<string, unknown>>)[name],
        message: `${JSON.stringify(name)} is not an option of withCors's third argument, whose only option is onError`,
        hint: 'CORS options go in the second argument, or in the policy (createCorsPolicy(options))',
      })),
    );
  }
  return Object.hasOwn(handlerOptions, 'onError') ? handlerOptions.onError : undefined;
}

/** Checks `onError` once, at start-up, and turns it into the function the request path calls. */
function compileOnError<R extends Request>(
  onError: HandlerErrorOption<R> | undefined,
): ErrorReporter<R> | undefined {
  if (onError === undefined) return logError;
  if (onError === 'rethrow') return undefined;
  if (typeof onError === 'function') return onError;
  throw new CorsConfigError([
    {
      option: 'onError',
      value: onError,
      message: `${describe(onError)} is not 'rethrow' or a function`,
      hint: "pass (error, request) => Response | undefined, or 'rethrow' to let the runtime handle errors",
    },
  ]);
}

function logError(error: unknown): undefined {
  console.error(error);
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * The answer to a failed handler or `origin` function: the error goes to `onError` (or is
 * re-thrown), and the response it leads to carries `grant` and varies on `vary`.
 */
function answerError<R extends Request>(
  report: ErrorReporter<R> | undefined,
  error: unknown,
  request: R,
  grant: Grant,
  vary: readonly string[],
): Answer {
  if (report === undefined) throw error;
  const reported = report(error, request);
  const finish = (response: Response | undefined): Response =>
    applyDecision(response ?? internalServerError(), grant, vary);
  return isPromiseLike<Response | undefined>(reported)
    ? Promise.resolve(reported).then(finish)
    : finish(reported);
}

function internalServerError(): Response {
  return new Response('Internal Server Error', {
    status: 500,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** A fresh response with no body for a preflight that ends here. */
function answerPreflight(decision: CorsRespondDecision): Response {
  const { status } = decision;
  const headers: Record<string, string> = {};
  for (const name in decision.headers) headers[name] = decision.headers[name] as string;
  if (decision.vary.length > 0) headers['Vary'] = mergeVary(undefined, decision.vary);
  // RFC 9110 §8.6: a 204 carries no Content-Length; any other status says "empty" with one.
  if (status !== 204) headers['Content-Length'] = '0';
  return new Response(null, { status, headers });
}

/**
 * Puts the grant and `Vary` on the handler's response, in place when its headers can change,
 * else on a copy.
 */
function applyDecision(response: Response, grant: Grant, vary: readonly string[]): Response {
  // Bun's `fetch` returns nothing after `server.upgrade(request)`: nothing to put headers on.
  if ((response as Response | undefined) === undefined) return response;
  try {
    setCorsHeaders(response.headers, grant, vary);
    return response;
  } catch (error) {
    // Fetch: the headers of a `fetch()` response or of `Response.redirect()` are immutable.
    if (!(error instanceof TypeError)) throw error;
    // A WebSocket upgrade (101) cannot be copied, and browsers apply no CORS to WebSockets.
    if (response.status === 101) return response;
    const copy = new Response(response.body, response);
    setCorsHeaders(copy.headers, grant, vary);
    return copy;
  }
}
