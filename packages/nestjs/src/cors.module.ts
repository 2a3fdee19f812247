import type { CorsOptions } from '@cors/core';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type NestModule,
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
  /** Returns the module defaults (the same as `forRoot()` takes); may be async. */
  readonly useFactory: (
    ...args: never[]
  ) => CorsOptions<Request> | undefined | Promise<CorsOptions<Request> | undefined>;
}

// Adapters that already have a CORS hook: a second CorsModule would silently replace the first.
const installedAdapters = new WeakSet<object>();

// The routes each Fastify adapter registers, watched from before Nest registers them.
const fastifyRoutes = new WeakMap<object, FastifyRoutes>();

/**
 * Builds the route table and installs the CORS hook when the app initializes (routes are
 * registered by then, and no request has arrived yet).
 */
@Injectable()
class CorsInstaller implements OnModuleInit {
  // Explicit tokens: builds with esbuild, SWC or Vite emit no constructor parameter types.
  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly defaults: CorsOptions,
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
    const report = createRefusalReporter(this.defaults);
    const config = readApplicationConfig(this.moduleRef);
    const type = adapter.getType();

    if (type === 'express') {
      const sources: RouteSources = {
        modules: this.modules,
        config,
        // As ExpressAdapter.normalizePath, without logging its warnings a second time.
        normalizePath: (path) => LegacyRouteConverter.tryConvert(path, { logs: false }),
      };
      const table = buildRoutePolicies(sources, this.defaults);
      const matcher = createExpressRouteMatcher(table.routes, readExpressRouting(adapter));
      const hook = createExpressCorsHook(
        createExpressRouteSelector(matcher, table),
        report,
        (req: IncomingMessage) => adapter.getRequestHostname(req),
      );
      installHook(adapter, hook);
    } else if (type === 'fastify') {
      const sources: RouteSources = {
        modules: this.modules,
        config,
        normalizePath: (path) => adapter.normalizePath(path),
      };
      const table = buildRoutePolicies(sources, this.defaults);
      const routes = fastifyRoutes.get(adapter);
      if (routes === undefined) {
        throw new Error(
          '@cors/nestjs did not see the Fastify routes being registered; import CorsModule.forRoot() in the application module',
        );
      }
      routes.resolve(table.routes);
      const matcher = createFastifyRouteMatcher(table.routes, readFastifyRouting(adapter));
      const hook = createFastifyCorsHook(
        createFastifyRouteSelector(matcher, table, routes),
        report,
        (request: FastifyRequestLike) => adapter.getRequestHostname(request),
      );
      installHook(adapter, hook);
    } else {
      throw new Error(
        `@cors/nestjs works with @nestjs/platform-express and @nestjs/platform-fastify, not the "${type}" adapter`,
      );
    }
    installedAdapters.add(adapter);
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
   * @example
   * CorsModule.forRoot({ origin: 'https://app.example.com', exposedHeaders: ['x-request-id'] })
   */
  static forRoot<Request = unknown>(options?: CorsOptions<Request>): DynamicModule {
    const defaults = checkModuleDefaults(options);
    return {
      module: CorsModule,
      providers: [{ provide: CORS_MODULE_OPTIONS, useValue: defaults }, CorsInstaller],
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
          useFactory: async (...args: never[]) => checkModuleDefaults(await useFactory(...args)),
          inject: options.inject ?? [],
        },
        CorsInstaller,
      ],
    };
  }
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
