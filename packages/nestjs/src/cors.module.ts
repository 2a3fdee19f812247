import { isCorsPolicy, type CorsOptions, type ReconfigurableCorsPolicy } from '@cors/core';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type NestModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  HttpAdapterHost,
  ModuleRef,
  ModulesContainer,
  type AbstractHttpAdapter,
  type ApplicationConfig,
} from '@nestjs/core';
import { LegacyRouteConverter } from '@nestjs/core/router/legacy-route-converter.js';
import type { IncomingMessage } from 'node:http';
import { CORS_MODULE_OPTIONS } from './constants.js';
import {
  createExpressCorsHook,
  createFastifyCorsHook,
  createRefusalReporter,
  type FastifyRequestLike,
} from './cors.middleware.js';
import {
  createExpressRouteMatcher,
  createFastifyRouteMatcher,
  watchFastifyRoutes,
  type ExpressRoutingOptions,
  type FastifyInstanceLike,
  type FastifyRoutes,
  type FastifyRoutingOptions,
} from './route-matchers.js';
import { buildRoutePolicies, checkModuleDefaults, type RouteSources } from './route-policies.js';
import { createExpressRouteSelector, createFastifyRouteSelector } from './route-selection.js';

/** Options of `CorsModule.forRootAsync()`: module defaults built by a factory (e.g. from ConfigService). */
export interface CorsModuleAsyncOptions<Request = unknown> {
  /**
   * Modules that export the providers the factory needs (e.g. `ConfigModule`).
   * @default []
   */
  readonly imports?: ModuleMetadata['imports'];
  /**
   * Providers handed to `useFactory`, in order.
   * @default []
   */
  readonly inject?: FactoryProvider['inject'];
  /** Returns the module defaults or a module policy (what `forRoot()` takes); may be async. */
  readonly useFactory: (
    ...args: never[]
  ) => ModuleDefaults<Request> | undefined | Promise<ModuleDefaults<Request> | undefined>;
}

/**
 * What `forRoot()` takes: options, or a policy from `createCorsPolicy` whose options are the
 * module defaults and which the whole module follows when it is reconfigured.
 */
export type ModuleDefaults<Request = unknown> =
  | CorsOptions<Request>
  | ReconfigurableCorsPolicy<Request>;

/** A CORS request hook of either platform, as `installHook` takes it. */
type CorsHook = (request: never, response: never, next: (error?: unknown) => void) => void;

// Adapters that already have a CORS hook: a second CorsModule would silently replace the first.
const installedAdapters = new WeakSet<object>();

// The routes each Fastify adapter registers, watched from before Nest registers them.
const fastifyRoutes = new WeakMap<object, FastifyRoutes>();

/**
 * Builds the route table and installs the CORS hook when the app initializes (routes are
 * registered by then, and no request has arrived yet).
 */
@Injectable()
class CorsInstaller implements OnModuleInit, OnModuleDestroy {
  /** Stops following a module policy's reconfigurations when the app closes. */
  private unfollow: (() => void) | undefined;

