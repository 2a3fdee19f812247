import {
  NodeCorsRequest,
  classifyRequest,
  isCorsPolicy,
  isPromiseLike,
  keepGrant,
  keepVary,
  mergeVary,
  releaseGrant,
  type CorsDecision,
  type CorsPolicy,
} from '@cors/core';
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyCorsOptions, FastifyCorsPolicy } from './options.js';
import {
  DISABLED,
  PreflightRoutes,
  RoutePolicies,
  type RouteCors,
  type RouterSettings,
} from './route-policies.js';

export { CorsConfigError, cachedOrigins, createCorsPolicy, type CorsOptions } from '@cors/core';
export type { CachedOrigins, CachedOriginsOptions, CorsDecision } from '@cors/core';
export type { ReconfigurableCorsPolicy } from '@cors/core';
export type { FastifyCorsOptions, FastifyCorsPolicy, RouteCorsOptions } from './options.js';

// Per-request state, declared on Fastify's Request with `decorateRequest` (so every request
// object keeps one shape): the route's CORS and the decision made in `onRequest`.
const ROUTE = Symbol('@cors/fastify route');
const DECISION = Symbol('@cors/fastify decision');
// Marks a route's config with its CORS, in `onRoute` (Fastify copies the config's symbols).
const ROUTE_CORS = Symbol('@cors/fastify route cors');

interface CorsSlots {
  [ROUTE]: RouteCors | null;
  [DECISION]: CorsDecision | null;
}

type Done = (error?: Error) => void;
type SendDone = (error: Error | null, payload?: unknown) => void;

/**
 * The CORS plugin for Fastify 5. Registered on the app, it covers every route declared after it
 * (it is wrapped with `fastify-plugin`, as `@fastify/cors` is); registered inside an
 * encapsulated plugin, only that plugin's routes. A route's `config.cors` merges its own options
 * over the plugin's, option by option (`false` turns CORS off there); they are checked when the
 * route is added. Preflights are answered by the policy of the route that would serve the
 * requested method, found with Fastify's router; no `OPTIONS` route needs declaring. The
 * `origin` function and `onDecision` receive Fastify's request. Invalid options make the app
 * fail to start with `CorsConfigError`.
 *
 * Takes options, or a policy from `createCorsPolicy` to change later with
 * `policy.reconfigure(options)`: routes without `config.cors` then follow the policy, and
 * routes with one are recompiled over its new options, all switched at once (a route whose
 * merged options would be invalid makes `reconfigure` throw `CorsConfigError`, naming it, and
 * nothing changes).
 *
 * @example
 * await app.register(cors, { origin: ['https://app.example.com'], credentials: true });
 * app.get('/public', { config: { cors: { origin: '*', credentials: false } } }, () => 'hi');
 * app.post('/webhook', { config: { cors: false } }, handler);
 */
export const cors: FastifyPluginCallback<FastifyCorsOptions | FastifyCorsPolicy> = fp(corsPlugin, {
  fastify: '5.x',
  name: '@cors/fastify',
});

export default cors;

