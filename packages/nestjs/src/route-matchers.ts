// Path matching with each platform's own router semantics, so that a preflight is answered by
// the route the platform will dispatch the actual request to. (STYLE lists no file for this;
// it is kept apart from route-policies.ts because it knows Express and Fastify, not Nest.)
import FindMyWay from 'find-my-way';
import { match, type MatchFunction } from 'path-to-regexp';
import type { RouteEntry } from './route-policies.js';

/** Finds the routes a request path could be dispatched to. */
export interface RouteMatcher<Request> {
  /**
   * The routes registered for `method` whose path matches the URL, in the order the platform
   * tries them. Routes that could never be reached (after one that serves every request for its
   * path) are left out; routes that filter on host or version are kept for the caller to test.
   */
  match(method: string, url: string): readonly RouteEntry<Request>[];
}

/** The Express router settings that change matching (`case sensitive routing`, `strict routing`). */
export interface ExpressRoutingOptions {
  readonly caseSensitive: boolean;
  readonly strict: boolean;
}

/**
 * Matches as Express 5's router does: path-to-regexp 8, routes tried in registration order, the
 * first one that matches serves the request (so `@Get(':id')` declared before `@Get('me')`
 * takes `/users/me`). HEAD is served by a GET route, `@All()` by any method.
 */
export function createExpressRouteMatcher<Request>(
  routes: readonly RouteEntry<Request>[],
  options: ExpressRoutingOptions,
): RouteMatcher<Request> {
  const layers = routes.map((route) => ({
    route,
    method: route.method.toLowerCase(),
    matches: compileExpressPath(route.path, options),
  }));
  return {
    match(method, url) {
      const path = expressPathname(url);
      if (path === undefined) return [];
      const name = method.toLowerCase();
      const found: RouteEntry<Request>[] = [];
      for (const layer of layers) {
        const handlesMethod =
          layer.method === 'all' ||
          layer.method === name ||
          (name === 'head' && layer.method === 'get');
        if (!handlesMethod || layer.matches(path) === false) continue;
        found.push(layer.route);
        // Express passes a request on to a later route only through a host or version filter.
        if (layer.route.hosts === undefined && layer.route.version === undefined) break;
      }
      return found;
    },
  };
}

function compileExpressPath(path: string, options: ExpressRoutingOptions): MatchFunction<object> {
  // As Express 5's router layer: without strict routing a trailing slash is optional.
  const pattern = options.strict || path === '/' ? path : path.replace(/\/+$/, '');
  return match(pattern, {
    sensitive: options.caseSensitive,
    end: true,
    trailing: !options.strict,
    decode: false,
  });
}

/** The path Express routes on (`parseurl(req).pathname`): before `?` or `#`, not decoded. */
function expressPathname(url: string): string | undefined {
  if (url.charCodeAt(0) === 0x2f /* '/' */) {
    for (let index = 0; index < url.length; index++) {
      const code = url.charCodeAt(index);
      if (code === 0x3f /* '?' */ || code === 0x23 /* '#' */) return url.slice(0, index);
    }
    return url;
  }
  // An absolute-form request target (`GET http://host/path HTTP/1.1`).
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** The Fastify settings that change routing (`initialConfig`, with its `routerOptions`). */
export interface FastifyRoutingOptions {
  readonly caseSensitive: boolean;
  readonly ignoreTrailingSlash: boolean;
  readonly ignoreDuplicateSlashes: boolean;
  readonly useSemicolonDelimiter: boolean;
  readonly allowUnsafeRegex: boolean;
  readonly maxParamLength: number;
  /** The methods `@All()` is registered for (`fastify.supportedMethods`). */
  readonly supportedMethods: readonly string[];
  /** Whether a GET route also serves HEAD (`exposeHeadRoutes`). */
  readonly exposeHeadRoutes: boolean;
}

/**
 * Matches with find-my-way, Fastify's router, built with the same settings: a static segment
 * wins over a parameter whatever the declaration order (`/users/me` goes to `@Get('me')`).
 * Constraints (the version, `@RouteConstraints()`) are left out: every route of the matched
 * path is returned, in registration order, for the caller to weigh their constraints.
 */
export function createFastifyRouteMatcher<Request>(
  routes: readonly RouteEntry<Request>[],
  options: FastifyRoutingOptions,
): RouteMatcher<Request> {
  // `useSemicolonDelimiter` is read by find-my-way 9 but missing from its types.
  const config: FindMyWay.Config<FindMyWay.HTTPVersion.V1> & { useSemicolonDelimiter: boolean } = {
    caseSensitive: options.caseSensitive,
    ignoreTrailingSlash: options.ignoreTrailingSlash,
    ignoreDuplicateSlashes: options.ignoreDuplicateSlashes,
    useSemicolonDelimiter: options.useSemicolonDelimiter,
    allowUnsafeRegex: options.allowUnsafeRegex,
    maxParamLength: options.maxParamLength,
  };
  const router = FindMyWay(config);
  const groups = new Map<string, RouteEntry<Request>[]>();
  const noop = (): void => undefined;

  const add = (method: string, path: string, route: RouteEntry<Request>): void => {
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
        group = existing.store as RouteEntry<Request>[];
      }
      groups.set(key, group);
    }
    group.push(route);
  };

  for (const route of routes) {
    const methods = route.method === 'ALL' ? options.supportedMethods : [route.method];
    for (const method of methods) add(method, route.path, route);
  }
  if (options.exposeHeadRoutes) {
    for (const [key, group] of [...groups]) {
      const path = key.slice(key.indexOf(' ') + 1);
      if (!key.startsWith('GET ') || groups.has(`HEAD ${path}`)) continue;
      for (const route of group) add('HEAD', path, route);
    }
  }

  return {
    match(method, url) {
      let found: ReturnType<typeof router.find> = null;
      try {
        found = router.find(method as FindMyWay.HTTPMethod, url);
      } catch {
        // A URL Fastify cannot decode is answered 400 before any route: no route.
        return [];
      }
      if (found === null) return [];
      return found.store as RouteEntry<Request>[];
    },
  };
}