  // Explicit tokens: builds with esbuild, SWC or Vite emit no constructor parameter types.
  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly source: ModuleDefaults,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as AbstractHttpAdapter | undefined;
    // An application context (no HTTP server): nothing to answer.
    if (adapter === undefined || adapter === null) return;
    if (installedAdapters.has(adapter)) {
      throw new Error(
        'CorsModule.forRoot() is imported more than once; import it once, in the root module',
      );
    }
    const { source } = this;
    if (!isCorsPolicy(source)) {
      installHook(adapter, this.buildHook(adapter, source));
      installedAdapters.add(adapter);
      return;
    }
    // A module policy: every route policy is compiled again from the new defaults when it is
    // reconfigured, and all switch at once; a bad combination with a decorator refuses the
    // reconfiguration (CorsConfigError from policy.reconfigure) and keeps the old table.
    let current = this.buildHook(adapter, checkModuleDefaults(source.options));
    this.unfollow = source.onReconfigure((options) => {
      const next = this.buildHook(adapter, checkModuleDefaults(options));
      return () => {
        current = next;
      };
    });
    // Each request reads `current` once, so one route table decides it from start to end.
    installHook(adapter, (request: never, response: never, next) =>
      current(request, response, next),
    );
    installedAdapters.add(adapter);
  }

  onModuleDestroy(): void {
    this.unfollow?.();
  }

  /** The route table for `defaults`, and the platform's hook answering from it. */
  private buildHook(adapter: AbstractHttpAdapter, defaults: CorsOptions): CorsHook {
    const report = createRefusalReporter(defaults);
    const config = readApplicationConfig(this.moduleRef);
    const type = adapter.getType();

    if (type === 'express') {
      const sources: RouteSources = {
        modules: this.modules,
        config,
        // As ExpressAdapter.normalizePath, without logging its warnings a second time.
        normalizePath: (path) => LegacyRouteConverter.tryConvert(path, { logs: false }),
      };
      const table = buildRoutePolicies(sources, defaults);
      const matcher = createExpressRouteMatcher(table.routes, readExpressRouting(adapter));
      return createExpressCorsHook(
        createExpressRouteSelector(matcher, table),
        report,
        (req: IncomingMessage) => adapter.getRequestHostname(req),
      ) as CorsHook;
    }
    if (type === 'fastify') {
      const sources: RouteSources = {
        modules: this.modules,
        config,
        normalizePath: (path) => adapter.normalizePath(path),
      };
      const table = buildRoutePolicies(sources, defaults);
      const routes = fastifyRoutes.get(adapter);
      if (routes === undefined) {
        throw new Error(
          '@cors/nestjs did not see the Fastify routes being registered; import CorsModule.forRoot() in the application module',
        );
      }
      // A new look-up for this table: the one in use stays as it is until the switch.
      const served = routes.resolve(table.routes);
      const matcher = createFastifyRouteMatcher(table.routes, readFastifyRouting(adapter));
      return createFastifyCorsHook(
        createFastifyRouteSelector(matcher, table, served),
        report,
        (request: FastifyRequestLike) => adapter.getRequestHostname(request),
      ) as CorsHook;
    }
    throw new Error(
      `@cors/nestjs works with @nestjs/platform-express and @nestjs/platform-fastify, not the "${type}" adapter`,
    );
  }
}

/**
 * Per-route CORS for NestJS. `forRoot()` sets the defaults and installs everything: the route
 * table, the preflight answers and the headers of actual requests. Do not call
 * `app.enableCors()` as well.
 *
 * @example
 * @Module({
 *   imports: [CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true })],
 *   controllers: [UsersController],
 * })
 * export class AppModule {}
 */
@Module({})
export class CorsModule implements NestModule {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Called by Nest before it registers the routes: on Fastify, starts watching the routes it
   * registers, so that the hook can read which one Fastify matched for a request.
   * @internal
   */
  configure(): void {
    const adapter = this.adapterHost.httpAdapter as AbstractHttpAdapter | undefined;
    if (adapter === undefined || adapter === null || adapter.getType() !== 'fastify') return;
    if (fastifyRoutes.has(adapter)) return;
    fastifyRoutes.set(adapter, watchFastifyRoutes(adapter.getInstance<FastifyInstanceLike>()));
  }

  /**
   * The module defaults, for every route when they name an `origin`; otherwise only routes with
   * `@AllowOrigin()` answer cross-origin requests. Throws `CorsConfigError` at once for invalid
   * options; decorator options are checked when the app initializes.
   *
   * Given a policy from `createCorsPolicy`, its options are the defaults, and
   * `policy.reconfigure(options)` changes them while the app runs: every route's policy is
   * compiled again from the new defaults merged with its decorators, and all switch at once. If
   * any route's merged options are invalid, `reconfigure` throws `CorsConfigError` and nothing
   * changes.
   *
   * @example
   * CorsModule.forRoot({ origin: 'https://app.example.com', exposedHeaders: ['x-request-id'] })
   * // or, to change them later:
   * const cors = createCorsPolicy({ origin: ['https://app.example.com'] });
   * CorsModule.forRoot(cors); // … cors.reconfigure({ origin: [...] })
   */
  static forRoot<Request = unknown>(options?: ModuleDefaults<Request>): DynamicModule {
    return {
      module: CorsModule,
      providers: [{ provide: CORS_MODULE_OPTIONS, useValue: checkSource(options) }, CorsInstaller],
    };
  }

  /**
   * The module defaults built by a factory with injected providers, e.g. an allowlist from
   * `ConfigService`. Invalid options throw `CorsConfigError` when the app starts.
   *
   * @example
   * CorsModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ origin: config.getOrThrow<string>('CORS_ORIGINS').split(',') }),
   * })
   */
  static forRootAsync<Request = unknown>(options: CorsModuleAsyncOptions<Request>): DynamicModule {
    const { useFactory } = options;
    return {
      module: CorsModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: CORS_MODULE_OPTIONS,
          useFactory: async (...args: never[]) => checkSource(await useFactory(...args)),
          inject: options.inject ?? [],
        },
        CorsInstaller,
      ],
    };
  }
}