function corsPlugin(
  fastify: FastifyInstance,
  options: FastifyCorsOptions | FastifyCorsPolicy | undefined,
  done: Done,
): void {
  let policies: RoutePolicies;
  try {
    policies = new RoutePolicies(options ?? {});
  } catch (error) {
    // avvio takes a callback plugin's failure only through `done`: the app then fails to start.
    return done(error as Error);
  }
  // A policy outlives the app: its reconfigurations stop reaching this app's routes.
  fastify.addHook('onClose', (_instance, next) => {
    policies.dispose();
    next();
  });
  const { plugin } = policies;
  const routes = new PreflightRoutes(fastify.initialConfig as RouterSettings);
  let warned = false;

  if (!fastify.hasRequestDecorator(ROUTE as unknown as string)) {
    fastify.decorateRequest(ROUTE as unknown as string, null);
    fastify.decorateRequest(DECISION as unknown as string, null);
  }

  /**
   * A route Fastify added before this plugin loaded: `onRoute` never saw it, so its own options
   * were never checked. Without any, the plugin's policy applies; with some, nothing is granted
   * (never guess), and the fix is logged the first time.
   */
  const unseen = (request: FastifyRequest, what: string): RouteCors => {
    // Once per plugin, not per URL: the URLs come from clients, and must not grow a set.
    if (!warned) {
      warned = true;
      request.log.warn(
        `@cors/fastify: ${what} was declared before the plugin loaded, so its CORS options were never checked and it gets no grant; ` +
          'declare routes after `await app.register(cors, options)` or in a plugin registered after it',
      );
    }
    return DISABLED;
  };

  /** The CORS of the route Fastify dispatched the request to, recorded on the request. */
  const resolveRoute = (request: FastifyRequest): RouteCors => {
    const slots = request as unknown as CorsSlots;
    const config = request.routeOptions.config as { cors?: unknown; [ROUTE_CORS]?: RouteCors };
    const seen = request.is404 ? undefined : config[ROUTE_CORS];
    let route: RouteCors;
    if (seen !== undefined) route = seen;
    // The 404 handler, or a route declared before the plugin loaded without options of its own.
    else if (config.cors === undefined || request.is404) route = plugin;
    else route = unseen(request, `route ${request.method} ${request.routeOptions.url ?? ''}`);
    slots[ROUTE] = route;
    return route;
  };

  /**
   * The policy that answers a preflight: that of the route that would serve the requested
   * method on its URL, or one of the core's refusing policies (CORS off there, or ambiguous).
   */
  const preflightPolicy = (
    request: FastifyRequest,
    requestMethod: string,
  ): CorsPolicy<FastifyRequest> => {
    const { refusals } = policies;
    const lookup = routes.find(requestMethod, request.url, request.headers.host);
    if (lookup.found === 'route') return lookup.cors.policy ?? refusals.disabled;
    if (lookup.found === 'ambiguous') return refusals.ambiguous;
    // Fastify may know a route this plugin never saw (declared before it loaded). Its
    // `findRoute` upper-cases the method, which Fastify's own routing never does.
    if (
      requestMethod === requestMethod.toUpperCase() &&
      fastify.findRoute({ method: requestMethod, url: request.url }) !== null
    ) {
      unseen(request, `route ${requestMethod} ${request.url}`);
      return refusals.disabled;
    }
    return plugin.policy as CorsPolicy<FastifyRequest>;
  };

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config as { cors?: unknown } | undefined;
    const cors = policies.forRoute(config?.cors, `${String(route.method)} ${route.url}`);
    route.config = { ...config, [ROUTE_CORS]: cors } as RouteOptions['config'];
    if ((config as Record<symbol, unknown> | undefined)?.[CATCH_ALL] === true) return;
    const constraints = route.constraints as Record<string, unknown> | undefined;
    routes.add(route.method, route.url, constraints, cors);
    // Fastify also serves `prefix + '/'` for a `/` route in a prefixed plugin without telling
    // `onRoute` (prefixTrailingSlash 'both', the default).
    const { prefix, routePath } = route as RouteOptions & { prefix?: string; routePath?: string };
    if (
      routePath === '' &&
      prefix !== undefined &&
      prefix !== '' &&
      route.prefixTrailingSlash !== 'no-slash'
    ) {
      routes.add(route.method, `${route.url}/`, constraints, cors);
    }
  });

  fastify.addHook('onRequest', function onRequest(request, reply, next: Done): void {
    const route = resolveRoute(request);
    const cors = new NodeCorsRequest(request.method, request.headers, request, request.url);
    let policy = route.policy;
    if (request.method === 'OPTIONS' && classifyRequest(cors) === 'preflight') {
      policy = preflightPolicy(request, cors.requestMethod as string);
    } else if (policy === undefined) {
      // CORS is off for this route: anything but a preflight to it is left alone.
      return next();
    }
    let pending: CorsDecision | Promise<CorsDecision>;
    try {
      pending = policy.evaluate(cors);
    } catch (error) {
      return failOrigin(request, reply, policy.errorVary, error, next);
    }
    // Only an async `origin` function makes a promise; otherwise `next` runs in this tick.
    if (isPromiseLike<CorsDecision>(pending)) {
      pending.then(
        (decision) => answer(request, reply, decision, next),
        (error: unknown) => failOrigin(request, reply, policy.errorVary, error, next),
      );
      return;
    }
    answer(request, reply, pending, next);
  });

  // Every response Fastify sends itself (routes, error and 404 handlers) passes here.
  fastify.addHook('onSend', function onSend(request, reply, payload, next: SendDone): void {
    const slots = request as unknown as CorsSlots;
    if (slots[DECISION] !== null) {
      // Decided in onRequest: the grant is among the reply's headers, which Fastify is about to
      // write, so a grant header removed since stays removed; Vary keeps its names (keepGrant).
      releaseGrant(reply.raw);
      return next(null, payload);
    }
    // onRequest did not decide: an earlier hook answered, or CORS is off for the route.
    const route = slots[ROUTE] ?? resolveRoute(request);
    if (route.policy === undefined) return next(null, payload);
    decideLate(route.policy, request, reply, payload, next);
  });

  // Lets Fastify route every preflight to the hooks above, without the app declaring OPTIONS
  // routes. Anything that reaches this handler (an OPTIONS request that is not a preflight, or a
  // preflight with `preflightContinue`) finds no route: the app's 404.
  fastify.options(
    '*',
    {
      config: { [CATCH_ALL]: true },
      logLevel: isCorsPolicy(options)
        ? undefined
        : (options as { logLevel?: RouteOptions['logLevel'] } | undefined)?.logLevel,
    },
    (_request, reply) => {
      reply.callNotFound();
    },
  );

  done();
}

