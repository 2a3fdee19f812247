// @nestjs/platform-fastify: the hook runs as Fastify's first `onRequest` hook, after Fastify has
// routed the request, so the route it matched is read back from the request (an `onRoute` mark);
// a preflight asks about another method, which is matched with find-my-way, Fastify's router.
import { keepGrant, keepVary, mergeVary, type CorsPolicy } from '@cors/core';
import { VersioningType, type VersioningOptions } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import FindMyWay from 'find-my-way';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sameRecord, type RouteEntry, type RoutePolicies } from '../route-policies.js';
import { servesHost, settle, type Platform, type RouteSelector } from './platform.js';

/** The parts of a FastifyRequest the hook reads. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly headers: IncomingHttpHeaders;
}

/** The parts of a FastifyReply the hook uses. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  code(statusCode: number): FastifyReplyLike;
  send(): unknown;
}

/** A route with the constraints FastifyAdapter registers it with. */
interface FastifyRoute<Request> extends RouteEntry<Request> {
  readonly constraints: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The Fastify platform of one Nest app. Call it before Nest registers the routes (from
 * `CorsModule.configure()`): it starts watching them.
 */
export function createFastifyPlatform(
  adapter: AbstractHttpAdapter,
): Platform<FastifyRequestLike, FastifyReplyLike> {
  const instance = adapter.getInstance<FastifyInstanceLike>();
  const served = watchRoutes(instance);
  const hostname = (request: FastifyRequestLike): string => adapter.getRequestHostname(request);
  return {
    normalizePath: (path) => adapter.normalizePath(path),
    match(table) {
      const routes = table.routes.map((route) => ({ ...route, constraints: constraintsOf(route) }));
      return selectFastifyRoutes(table, createRouter(routes, instance), served(routes), hostname);
    },
    method: (request) => request.raw.method ?? '',
    url: (request) => request.raw.url ?? '',
    headers: (request) => request.headers,
    apply(reply, done, decision) {
      const { headers, vary } = decision;
      if (decision.action === 'respond') {
        // Sent at once, so on the reply alone (Fastify writes them over the Node response's);
        // the Vary of the Node response (set by an earlier hook) is merged into the reply's.
        for (const name in headers) reply.header(name, headers[name] as string);
        if (vary.length > 0) reply.header('Vary', mergeVary(currentVary(reply), vary));
        // Ends the request here: Fastify skips the route and the later hooks.
        reply.code(decision.status).send();
        return;
      }
      for (const name in headers) reply.header(name, headers[name] as string);
      if (vary.length > 0) mergeReplyVary(reply, vary);
      // Kept on the Node response until its head is written: an error thrown by Nest middleware
      // is answered through a new reply on the same response, which lacks the first reply's
      // headers, and whatever set Vary since (middleware on `res`, `reply.header`) is merged.
      // Not set on it now: that would take Node off its fast path for Fastify's heads.
      keepGrant(reply.raw, decision);
      done();
    },
    fail(reply, done, error, vary) {
      if (vary.length > 0 && !reply.raw.headersSent) {
        mergeReplyVary(reply, vary);
        keepVary(reply.raw, vary);
      }
      done(error);
    },
  };
}

/**
 * For an actual request, Fastify has already routed it when the hook runs, and the route it
 * matched (with its version and `@RouteConstraints()` constraints) is read back from the request
 * (`served`). For a preflight, the routes of that method and path whose constraints could hold
 * for the actual request: the `host` constraint is checked against the preflight's Host; any
 * other constraint (the version) could hold.
 */
function selectFastifyRoutes<Request>(
  table: RoutePolicies<Request>,
  router: (method: string, url: string) => readonly FastifyRoute<Request>[],
  served: ServedRoute<Request>,
  hostname: (request: FastifyRequestLike) => string,
): RouteSelector<Request, FastifyRequestLike> {
  const { fallback, versioning } = table;
  return {
    forPreflight(requestMethod, url, request) {
      const policies = new Set<CorsPolicy<Request> | undefined>();
      for (const route of possibleRoutes(router(requestMethod, url), request)) {
        // Nest's host filter answers 404 on Fastify for another host: that route serves nothing.
        if (servesHost(route, hostname, request)) policies.add(route.policy);
      }
      return settle(policies, fallback);
    },
    forRequest(_method, _url, request) {
      // Fastify called the extractor while routing; if it threw, the request is answered with
      // that error (FastifyAdapter), by no route.
      if (versioning?.type === VersioningType.CUSTOM && extractorThrows(versioning, request)) {
        return fallback;
      }
      const route = served(request);
      // Not found, or a route Nest did not register (added to the Fastify instance directly).
      if (route === undefined) return fallback;
      // A route this table cannot tell apart from another with a different policy.
      if (route === null) return undefined;
      return servesHost(route, hostname, request) ? route.policy : fallback;
    },
  };
}

/**
 * find-my-way, Fastify's router, built with the instance's settings (`initialConfig`, at the top
 * level or in `routerOptions`): a static segment wins over a parameter whatever the declaration
 * order (`/users/me` goes to `@Get('me')`). Constraints (the version, `@RouteConstraints()`) are
 * left out: it gives every route of the matched path, in registration order, for the caller to
 * weigh their constraints.
 */
function createRouter<Route extends RouteEntry<unknown>>(
  routes: readonly Route[],
  instance: FastifyInstanceLike,
): (method: string, url: string) => readonly Route[] {
  const { routerOptions: options = {}, ...top } = instance.initialConfig;
  const either = (name: keyof RouterOptions): boolean =>
    top[name] === true || options[name] === true;
  // `useSemicolonDelimiter` is read by find-my-way 9 but missing from its types.
  const config: FindMyWay.Config<FindMyWay.HTTPVersion.V1> & { useSemicolonDelimiter: boolean } = {
    caseSensitive: !(top.caseSensitive === false || options.caseSensitive === false),
    ignoreTrailingSlash: either('ignoreTrailingSlash'),
    ignoreDuplicateSlashes: either('ignoreDuplicateSlashes'),
    useSemicolonDelimiter: either('useSemicolonDelimiter'),
    allowUnsafeRegex: either('allowUnsafeRegex'),
    maxParamLength: options.maxParamLength ?? top.maxParamLength ?? 100,
  };
  const router = FindMyWay(config);
  const groups = new Map<string, Route[]>();
  const noop = (): void => undefined;

  const add = (method: string, path: string, route: Route): void => {
    const key = `${method} ${path}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      try {
        router.on(method as FindMyWay.HTTPMethod, path, noop, group);
      } catch (error) {
        // The same path spelt differently (`:id` and `:userId`), which Fastify accepted under
        // different version constraints: both belong to one group.
        const existing = router.findRoute(method as FindMyWay.HTTPMethod, path);
        if (existing === null) throw error;
        group = existing.store as Route[];
      }
      groups.set(key, group);
    }
    group.push(route);
  };

  for (const route of routes) {
    const methods = route.method === 'ALL' ? instance.supportedMethods : [route.method];
    for (const method of methods) add(method, route.path, route);
  }
  // Fastify's `exposeHeadRoutes` (on by default): a GET route also serves HEAD.
  if (top.exposeHeadRoutes !== false) {
    for (const [key, group] of [...groups]) {
      const path = key.slice(key.indexOf(' ') + 1);
      if (!key.startsWith('GET ') || groups.has(`HEAD ${path}`)) continue;
      for (const route of group) add('HEAD', path, route);
    }
  }

  return (method, url) => {
    let found: ReturnType<typeof router.find> = null;
    try {
      found = router.find(method as FindMyWay.HTTPMethod, url);
    } catch {
      // A URL Fastify cannot decode is answered 400 before any route: no route.
      return [];
    }
    return found === null ? [] : (found.store as Route[]);
  };
}

/**
 * The routes of one method and path that could serve the actual request of a preflight, as
 * find-my-way picks among constrained routes: of the routes whose constraints all match, the one
 * with the most constraints, the later one among equals. A route whose only constraint is a
 * matching `host` (or that has none) surely matches; the routes it beats can never serve.
 */
function possibleRoutes<Request>(
  group: readonly FastifyRoute<Request>[],
  request: FastifyRequestLike,
): FastifyRoute<Request>[] {
  if (group.length <= 1) return group.filter((route) => hostConstraintHolds(route, request));
  const possible: { route: FastifyRoute<Request>; weight: number; index: number }[] = [];
  let sure: { weight: number; index: number } | undefined;
  group.forEach((route, index) => {
    if (!hostConstraintHolds(route, request)) return;
    const names = route.constraints === undefined ? [] : Object.keys(route.constraints);
    const weight = names.length;
    possible.push({ route, weight, index });
    const known = names.every((name) => name === 'host');
    if (known && (sure === undefined || weight >= sure.weight)) sure = { weight, index };
  });
  return possible
    .filter(
      ({ weight, index }) =>
        sure === undefined ||
        weight > sure.weight ||
        (weight === sure.weight && index >= sure.index),
    )
    .map(({ route }) => route);
}

/** find-my-way's host constraint: the Host header equals the string, or the RegExp matches it. */
function hostConstraintHolds(route: FastifyRoute<unknown>, request: FastifyRequestLike): boolean {
  const constraint = route.constraints?.host;
  if (constraint === undefined) return true;
  // As find-my-way derives it (`:authority` over HTTP/2).
  const { headers } = request;
  const host = firstHeader(headers.host) || firstHeader(headers[':authority']);
  if (host === undefined) return false;
  if (constraint instanceof RegExp) {
    return new RegExp(constraint.source, constraint.flags.replace(/[gy]/g, '')).test(host);
  }
  return constraint === host;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function extractorThrows(
  versioning: Extract<VersioningOptions, { type: VersioningType.CUSTOM }>,
  request: FastifyRequestLike,
): boolean {
  try {
    versioning.extractor(request.raw);
    return false;
  } catch {
    return true;
  }
}

// `@RouteConstraints()` of @nestjs/platform-fastify (FASTIFY_ROUTE_CONSTRAINTS_METADATA), which
// is not a dependency of this package.
const FASTIFY_ROUTE_CONSTRAINTS = '__fastify_route_constraints__';

/**
 * The constraints FastifyAdapter.injectRouteOptions registers a route with: its
 * `@RouteConstraints()`, and the version it filters on (header, media-type or custom versioning).
 */
function constraintsOf(route: RouteEntry<unknown>): Readonly<Record<string, unknown>> | undefined {
  const declared = Reflect.getMetadata(FASTIFY_ROUTE_CONSTRAINTS, route.handler) as
    | Record<string, unknown>
    | undefined;
  if (route.version !== undefined) return { ...declared, version: route.version };
  return declared === undefined ? undefined : { ...declared };
}

/** The Fastify settings that change routing. */
interface RouterOptions {
  readonly caseSensitive?: boolean;
  readonly ignoreTrailingSlash?: boolean;
  readonly ignoreDuplicateSlashes?: boolean;
  readonly useSemicolonDelimiter?: boolean;
  readonly allowUnsafeRegex?: boolean;
  readonly maxParamLength?: number;
}

/** The parts of a Fastify instance that are read here. */
interface FastifyInstanceLike {
  readonly initialConfig: RouterOptions & {
    readonly exposeHeadRoutes?: boolean;
    readonly routerOptions?: RouterOptions;
  };
  /** The methods `@All()` is registered for. */
  readonly supportedMethods: readonly string[];
  addHook(name: 'onRoute', hook: (options: RouteOptionsLike) => void): unknown;
}

interface RouteOptionsLike {
  method: string | string[];
  url: string;
  constraints?: Record<string, unknown>;
  config?: object;
}

/**
 * The entry of the route Fastify matched for this request (read in `onRequest`, after routing);
 * `undefined` if it matched none (not found) or a route on a path Nest has none on; `null` if
 * the route cannot be told apart from table entries with other policies (a route on a path of
 * the table that is not one of its entries; never expected from Nest).
 */
type ServedRoute<Request> = (
  request: FastifyRequestLike,
) => FastifyRoute<Request> | null | undefined;

/** What the `onRoute` hook records of one route. */
interface RouteMark {
  readonly methods: readonly string[];
  readonly url: string;
  readonly constraints: Readonly<Record<string, unknown>>;
}

// The key of a route's mark in its Fastify route config (a symbol: invisible to JSON, and to the
// string keys a user's `@RouteConfig()` has).
const ROUTE_MARK = Symbol('cors.route');

/**
 * Watches the routes registered on `instance` from now on (Fastify's `onRoute` hook) and marks
 * each in its route config, which Fastify hands back as `request.routeOptions.config` for the
 * requests it routes there. Returns, for a table's routes, the look-up of the route a request
 * was routed to: a new one per table, so a rebuilt table (a reconfigured module policy) switches
 * at once and changes none made before.
 */
function watchRoutes(
  instance: FastifyInstanceLike,
): <Request>(routes: readonly FastifyRoute<Request>[]) => ServedRoute<Request> {
  const marks: RouteMark[] = [];
  instance.addHook('onRoute', (options) => {
    const mark: RouteMark = {
      methods: Array.isArray(options.method) ? options.method : [options.method],
      url: options.url,
      constraints: options.constraints ?? {},
    };
    marks.push(mark);
    options.config = { ...options.config, [ROUTE_MARK]: mark };
  });
  return <Request>(routes: readonly FastifyRoute<Request>[]) => {
    const byPath = new Map<string, FastifyRoute<Request>[]>();
    for (const route of routes) {
      const entries = byPath.get(route.path);
      if (entries === undefined) byPath.set(route.path, [route]);
      else entries.push(route);
    }
    const entries = new Map<RouteMark, FastifyRoute<Request> | null | undefined>();
    for (const mark of marks) entries.set(mark, resolveMark(mark, byPath.get(mark.url) ?? []));
    return (request) => {
      const config = (
        request as { routeOptions?: { config?: { [ROUTE_MARK]?: RouteMark; url?: string } } }
      ).routeOptions?.config;
      const mark = config?.[ROUTE_MARK];
      if (mark !== undefined) return entries.get(mark);
      // Not found (no url), or a route registered before the watch began: on a path of the
      // table, it cannot be told from Nest's routes (no grant); elsewhere it is not Nest's.
      const url = config?.url;
      return url !== undefined && byPath.has(url) ? null : undefined;
    };
  };
}

/**
 * The table entry of a route Fastify registered, among the entries of its path: the same
 * constraints and method (a HEAD route Fastify added for a GET route is that GET route;
 * `@All()` is registered for every method at once).
 */
function resolveMark<Request>(
  mark: RouteMark,
  routes: readonly FastifyRoute<Request>[],
): FastifyRoute<Request> | null | undefined {
  const same = routes.filter((route) => sameRecord(route.constraints ?? {}, mark.constraints));
  const method = mark.methods.length === 1 ? mark.methods[0] : 'ALL';
  let found = same.filter((route) => route.method === method);
  if (found.length === 0 && method === 'HEAD') found = same.filter((r) => r.method === 'GET');
  if (found.length === 0) found = same.filter((route) => route.method === 'ALL');
  // Nothing of this path in the table: not a Nest route. Entries of the path, none of them this
  // route: it cannot be told apart, so no grant rather than the module policy.
  if (found.length === 0) return routes.length === 0 ? undefined : null;
  return found.every((route) => route.policy === found[0]?.policy) ? found[0] : null;
}

/**
 * Merges `vary` into the Vary of the Node response, where middleware registered with
 * `app.use()` sets it. Not into the reply's own headers, which Fastify writes over the Node
 * response's and which would replace that middleware's Vary (issue 14); only a Vary already on
 * the reply (set by an earlier Fastify hook) is merged there too, so that it keeps our names.
 */
function mergeReplyVary(reply: FastifyReplyLike, vary: readonly string[]): void {
  // Read first: once the Node response has a Vary, Fastify's `getHeader` falls back to it.
  const onReply = reply.getHeader('Vary');
  const merged = mergeVary(currentVary(reply), vary);
  reply.raw.setHeader('Vary', merged);
  if (onReply !== undefined) reply.header('Vary', merged);
}

/**
 * The Vary of the Node response, with the reply's own (which Fastify writes over it) merged in.
 * (Fastify's `reply.getHeader` gives the Node response's value when the reply has none.)
 */
function currentVary(reply: FastifyReplyLike): string | number | string[] | undefined {
  const onRaw = reply.raw.getHeader('Vary');
  const onReply = reply.getHeader('Vary') as string | number | string[] | undefined;
  if (onReply === undefined || onReply === onRaw) return onRaw;
  const names = String(onReply).split(',');
  return mergeVary(
    onRaw,
    names.map((name) => name.trim()).filter((name) => name !== ''),
  );
}
