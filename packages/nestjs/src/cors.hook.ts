import {
  classifyRequest,
  createRefusingPolicy,
  isPromiseLike,
  NodeCorsRequest,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { isUniform, type Next, type Platform, type RouteSelector } from './platforms/platform.js';
import type { RoutePolicies } from './route-policies.js';

/** The request hook Nest's adapters run first (`setOnRequestHook`): `(request, response, next)`. */
export type CorsHook<Native = never, Response = never> = (
  request: Native,
  response: Response,
  next: Next,
) => void;

/**
 * The CORS hook of one route table on one platform: decides each request with the policy of
 * the route the platform will run (for a preflight, the route of the actual request it asks
 * about) and has the platform write the answer. A request no policy applies to is not touched.
 * Synchronous unless the `origin` function is async.
 */
export function createCorsHook<Native, Response>(
  platform: Platform<Native, Response>,
  table: RoutePolicies<unknown>,
  defaults: CorsOptions,
): CorsHook<Native, Response> {
  const routes = isUniform(table) ? uniformRoutes<Native>(table.fallback) : platform.match(table);
  // Preflights this module refuses without a route policy (an ambiguous route, or CORS off)
  // are refused by the core from the module defaults (their onDecision, debug and
  // preflightContinue), reported and ended as any refused preflight.
  const ambiguous = createRefusingPolicy('route-ambiguous', defaults);
  const disabled = createRefusingPolicy('cors-disabled', defaults);

  return (native, response, next) => {
    const url = platform.url(native);
    const cors = new NodeCorsRequest(
      platform.method(native),
      platform.headers(native),
      native,
      url,
    );
    let policy: CorsPolicy<unknown> | undefined;
    // Fetch: a preflight asks about the actual request, so it is answered by the route that
    // will serve the requested method on this URL.
    if (classifyRequest(cors) === 'preflight') {
      const route = routes.forPreflight(cors.requestMethod as string, url, native);
      policy = route.ambiguous ? ambiguous : (route.policy ?? disabled);
    } else {
      policy = routes.forRequest(cors.method, url, native);
      if (policy === undefined) {
        next();
        return;
      }
    }
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      decision = policy.evaluate(cors);
    } catch (error) {
      platform.fail(response, next, error, policy.errorVary);
      return;
    }
    if (isPromiseLike<CorsDecision>(decision)) {
      const { errorVary } = policy;
      decision.then(
        (settled) => platform.apply(response, next, settled),
        (error: unknown) => platform.fail(response, next, error, errorVary),
      );
    } else {
      platform.apply(response, next, decision);
    }
  };
}

/** Every route has the module policy: no matching at all. */
function uniformRoutes<Native>(
  fallback: CorsPolicy<unknown> | undefined,
): RouteSelector<unknown, Native> {
  const preflight = { ambiguous: false, policy: fallback } as const;
  return { forPreflight: () => preflight, forRequest: () => fallback };
}

/**
 * Runs the hook first on every request: Nest's adapters call the `setOnRequestHook` hook from
 * their first Express middleware / first Fastify `onRequest` hook, before body parsing, Nest
 * middleware, routing, guards and interceptors. A hook set earlier still runs, after ours.
 */
export function installCorsHook(adapter: AbstractHttpAdapter, hook: CorsHook): void {
  const previous = (adapter as unknown as { onRequestHook?: CorsHook }).onRequestHook;
  adapter.setOnRequestHook(
    previous === undefined
      ? hook
      : (request: never, response: never, next: Next) =>
          hook(request, response, (error) =>
            error === undefined ? previous(request, response, next) : next(error),
          ),
  );
}