/**
 * The routes Fastify registered, each tied to its entry in the route table, so that the hook
 * reads which route Fastify matched for a request instead of working it out again.
 */
export interface FastifyRoutes {
  /**
   * Ties each route Fastify registered to its entry in `routes` (same method, path and
   * constraints) and returns the look-up for that table. Each call makes a new look-up and
   * changes none made before, so a rebuilt table (a reconfigured module policy) switches at once.
   */
  resolve(routes: readonly RouteEntry<unknown>[]): ServedRoute;
}

/**
 * The entry of the route Fastify matched for this request (read in `onRequest`, after routing);
 * `undefined` if it matched none (not found) or a route on a path Nest has none on; `null` if
 * the route cannot be told apart from table entries with other policies (a route on a path of
 * the table that is not one of its entries; never expected from Nest).
 */
export type ServedRoute = (request: unknown) => RouteEntry<unknown> | null | undefined;

/** What an `onRoute` hook records of one route, and the entry it resolves to. */
interface RouteMark {
  readonly methods: readonly string[];
  readonly url: string;
  readonly constraints: Readonly<Record<string, unknown>>;
}

/** The parts of a Fastify instance and of its route options that are used here. */
export interface FastifyInstanceLike {
  addHook(
    name: 'onRoute',
    hook: (options: {
      method: string | string[];
      url: string;
      constraints?: Record<string, unknown>;
      config?: object;
    }) => void,
  ): unknown;
}

// The key under which a route's mark is kept in its Fastify route config (a symbol: invisible
// to JSON, and to the string keys a user's `@RouteConfig()` has).
const ROUTE_MARK = Symbol('cors.route');

/**
 * Watches the routes registered on `instance` from now on (Fastify's `onRoute` hook; call it
 * before Nest registers its routes) and marks each in its route config, which Fastify hands back
 * as `request.routeOptions.config` for the requests it routes there.
 */
export function watchFastifyRoutes(instance: FastifyInstanceLike): FastifyRoutes {
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
  return {
    resolve(routes) {
      const byPath = new Map<string, RouteEntry<unknown>[]>();
      for (const route of routes) {
        const entries = byPath.get(route.path);
        if (entries === undefined) byPath.set(route.path, [route]);
        else entries.push(route);
      }
      const entries = new Map<RouteMark, RouteEntry<unknown> | null | undefined>();
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
    },
  };
}

/**
 * The table entry of a route Fastify registered, among the entries of its path: the same
 * constraints and method (a HEAD route Fastify added for a GET route is that GET route;
 * `@All()` is registered for every method at once).
 */
function resolveMark(
  mark: RouteMark,
  routes: readonly RouteEntry<unknown>[],
): RouteEntry<unknown> | null | undefined {
  const same = routes.filter((route) => sameConstraints(route.constraints ?? {}, mark.constraints));
  const method = mark.methods.length === 1 ? mark.methods[0] : 'ALL';
  let found = same.filter((route) => route.method === method);
  if (found.length === 0 && method === 'HEAD') found = same.filter((r) => r.method === 'GET');
  if (found.length === 0) found = same.filter((route) => route.method === 'ALL');
  // Nothing of this path in the table: not a Nest route. Entries of the path, none of them this
  // route: it cannot be told apart, so no grant rather than the module policy.
  if (found.length === 0) return routes.length === 0 ? undefined : null;
  return found.every((route) => route.policy === found[0]?.policy) ? found[0] : null;
}

function sameConstraints(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && sameValue(a[name], b[name]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((entry, index) => sameValue(entry, b[index]));
  }
  return false;
}
