// Per-route policies: the plugin's options merged with a route's `config.cors`, compiled once
// per distinct result, and the table that tells a preflight which route it is asking about.
import {
  CorsConfigError,
  createCorsPolicy,
  type CorsPolicy,
  type CorsConfigIssue,
} from '@cors/core';
import type { FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import type { FastifyCorsOptions } from './options.js';

/** How one route answers CORS requests. Built at start-up; shared by routes with equal options. */
export interface RouteCors {
  /** The compiled policy, or `undefined` when CORS is off for the route (`config.cors: false`). */
  readonly policy: CorsPolicy<FastifyRequest> | undefined;
}

/** CORS switched off for a route. */
export const DISABLED: RouteCors = { policy: undefined };

/**
 * Compiles the plugin's options and each route's `config.cors` over them, once per distinct
 * merged set of options (routes that share a config object, or spell the same options, share
 * one policy).
 */
export class RoutePolicies {
  readonly plugin: RouteCors;
  readonly #pluginOptions: Readonly<Record<string, unknown>>;
  readonly #byConfig = new WeakMap<object, RouteCors>();
  readonly #byKey = new Map<string, RouteCors>();
  readonly #identities = new WeakMap<object, number>();
  #nextIdentity = 1;

  constructor(pluginOptions: FastifyCorsOptions) {
    this.#pluginOptions = ownOptions(pluginOptions, 'options');
    this.plugin = { policy: createCorsPolicy<FastifyRequest>(this.#pluginOptions) };
    this.#byKey.set(this.#keyOf(this.#pluginOptions), this.plugin);
  }

  /**
   * The policy of a route whose `config.cors` is `routeOptions`: the plugin's when absent,
   * none when `false`, else the options merged over the plugin's, option by option. Throws
   * `CorsConfigError` naming the route when they are invalid.
   */
  forRoute(routeOptions: unknown, route: string): RouteCors {
    if (routeOptions === undefined) return this.plugin;
    if (routeOptions === false) return DISABLED;
    if (typeof routeOptions !== 'object' || routeOptions === null || Array.isArray(routeOptions)) {
      throw new CorsConfigError([
        {
          option: 'config.cors',
          value: routeOptions,
          message: `${describe(routeOptions)} on route ${route} is not an object of CORS options or false`,
          hint: "e.g. config: { cors: { origin: ['https://app.example.com'] } }, or config: { cors: false }",
        },
      ]);
    }
    const cached = this.#byConfig.get(routeOptions);
    if (cached !== undefined) return cached;
    const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const name of Object.keys(this.#pluginOptions)) merged[name] = this.#pluginOptions[name];
    // Own enumerable names only, onto an object with no prototype: a `__proto__` key (from
    // JSON.parse) is just an unknown option name, which the core refuses.
    for (const name of Object.keys(routeOptions)) {
      merged[name] = (routeOptions as Record<string, unknown>)[name];
    }
    const key = this.#keyOf(merged);
    let compiled = this.#byKey.get(key);
    if (compiled === undefined) {
      compiled = { policy: compileForRoute(merged, route) };
      this.#byKey.set(key, compiled);
    }
    this.#byConfig.set(routeOptions, compiled);
    return compiled;
  }

  /**
   * A string equal for equal options: names sorted, RegExps by source and flags, functions and
   * other objects by identity.
   */
  #keyOf(options: Readonly<Record<string, unknown>>): string {
    const names = Object.keys(options).sort();
    return JSON.stringify(names.map((name) => [name, this.#valueKey(options[name])]));
  }

  #valueKey(value: unknown): unknown {
    if (value instanceof RegExp) return ['re', value.source, value.flags];
    if (Array.isArray(value)) return ['list', value.map((item) => this.#valueKey(item))];
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
      let id = this.#identities.get(value);
      if (id === undefined) {
        id = this.#nextIdentity++;
        this.#identities.set(value, id);
      }
      return ['ref', id];
    }
    return [typeof value, value];
  }
}

/** Fastify's own registration options, which are not CORS options. */
const REGISTER_OPTIONS = new Set(['logLevel', 'logSerializers']);

/** The own enumerable options, on an object with no prototype. */
function ownOptions(options: object, what: string): Record<string, unknown> {
  const own: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (typeof options !== 'object' || options === null) {
    throw new CorsConfigError([
      {
        option: what,
        value: options,
        message: `${describe(options)} is not an object of CORS options`,
      },
    ]);
  }
  for (const name of Object.keys(options)) {
    if (!REGISTER_OPTIONS.has(name)) own[name] = (options as Record<string, unknown>)[name];
  }
  return own;
}

function compileForRoute(
  options: Record<string, unknown>,
  route: string,
): CorsPolicy<FastifyRequest> {
  try {
    return createCorsPolicy<FastifyRequest>(options);
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    // The same issues, each saying which route's config they come from.
    throw new CorsConfigError(
      error.issues.map(
        (issue): CorsConfigIssue => ({ ...issue, message: `${issue.message} (route ${route})` }),
      ),
    );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? 'an array'
      : String(value);
}

/** One route as a preflight sees it. */
interface RouteEntry {
  readonly cors: RouteCors;
  /** The route's `host` constraint, which a preflight's `Host` header can be tested against. */
  readonly host: string | RegExp | undefined;
}

/** The router settings of Fastify that change how a URL is matched. */
export interface RouterSettings {
  readonly caseSensitive?: boolean;
  readonly ignoreTrailingSlash?: boolean;
  readonly ignoreDuplicateSlashes?: boolean;
  readonly maxParamLength?: number;
  readonly allowUnsafeRegex?: boolean;
  readonly useSemicolonDelimiter?: boolean;
  readonly routerOptions?: Omit<RouterSettings, 'routerOptions'>;
}

/** What a preflight's route look-up found. */
export type RouteLookup =
  | { readonly found: 'none' }
  | { readonly found: 'route'; readonly cors: RouteCors }
  | { readonly found: 'ambiguous' };

/**
 * The routes the plugin has seen, in find-my-way (Fastify's router) built with the app's router
 * settings, so that a preflight is matched to the route Fastify would dispatch the actual
 * request to. Constraints are kept beside the route instead of in the router: a preflight
 * carries no `Accept-Version`, so every version of a path is a candidate.
 */
export class PreflightRoutes {
  readonly #router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

  constructor(settings: RouterSettings) {
    const router = settings.routerOptions ?? {};
    // `useSemicolonDelimiter` is read by find-my-way 9 but missing from its types.
    const config: FindMyWay.Config<FindMyWay.HTTPVersion.V1> & { useSemicolonDelimiter?: boolean } =
      {
        caseSensitive: router.caseSensitive ?? settings.caseSensitive,
        ignoreTrailingSlash: router.ignoreTrailingSlash ?? settings.ignoreTrailingSlash,
        ignoreDuplicateSlashes: router.ignoreDuplicateSlashes ?? settings.ignoreDuplicateSlashes,
        maxParamLength: router.maxParamLength ?? settings.maxParamLength,
        allowUnsafeRegex: router.allowUnsafeRegex ?? settings.allowUnsafeRegex,
        useSemicolonDelimiter: router.useSemicolonDelimiter ?? settings.useSemicolonDelimiter,
      };
    this.#router = FindMyWay(config);
  }

  /** Records a route Fastify has just added (from the `onRoute` hook). */
  add(
    methods: string | readonly string[],
    url: string,
    constraints: Readonly<Record<string, unknown>> | undefined,
    cors: RouteCors,
  ): void {
    // Other constraints (e.g. `version`) a preflight cannot know: every such route is a candidate.
    const host = constraints?.['host'];
    const entry: RouteEntry = {
      cors,
      host: typeof host === 'string' || host instanceof RegExp ? host : undefined,
    };
    for (const method of typeof methods === 'string' ? [methods] : methods) {
      this.#group(method, url).push(entry);
    }
  }

  /** The route that would serve `method` on `url` for a request to `host`. */
  find(method: string, url: string, host: string | undefined): RouteLookup {
    let found: ReturnType<FindMyWay.Instance<FindMyWay.HTTPVersion.V1>['find']> = null;
    try {
      found = this.#router.find(method as FindMyWay.HTTPMethod, url);
    } catch {
      // An unknown method or a URL Fastify cannot decode: no route serves it.
      return NONE;
    }
    if (found === null) return NONE;
    const entries = found.store as readonly RouteEntry[];
    // As find-my-way: a route whose host constraint matches wins over routes without one.
    const hostMatched = entries.some(
      (entry) => entry.host !== undefined && matchesHost(entry.host, host),
    );
    let cors: RouteCors | undefined;
    for (const entry of entries) {
      const candidate = hostMatched
        ? entry.host !== undefined && matchesHost(entry.host, host)
        : entry.host === undefined;
      if (!candidate) continue;
      // Fetch: never guess. Routes that only a header the preflight lacks tells apart must agree.
      if (cors !== undefined && cors !== entry.cors) return AMBIGUOUS;
      cors = entry.cors;
    }
    return cors === undefined ? NONE : { found: 'route', cors };
  }

  #group(method: string, url: string): RouteEntry[] {
    const router = this.#router;
    const existing = router.findRoute(method as FindMyWay.HTTPMethod, url);
    if (existing !== null) return existing.store as RouteEntry[];
    const group: RouteEntry[] = [];
    try {
      router.on(method as FindMyWay.HTTPMethod, url, noop, group);
    } catch (error) {
      // The same path spelt with other parameter names (`:id`, `:userId`), which Fastify accepts
      // under different constraints: the spelling itself is a URL that reaches the first one.
      const spelt = router.find(method as FindMyWay.HTTPMethod, url);
      if (spelt === null) throw error;
      return spelt.store as RouteEntry[];
    }
    return group;
  }
}

const NONE: RouteLookup = { found: 'none' };
const AMBIGUOUS: RouteLookup = { found: 'ambiguous' };

function noop(): void {}

/** As find-my-way's `host` constraint: an exact string or a RegExp tested on the `Host` header. */
function matchesHost(constraint: string | RegExp | undefined, host: string | undefined): boolean {
  if (constraint === undefined) return true;
  if (host === undefined) return false;
  return typeof constraint === 'string' ? constraint === host : constraint.test(host);
}
