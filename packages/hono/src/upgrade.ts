import { isPromiseLike, toCorsPolicy } from '@cors/core';
import type { CorsDecision, CorsOptions, ReconfigurableCorsPolicy } from '@cors/core';
import type { Context, Env, Input, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Guards WebSocket (and other `Upgrade`) handshakes with a CORS policy, on every runtime: put it
 * before Hono's `upgradeWebSocket(...)` (from `hono/bun`, `hono/deno`,
 * `hono/cloudflare-workers`, or `@hono/node-ws` on Node). A handshake whose `Origin` the policy
 * allows goes on; any other is answered 403 with an empty body, before the protocol switch, and
 * the WebSocket handler never runs. A handshake without `Origin` follows `upgradeWithoutOrigin`
 * (allowed by default). Requests without an `Upgrade` header pass through untouched: `cors()`
 * answers those.
 *
 * Browsers send `Origin` on every handshake but do not apply CORS to WebSockets, so the server
 * must check it (RFC 6455 §10.2). Takes the same options as `cors()`, or the same policy. If the
 * `origin` function fails, the error goes to `app.onError` (500) and nothing is switched.
 *
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
 * app.use('*', cors(policy));
 * app.get('/ws', corsUpgrade(policy), upgradeWebSocket(() => ({ onMessage: … })));
 */
// The defaults are those of Hono's own `createMiddleware`, so the handler fits any app.
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
export function corsUpgrade<E extends Env = any, P extends string = string, I extends Input = {}>(
  options?: CorsOptions<Context<E, P, I>> | ReconfigurableCorsPolicy<Context<E, P, I>>,
): MiddlewareHandler<E, P, I> {
  const policy = toCorsPolicy<Context<E, P, I>>(options);

  return async (c, next) => {
    // Not a handshake: nothing to decide here.
    if (c.req.header('upgrade') === undefined) return next();
    const pending = policy.checkUpgrade({ origin: c.req.header('origin'), request: c });
    const decision = isPromiseLike<CorsDecision>(pending) ? await pending : pending;
    if (decision.action === 'continue') return next();
    return c.body(null, decision.status as ContentfulStatusCode);
  };
}