/** Checks module defaults at once; a policy is kept as it is, its options checked as defaults. */
function checkSource<Request>(
  source: ModuleDefaults<Request> | undefined,
): ModuleDefaults<Request> {
  if (!isCorsPolicy<Request>(source)) return checkModuleDefaults(source);
  checkModuleDefaults(source.options);
  return source;
}

/**
 * Runs the hook first on every request: Nest's adapters call the `setOnRequestHook` hook from
 * their first Express middleware / first Fastify `onRequest` hook, before body parsing, Nest
 * middleware, routing, guards and interceptors. A hook set earlier still runs, after ours.
 */
function installHook(
  adapter: AbstractHttpAdapter,
  hook: (request: never, response: never, next: (error?: unknown) => void) => void,
): void {
  const previous = (adapter as unknown as { onRequestHook?: typeof hook }).onRequestHook;
  adapter.setOnRequestHook(
    previous === undefined
      ? hook
      : (request: never, response: never, next: (error?: unknown) => void) =>
          hook(request, response, (error) =>
            error === undefined ? previous(request, response, next) : next(error),
          ),
  );
}

/**
 * Nest keeps the global prefix and the versioning settings in the container's
 * ApplicationConfig, which it does not offer for injection; every Nest version since 6 holds
 * it at `container.applicationConfig` (`ModuleRef` keeps the container).
 */
function readApplicationConfig(moduleRef: ModuleRef): ApplicationConfig {
  const container = (
    moduleRef as unknown as { container?: { applicationConfig?: ApplicationConfig } }
  ).container;
  const config = container?.applicationConfig;
  if (config === undefined || typeof config.getGlobalPrefix !== 'function') {
    throw new Error(
      '@cors/nestjs could not read the global prefix and versioning settings of this Nest version',
    );
  }
  return config;
}

function readExpressRouting(adapter: AbstractHttpAdapter): ExpressRoutingOptions {
  // `getRouteMatchingOptions()` is recent; before it, the router's own settings.
  const matching = (
    adapter as unknown as {
      getRouteMatchingOptions?: () => { caseSensitive: boolean; ignoreTrailingSlash: boolean };
    }
  ).getRouteMatchingOptions?.();
  if (matching !== undefined) {
    return { caseSensitive: matching.caseSensitive, strict: !matching.ignoreTrailingSlash };
  }
  const router = adapter.getInstance<{ router?: { caseSensitive?: boolean; strict?: boolean } }>()
    .router;
  return { caseSensitive: router?.caseSensitive === true, strict: router?.strict === true };
}

interface FastifyConfigLike {
  readonly caseSensitive?: boolean;
  readonly ignoreTrailingSlash?: boolean;
  readonly ignoreDuplicateSlashes?: boolean;
  readonly useSemicolonDelimiter?: boolean;
  readonly allowUnsafeRegex?: boolean;
  readonly maxParamLength?: number;
  readonly exposeHeadRoutes?: boolean;
  readonly routerOptions?: Omit<FastifyConfigLike, 'routerOptions' | 'exposeHeadRoutes'>;
}

function readFastifyRouting(adapter: AbstractHttpAdapter): FastifyRoutingOptions {
  const instance = adapter.getInstance<{
    initialConfig: FastifyConfigLike;
    supportedMethods: string[];
  }>();
  const config = instance.initialConfig;
  const router = config.routerOptions ?? {};
  // Fastify takes these at the top level or in `routerOptions`; either one switches them.
  return {
    caseSensitive: !(config.caseSensitive === false || router.caseSensitive === false),
    ignoreTrailingSlash: config.ignoreTrailingSlash === true || router.ignoreTrailingSlash === true,
    ignoreDuplicateSlashes:
      config.ignoreDuplicateSlashes === true || router.ignoreDuplicateSlashes === true,
    useSemicolonDelimiter:
      config.useSemicolonDelimiter === true || router.useSemicolonDelimiter === true,
    allowUnsafeRegex: config.allowUnsafeRegex === true || router.allowUnsafeRegex === true,
    maxParamLength: router.maxParamLength ?? config.maxParamLength ?? 100,
    supportedMethods: instance.supportedMethods,
    exposeHeadRoutes: config.exposeHeadRoutes !== false,
  };
}
