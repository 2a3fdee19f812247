import {
  classifyRequest,
  createDecisionReporter,
  isPromiseLike,
  refusePreflight,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsRequest,
} from '@cors/core';
import type { AbstractHttpAdapter } from '@nestjs/core';
import {
  isUniform,
  type Next,
  type Platform,
  type PreflightRoute,
  type RouteSelector,
} from './platforms/platform.js';
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
  // The refusals made here (an ambiguous or disabled route) are reported as the module
  // defaults' policy would report them: the same debug lines, and a throwing hook never fails
  // the request.
  const report = createDecisionReporter(defaults);
  return (native, response, next) => {
    const headers = platform.headers(native);
    const url = platform.url(native);
    const cors: CorsRequest<Native> = {
      method: platform.method(native),
      origin: headerValue(headers.origin),
      requestMethod: headerValue(headers['access-control-request-method']),
      requestHeaders: headerValue(headers['access-control-request-headers']),
      requestPrivateNetwork: headerValue(headers['access-control-request-private-network']),
      request: native,
    };
    // Fetch: a preflight asks about the actual request, so it is answered by the route that
    // will serve the requested method on this URL.
    const policy =
      classifyRequest(cors) === 'preflight'
        ? preflightPolicy(
            routes.forPreflight(cors.requestMethod as string, url, native),
            cors,
            url,
            report,
          )
        : routes.forRequest(cors.method, url, native);
    if (policy === undefined) {
      next();
      return;
    }
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      decision = policy.evaluate(cors);
    } catch (error) {
      platform.fail(response, next, error, policy.errorVary);
      return;
    }
    if (isPromiseLike<CorsDecision>(decision)) {
      decision.then(
        (settled) => platform.apply(response, next, settled),
        (error: unknown) => platform.fail(response, next, error, policy.errorVary),
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

/** The route's policy; for a route this module refuses itself, a policy giving that refusal. */
function preflightPolicy<Native>(
  route: PreflightRoute<unknown>,
  cors: CorsRequest<Native>,
  url: string,
  report: (decision: CorsDecision, request: unknown) => void,
): CorsPolicy<unknown> {
  if (!route.ambiguous && route.policy !== undefined) return route.policy;
  // The detail is the preflight's target, `DELETE /users/42` (logged, never sent).
  const query = url.indexOf('?');
  const target = `${cors.requestMethod} ${query === -1 ? url : url.slice(0, query)}`;
  const decision = refusePreflight(route.ambiguous ? 'route-ambiguous' : 'cors-disabled', target);
  return {
    evaluate: (request) => {
      report(decision, request.request);
      return decision;
    },
    // If the report fails (the user's `onDecision`), the error response varies as the refusal.
    errorVary: decision.vary,
  };
}

/** Node joins repeated headers with ", " (the core refuses such an Origin). */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
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
