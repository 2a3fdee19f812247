import {
  createCorsPolicy,
  isPromiseLike,
  mergeVary,
  VARY,
  type CorsDecision,
  type CorsOptions,
} from '@cors/core';
import type { Context, Middleware, Next } from 'koa';

export { CorsConfigError } from '@cors/core';
export type { CorsDecision, CorsOptions } from '@cors/core';

/**
 * Koa middleware that answers CORS requests with the policy built from `options`. Works with
 * `app.use`, `router.use` and single `@koa/router` routes, on Koa 2 and Koa 3. The `origin`
 * function (which may be async) receives the Koa `ctx`. Throws `CorsConfigError` at once when
 * the options are invalid.
 *
 * @example
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors(options?: CorsOptions<Context>): Middleware {
  const policy = createCorsPolicy<Context>(options);
  return (ctx, next) => {
    const { headers } = ctx.req;
    // Absent headers stay `undefined` (Koa's `ctx.get` would turn them into ''). Node joins
    // repeated headers with ", ", which the core refuses as not one origin.
    const decision = policy.evaluate({
      method: ctx.method,
      origin: headers.origin,
      requestMethod: headers['access-control-request-method'] as string | undefined,
      requestHeaders: headers['access-control-request-headers'] as string | undefined,
      requestPrivateNetwork: headers['access-control-request-private-network'] as
        | string
        | undefined,
      request: ctx,
    });
    // Only an async `origin` function makes a promise; otherwise the answer is applied in this tick.
    return isPromiseLike<CorsDecision>(decision)
      ? decision.then((settled) => applyDecision(ctx, next, settled))
      : applyDecision(ctx, next, decision);
  };
}

function applyDecision(
  ctx: Context,
  next: Next,
  decision: CorsDecision,
): Promise<void> | undefined {
  for (const name in decision.headers) ctx.set(name, decision.headers[name] as string);
  mergeVaryInto(ctx, decision);
  if (decision.action === 'respond') {
    // Fetch: a preflight answer has no body. Koa 3 would send a JSON `null` if an earlier
    // middleware set a JSON type, and turns a null body into 204, so the status comes last.
    ctx.remove('Content-Type');
    ctx.body = null;
    ctx.status = decision.status as number;
    return undefined;
  }
  return next().then(
    // A route may have replaced `Vary` (`ctx.set('Vary', …)`): merge ours back in.
    () => mergeVaryInto(ctx, decision),
    (error: unknown) => {
      mergeVaryInto(ctx, decision);
      throw withCorsHeaders(error, decision);
    },
  );
}

function mergeVaryInto(ctx: Context, decision: CorsDecision): void {
  if (decision.vary.length === 0 || ctx.headerSent) return;
  ctx.set(VARY, mergeVary(ctx.res.getHeader(VARY), decision.vary));
}

/**
 * Koa's error handling removes every response header except those on `err.headers`, so the
 * decision goes there: the browser then shows the real error instead of a CORS failure.
 * Headers the error already carries win; its own `Vary` is merged. A new object is assigned
 * so that a `headers` object shared between errors is never changed.
 */
function withCorsHeaders(error: unknown, decision: CorsDecision): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const own = (error as { headers?: unknown }).headers;
  const headers: Record<string, unknown> = { ...decision.headers };
  let vary: string | number | readonly string[] | undefined;
  if (typeof own === 'object' && own !== null) {
    for (const [name, value] of Object.entries(own)) {
      if (name.toLowerCase() !== 'vary') headers[name] = value;
      else if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) {
        vary = value as string | number | readonly string[];
      }
    }
  }
  const merged = mergeVary(vary, decision.vary);
  if (merged !== '') headers[VARY] = merged;
  // `Reflect.set` so that a frozen error is rethrown as it is instead of as a TypeError.
  Reflect.set(error, 'headers', headers);
  return error;
}
