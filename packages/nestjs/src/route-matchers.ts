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
 * Version constraints are left out: a preflight carries no version, so every version of the
 * matched path is returned, version-filtered routes first (Fastify tries them before the
 * unconstrained one).
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
      const group = found.store as RouteEntry<Request>[];
      if (group.length === 1) return group;
      return [
        ...group.filter((route) => route.version !== undefined),
        ...group.filter((route) => route.version === undefined),
      ];
    },
  };
}
