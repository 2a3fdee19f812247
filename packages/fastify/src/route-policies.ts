// Per-route policies: the plugin's options (or policy) with each route's `config.cors` merged
// over them, compiled once per distinct result, and the table that tells a preflight which route
// it is asking about.
import {
  CorsConfigError,
  createCorsPolicy,
  createRefusingPolicy,
  isCorsPolicy,
  mergeCorsOptions,
  type CorsConfigIssue,
  type CorsOptions,
  type CorsPolicy,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import type { FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import type { FastifyCorsOptions } from './options.js';

/**
 * How one route answers CORS requests. Built at start-up; shared by routes with equal options.
 * With a reconfigurable policy on the plugin, `policy` is replaced when the policy is
 * reconfigured (all routes at once, in the reconfiguration's switch).
 */
export interface RouteCors {
  /** The compiled policy, or `undefined` when CORS is off for the route (`config.cors: false`). */
  readonly policy: CorsPolicy<FastifyRequest> | undefined;
}

/** CORS switched off for a route. */
export const DISABLED: RouteCors = { policy: undefined };

/**
 * The policies that refuse a preflight no route's policy can answer (core's
 * `createRefusingPolicy`), built from the plugin's options: their `onDecision`, `debug` and
 * `preflightContinue` apply, as to the plugin's own refusals.
 */
export interface Refusals {
  /** For a preflight that could reach routes with different policies. */
  readonly ambiguous: CorsPolicy<FastifyRequest>;
  /** For a preflight to a route with CORS off (`config.cors: false`, or never checked). */
  readonly disabled: CorsPolicy<FastifyRequest>;
}

function refusalsFrom(options: Options): Refusals {
  return {
    ambiguous: createRefusingPolicy<FastifyRequest>('route-ambiguous', options),
    disabled: createRefusingPolicy<FastifyRequest>('cors-disabled', options),
  };
}

type Options = Readonly<Record<string, unknown>>;

/** A route's own options, and every route that shares them (with a policy on the plugin). */
interface RouteLayer {
  readonly cors: { policy: CorsPolicy<FastifyRequest> | undefined };
  readonly options: Options;
  /** The first route declared with these options, for error messages. */
  readonly route: string;
}

/**
 * Compiles the plugin's options and each route's `config.cors` over them, once per distinct
 * merged set of options (routes that share a config object, or spell the same options, share
 * one policy). Given a reconfigurable policy instead of options, routes without `config.cors`
 * use the policy itself, and routes with one are recompiled over the policy's new options each
 * time it is reconfigured (a route whose merged options become invalid refuses the
 * reconfiguration, naming the route).
 */
export class RoutePolicies {
  readonly plugin: RouteCors;
  #pluginOptions: Options;
  #refusals: Refusals;
  readonly #byConfig = new WeakMap<object, RouteCors>();
  readonly #byKey = new Map<string, RouteCors>();
  readonly #identities = new WeakMap<object, number>();
  #nextIdentity = 1;
  /** With a reconfigurable policy: one layer per distinct route options, recompiled together. */
  readonly #layers: Map<string, RouteLayer> | undefined;
  /**
   * With a reconfigurable policy: the policies compiled from the current plugin options, by
   * merged options, so that routes whose options merge equal share one (a preflight to either
   * is then not ambiguous).
   */
  #generation = new Map<string, CorsPolicy<FastifyRequest>>();
  /** Removes the reconfiguration step (when the app closes). */
  readonly dispose: () => void = noop;

  constructor(pluginOptions: FastifyCorsOptions | ReconfigurableCorsPolicy<FastifyRequest>) {
    if (isCorsPolicy<FastifyRequest>(pluginOptions)) {
      // The options were validated when the policy was built or reconfigured.
      this.#pluginOptions = mergeCorsOptions(pluginOptions.options) as Options;
      this.#refusals = refusalsFrom(this.#pluginOptions);
      this.plugin = { policy: pluginOptions };
      this.#layers = new Map();
      this.#generation.set(this.#keyOf(this.#pluginOptions), pluginOptions);
      this.dispose = pluginOptions.onReconfigure((options) => this.#recompile(options));
      return;
    }
    this.#pluginOptions = mergeCorsOptions(
      withoutRegisterOptions(pluginOptions) as FastifyCorsOptions,
    ) as Options;
    this.plugin = { policy: createCorsPolicy<FastifyRequest>(this.#pluginOptions) };
    this.#refusals = refusalsFrom(this.#pluginOptions);
    this.#byKey.set(this.#keyOf(this.#pluginOptions), this.plugin);
  }

  /** The refusing policies of the current plugin options (replaced on `reconfigure`). */
  get refusals(): Refusals {
    return this.#refusals;
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
    const own = forRoute(route, () =>
      mergeCorsOptions(routeOptions as FastifyCorsOptions),
    ) as Options;
    let compiled: RouteCors;
    if (this.#layers === undefined) {
      const merged = mergeCorsOptions(this.#pluginOptions, own) as Options;
      const key = this.#keyOf(merged);
      compiled = this.#byKey.get(key) ?? { policy: compileForRoute(merged, route) };
      this.#byKey.set(key, compiled);
    } else {
      // Keyed by the route's own options: two routes that merge equal today may not tomorrow.
      const key = this.#keyOf(own);
      let layer = this.#layers.get(key);
      if (layer === undefined) {
        const merged = mergeCorsOptions(this.#pluginOptions, own) as Options;
        const policy = this.#compileShared(this.#generation, merged, route);
        layer = { cors: { policy }, options: own, route };
        this.#layers.set(key, layer);
      }
      compiled = layer.cors;
    }
    this.#byConfig.set(routeOptions, compiled);
    return compiled;
  }

  /**
   * The reconfiguration step: every route's options merged over the new plugin options and
   * compiled (throwing `CorsConfigError` naming the route, which refuses the reconfiguration),
   * then switched together.
   */
  #recompile(options: CorsOptions<FastifyRequest>): () => void {
    const layers = this.#layers as Map<string, RouteLayer>;
    const pluginOptions = mergeCorsOptions(options) as Options;
    const issues: CorsConfigIssue[] = [];
    const next: [RouteLayer, CorsPolicy<FastifyRequest>][] = [];
    const generation = new Map<string, CorsPolicy<FastifyRequest>>();
    // The policy itself already answers with the new options when the switch runs.
    generation.set(this.#keyOf(pluginOptions), this.plugin.policy as CorsPolicy<FastifyRequest>);
    for (const layer of layers.values()) {
      try {
        const merged = mergeCorsOptions(pluginOptions, layer.options) as Options;
        next.push([layer, this.#compileShared(generation, merged, layer.route)]);
      } catch (error) {
        if (!(error instanceof CorsConfigError)) throw error;
        issues.push(...error.issues);
      }
    }
    if (issues.length > 0) throw new CorsConfigError(issues);
    const refusals = refusalsFrom(pluginOptions);
    return () => {
      this.#pluginOptions = pluginOptions;
      this.#refusals = refusals;
      this.#generation = generation;
      for (const [layer, policy] of next) layer.cors.policy = policy;
    };
  }

  #compileShared(
    generation: Map<string, CorsPolicy<FastifyRequest>>,
    merged: Options,
    route: string,
  ): CorsPolicy<FastifyRequest> {
    const key = this.#keyOf(merged);
    let policy = generation.get(key);
    if (policy === undefined) {
      policy = compileForRoute(merged, route);
      generation.set(key, policy);
    }
    return policy;
  }

  /**
   * A string equal for equal options: names sorted, RegExps by source and flags, functions and
   * other objects by identity.
   */
  #keyOf(options: Options): string {
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

/**
 * The plugin options without Fastify's own registration options. The copy keeps the original's
 * prototype, so that `mergeCorsOptions` still refuses options inherited from it; anything that
 * is not a plain object is left for `mergeCorsOptions` to refuse.
 */
function withoutRegisterOptions(options: unknown): unknown {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  const source = options as Options;
  const copy = Object.create(Object.getPrototypeOf(source) as object | null) as Record<
    string,
    unknown
  >;
  for (const name of Object.keys(source)) {
    // Defined, not assigned: an own `__proto__` key (from JSON.parse) stays a key, which
    // `mergeCorsOptions` refuses, instead of becoming the copy's prototype.
    if (!REGISTER_OPTIONS.has(name)) {
      Object.defineProperty(copy, name, {
        value: source[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
}

/** Runs `read`, adding which route the options come from to each issue it throws. */
function forRoute<T>(route: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    throw new CorsConfigError(
      error.issues.map(
        (issue): CorsConfigIssue => ({ ...issue, message: `${issue.message} (route ${route})` }),
      ),
    );
  }
}

function compileForRoute(options: Options, route: string): CorsPolicy<FastifyRequest> {
  return forRoute(route, () => createCorsPolicy<FastifyRequest>(options));
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
      if (cors !== undefined && cors.policy !== entry.cors.policy) return AMBIGUOUS;
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