const CATCH_ALL = Symbol('@cors/fastify catch-all');

/**
 * Puts a decision on the reply, Fastify's way (`reply.header`, written with the head), and ends
 * the request when it is an answered preflight. Whatever the head is written by, the grant and
 * Vary stay on it: a route that takes the response (`reply.hijack()`, then `reply.raw`, as
 * proxies do) skips Fastify's own headers, and a route or hook may replace Vary (`keepGrant`).
 */
function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  decision: CorsDecision,
  next: Done,
): void {
  (request as unknown as CorsSlots)[DECISION] = decision;
  applyDecision(reply, decision.headers, decision.vary);
  keepGrant(reply.raw, decision);
  if (decision.action !== 'respond') return next();
  // Fetch: a preflight answer has no body.
  void reply.code(decision.status).send();
}

/**
 * The `origin` function failed: the error goes to Fastify's error handling, whose response gets
 * no grant but varies on what the answer would have depended on.
 */
function failOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  vary: readonly string[],
  error: unknown,
  next: Done,
): void {
  keepVary(reply.raw, vary);
  (request as unknown as CorsSlots)[DECISION] = {
    kind: 'actual',
    allowed: false,
    headers: NO_GRANT,
    vary,
    action: 'continue',
  };
  next(error instanceof Error ? error : new Error(String(error)));
}

const NO_GRANT: Readonly<Record<string, string>> = {};

/**
 * Decides when onRequest did not run for this request (an earlier hook answered it): its
 * response varies as the policy says, and is granted unless it answers a preflight.
 */
function decideLate(
  policy: CorsPolicy<FastifyRequest>,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  next: SendDone,
): void {
  const late = (settled: CorsDecision): void => {
    // A preflight some other hook answered first is not granted after the fact.
    applyDecision(reply, settled.kind === 'preflight' ? NO_GRANT : settled.headers, settled.vary);
    keepVary(reply.raw, settled.vary);
    next(null, payload);
  };
  const failed = (error: unknown): void => {
    request.log.error(error, '@cors/fastify: the origin function failed');
    applyDecision(reply, NO_GRANT, policy.errorVary);
    keepVary(reply.raw, policy.errorVary);
    next(null, payload);
  };
  let pending: CorsDecision | Promise<CorsDecision>;
  try {
    pending = policy.evaluate(new NodeCorsRequest(request.method, request.headers, request));
  } catch (error) {
    return failed(error);
  }
  if (isPromiseLike<CorsDecision>(pending)) pending.then(late, failed);
  else late(pending);
}

function applyDecision(
  reply: FastifyReply,
  grant: Readonly<Record<string, string>>,
  vary: readonly string[],
): void {
  // Fastify keeps its headers under lowercase names: given them so, it has nothing to convert.
  for (const name in grant) reply.header(lowerCase(name), grant[name] as string);
  if (vary.length === 0) return;
  // Whatever the route or another hook set is kept: the names are merged into it, once.
  const current = reply.getHeader('vary') as string | number | string[] | undefined;
  const merged = mergeVary(current, vary);
  if (merged !== current) reply.header('vary', merged);
}

// The core's header names in lowercase, each converted once (they are few and fixed).
const lowerCased: Record<string, string> = Object.create(null) as Record<string, string>;
function lowerCase(name: string): string {
  return (lowerCased[name] ??= name.toLowerCase());
}
