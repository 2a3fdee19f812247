import {
  HeadersCorsRequest,
  isPromiseLike,
  mergeVary,
  setCorsHeaders,
  toCorsPolicy,
} from '@cors/core';
import type { CorsDecision, CorsOptions, CorsRespondDecision } from '@cors/core';
import type { ReconfigurableCorsPolicy } from '@cors/core';
import type { Context, Env, Input, MiddlewareHandler } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';

export { CorsConfigError, cachedOrigins, createCorsPolicy, type CorsOptions } from '@cors/core';
export type { CachedOrigins, CachedOriginsOptions, CorsDecision } from '@cors/core';
export type { ReconfigurableCorsPolicy } from '@cors/core';

/**
 * CORS middleware for Hono, on every runtime Hono runs on. `@cors/core` makes every decision;
 * this adapter reads the request, answers preflights, and puts the headers on whatever response
 * the app ends with: a route's, `app.onError`'s or `app.notFound`'s.
 *
 * An `origin` function and `onDecision` receive Hono's `Context`. Give the app's `Env` as
 * `cors<AppEnv>(...)` to type `c.env` and `c.var` there; without it the `Env` is left open, as
 * with Hono's `createMiddleware`, so the middleware fits any app without a cast. Throws
 * `CorsConfigError` here, at start-up, never while serving a request. Takes options, or a
 * policy from `createCorsPolicy` to change later with `policy.reconfigure()`.
 *
 * @typeParam E - the app's `Env` (bindings and variables), as in `new Hono<E>()`; default open
 * @typeParam P - the path the middleware is mounted on
 * @typeParam I - the route's validated input
 * @example
 * const app = new Hono();
 * app.use('/api/*', cors({ origin: ['https://app.example.com'], credentials: true }));
 * app.get('/api/me', (c) => c.json({ name: 'Ada' }));
 */
// The defaults are those of Hono's own `createMiddleware`, so the handler fits any app.
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
export function cors<E extends Env = any, P extends string = string, I extends Input = {}>(
  options?: CorsOptions<Context<E, P, I>> | ReconfigurableCorsPolicy<Context<E, P, I>>,
): MiddlewareHandler<E, P, I> {
  const policy = toCorsPolicy<Context<E, P, I>>(options);

  return async (c, next) => {
    let decision: CorsDecision;
    try {
      const pending = policy.evaluate(
        // Access-Control-Request-* headers are read only for a preflight (HeadersCorsRequest).
        new HeadersCorsRequest(c.req.method, c.req.raw.headers, c),
      );
      // Only an async `origin` function makes the decision a promise; a sync one costs no tick.
      decision = isPromiseLike<CorsDecision>(pending) ? await pending : pending;
    } catch (error) {
      // The `origin` function failed: the error goes on to `app.onError`, whose response
      // gets no grant but varies on what the answer would have depended on.
      varyErrorResponse(c, policy.errorVary);
      throw error;
    }

    // A preflight that is answered or refused ends here: the route never runs.
    if (decision.action === 'respond') return answerPreflight(c, decision);

    await next();
    applyDecision(c, decision.headers, decision.vary);
  };
}

/**
 * The response, with no body, to a preflight the middleware answers or refuses. It starts from
 * the headers set before with `c.header()` (an earlier middleware's `X-Frame-Options` or
 * `Vary: Accept-Encoding`, issue 18), as `c.body()` would, and the decision's `vary` is merged
 * into that Vary. It is assigned to `c.res` here, so that Hono's copy of an earlier `c.res`'s
 * headers comes first and the decision's headers are set over it.
 */
function answerPreflight(c: Context, decision: CorsRespondDecision): Response {
  const { status } = decision;
  c.res = c.newResponse(null, status as StatusCode);
  const { headers } = c.res;
  setCorsHeaders(headers, decision.headers, decision.vary);
  // RFC 9110 §8.6: a 204 carries no Content-Length; any other status says "empty" with one,
  // where Node would otherwise frame the empty body as chunked.
  if (status !== 204) headers.set('Content-Length', '0');
  return c.res;
}

/**
 * Puts a decision's headers (`grant`, and `vary` merged into Vary) on the response the app
 * ended with, changing its headers in place. `c.header()` after `next()`, or a new `Response`,
 * would copy the whole response for every request (see "Speed" in the README).
 */
function applyDecision(
  c: Context,
  grant: Readonly<Record<string, string>>,
  vary: readonly string[],
): void {
  const response = c.res;
  try {
    setCorsHeaders(response.headers, grant, vary);
  } catch (error) {
    // Fetch: the headers of a `fetch()` response or of `Response.redirect()` are immutable.
    if (!(error instanceof TypeError)) throw error;
    // A WebSocket upgrade (101) cannot be copied, and browsers apply no CORS to WebSockets.
    if (response.status === 101) return;
    c.res = new Response(response.body, response);
    setCorsHeaders(c.res.headers, grant, vary);
  }
}

const NO_GRANT: Readonly<Record<string, string>> = {};

/**
 * Makes the response `app.onError` answers a failed `origin` function with vary on `names`,
 * however it is built. Hono's default handler and `c.text()`/`c.json()` start from the headers
 * set on the context, so the names go there; they are read through `c.newResponse()`, since
 * reading `c.res` would create it and make Hono copy it over the error response's own headers.
 * And the response Hono then assigns to `c.res` (e.g. one `app.onError` made with
 * `new Response()`) gets them merged as a route's response does. Only on this cold path.
 */
function varyErrorResponse(c: Context, names: readonly string[]): void {
  if (names.length === 0) return;
  c.header('Vary', mergeVary(c.newResponse(null).headers.get('Vary'), names));
  const res = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(c), 'res');
  if (res?.get === undefined || res.set === undefined) return;
  const { get, set } = res;
  Object.defineProperty(c, 'res', {
    configurable: true,
    get,
    set(this: Context, response: Response) {
      set.call(this, response);
      // A copy of immutable headers comes back through this setter once, already merged.
      applyDecision(this, NO_GRANT, names);
    },
  });
}
