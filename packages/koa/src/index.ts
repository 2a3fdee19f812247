import { NodeCorsRequest, addVary, isPromiseLike, mergeVary, toCorsPolicy } from '@cors/core';
import type { CorsDecision, CorsOptions, ReconfigurableCorsPolicy } from '@cors/core';
import type { Context, Middleware, Next } from 'koa';

export { CorsConfigError, cachedOrigins, createCorsPolicy, type CorsOptions } from '@cors/core';
export type { CachedOrigins, CachedOriginsOptions, CorsDecision } from '@cors/core';
export type { ReconfigurableCorsPolicy } from '@cors/core';

/**
 * Koa middleware that answers CORS requests with the policy built from `options`. Works with
 * `app.use`, `router.use` and single `@koa/router` routes, on Koa 2 and Koa 3. The `origin`
 * function (which may be async) receives the Koa `ctx`. Throws `CorsConfigError` at once when
 * the options are invalid. Takes options, or a policy from `createCorsPolicy` to change later
 * with `policy.reconfigure()`.
 *
 * @example
 * app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
 */
export function cors(
  options?: CorsOptions<Context> | ReconfigurableCorsPolicy<Context>,
): Middleware {
  const policy = toCorsPolicy<Context>(options);
  // The `origin` function threw or rejected: nothing is granted, but the answer would have
  // depended on the origin, so the error response varies on it (`errorVary`, read now: the
  // policy may have been reconfigured).
  const fail = (ctx: Context, error: unknown): never =>
    rethrow(ctx, error, NO_GRANT, policy.errorVary);
  return (ctx, next) => {
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      // Read from Node's headers: absent ones stay `undefined` (Koa's `ctx.get` gives '').
      decision = policy.evaluate(new NodeCorsRequest(ctx.method, ctx.req.headers, ctx));
    } catch (error) {
      return fail(ctx, error);
    }
    // Only an async `origin` function makes a promise; otherwise the answer is applied in this tick.
    return isPromiseLike<CorsDecision>(decision)
      ? decision.then(
          (settled) => applyDecision(ctx, next, settled),
          (error: unknown) => fail(ctx, error),
        )
      : applyDecision(ctx, next, decision);
  };
}

const NO_GRANT: Readonly<Record<string, string>> = {};

function applyDecision(
  ctx: Context,
  next: Next,
  decision: CorsDecision,
): Promise<void> | undefined {
  const { res } = ctx;
  // Headers already sent (an earlier middleware wrote the response): nothing can be added.
  if (res.headersSent) return decision.action === 'respond' ? undefined : next();
  // Straight on Node's response: `ctx.set` only wraps `res.setHeader` in Koa's delegation
  // layers and checks, which cost a preflight's six headers about 4% of its time (issue 14).
  const { headers } = decision;
  for (const name in headers) res.setHeader(name, headers[name] as string);
  if (decision.action === 'respond') {
    // An answered preflight: no route runs, and Koa writes the head as soon as the middleware
    // before this one have returned, so its Vary is not kept (that costs about a tenth of a
    // preflight here); an earlier middleware that replaces Vary after `await next()` means it.
    addVary(res, decision.vary, false);
    const { status } = decision;
    // Fetch: a preflight answer has no body. For a 204, Koa's own response sends none (and
    // drops any Content-Type), so setting the status is all, as `@koa/cors` does.
    if (status === 204 && ctx.body == null) {
      ctx.status = status;
      return undefined;
    }
    // Any other status would get Koa's default text body: the body is emptied explicitly.
    // Koa 3 would send a JSON `null` if an earlier middleware set a JSON type, and turns a null
    // body into 204, so the status comes last.
    ctx.remove('Content-Type');
    ctx.body = null;
    ctx.status = status;
    return undefined;
  }
  // Whatever replaces Vary later (a route's `ctx.set('Vary', …)`, an earlier middleware after
  // `next()`, or a raw write on `ctx.res` with `ctx.respond = false`, as proxies do), the names
  // are merged back in when the head is written.
  addVary(res, decision.vary);
  return next().catch((error: unknown) => rethrow(ctx, error, decision.headers, decision.vary));
}

/**
 * Hands an error on with the CORS headers its response must carry (a route's error: the
 * decision; a failed `origin` function: no grant and `errorVary`). `Vary` is merged on the
 * response, for an error middleware in front that answers itself, and everything goes on
 * `err.headers`, for Koa's own error handling.
 */
function rethrow(
  ctx: Context,
  error: unknown,
  headers: Readonly<Record<string, string>>,
  vary: readonly string[],
): never {
  addVary(ctx.res, vary);
  // Koa's error handling removes every header, the Vary set before the error included (e.g. an
  // earlier middleware's `Accept-Encoding`): what the response varies on goes on the error too.
  const responseVary = ctx.headerSent ? undefined : ctx.res.getHeader('Vary');
  throw withCorsHeaders(
    error,
    headers,
    responseVary === undefined ? vary : varyNames(responseVary),
  );
}

/** The names in a `Vary` value (a cold path: errors only). */
function varyNames(value: string | number | readonly string[]): string[] {
  const names: string[] = [];
  for (const part of String(value).split(',')) {
    const name = part.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

/**
 * Koa's error handling removes every response header except those on `err.headers`, so the
 * CORS headers go there: the browser then shows the real error instead of a CORS failure.
 * Headers the error already carries win; its own `Vary` is merged. A new object is assigned
 * so that a `headers` object shared between errors is never changed.
 */
function withCorsHeaders(
  error: unknown,
  cors: Readonly<Record<string, string>>,
  vary: readonly string[],
): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const own = (error as { headers?: unknown }).headers;
  const headers: Record<string, unknown> = { ...cors };
  let ownVary: string | number | readonly string[] | undefined;
  if (typeof own === 'object' && own !== null) {
    for (const [name, value] of Object.entries(own)) {
      if (name.toLowerCase() !== 'vary') headers[name] = value;
      else if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) {
        ownVary = value as string | number | readonly string[];
      }
    }
  }
  const merged = mergeVary(ownVary, vary);
  if (merged !== '') headers['Vary'] = merged;
  // `Reflect.set` so that a frozen error is rethrown as it is instead of as a TypeError.
  Reflect.set(error, 'headers', headers);
  return error;
}
