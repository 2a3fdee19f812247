// The wiring. When the app initializes: route-collection.ts reads every route from Nest,
// route-policies.ts gives each its compiled policy, the platform (platforms/express.ts or
// platforms/fastify.ts) matches requests to routes as it routes them, and cors.hook.ts decides
// each request with its route's policy, installed as the adapter's first request hook.
import {
  CorsConfigError,
  isCorsPolicy,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
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
  type Provider,
  type Type,
} from '@nestjs/common';
import {
  HttpAdapterHost,
  ModuleRef,
  ModulesContainer,
  type AbstractHttpAdapter,
} from '@nestjs/core';
import { CORS_MODULE_OPTIONS } from './constants.js';
import { createCorsHook, installCorsHook, type CorsHook } from './cors.hook.js';
import { createExpressPlatform } from './platforms/express.js';
import { createFastifyPlatform } from './platforms/fastify.js';
import type { Platform } from './platforms/platform.js';
import { collectRoutes } from './route-collection.js';
import { buildRoutePolicies, checkModuleDefaults } from './route-policies.js';

/**
 * What `forRoot()` takes: options, or a policy from `createCorsPolicy` whose options are the
 * module defaults and which the whole module follows when it is reconfigured.
 */
export type ModuleDefaults<Request = unknown> =
  | CorsOptions<Request>
  | ReconfigurableCorsPolicy<Request>;

/** A class whose `createCorsOptions()` gives the module defaults (`useClass`, `useExisting`). */
export interface CorsOptionsFactory<Request = unknown> {
  createCorsOptions():
    | ModuleDefaults<Request>
    | undefined
    | Promise<ModuleDefaults<Request> | undefined>;
}

/**
 * Options of `CorsModule.forRootAsync()`: module defaults built with injected providers (e.g.
 * from `ConfigService`), by exactly one of `useFactory`, `useClass` or `useExisting`, as other
 * Nest modules take them.
 */
export type CorsModuleAsyncOptions<Request = unknown> = {
  /**
   * Modules that export the providers needed (e.g. `ConfigModule`).
   * @default []
   */
  readonly imports?: ModuleMetadata['imports'];
} & (
  | {
      /**
       * Providers handed to `useFactory`, in order.
       * @default []
       */
      readonly inject?: FactoryProvider['inject'];
      /** Returns the module defaults or a module policy (what `forRoot()` takes); may be async. */
      readonly useFactory: (
        ...args: never[]
      ) => ModuleDefaults<Request> | undefined | Promise<ModuleDefaults<Request> | undefined>;
      readonly useClass?: never;
      readonly useExisting?: never;
    }
  | {
      /** A `CorsOptionsFactory` class this module provides (with its own injections). */
      readonly useClass: Type<CorsOptionsFactory<Request>>;
      readonly useFactory?: never;
      readonly useExisting?: never;
      readonly inject?: never;
    }
  | {
      /** The token of a `CorsOptionsFactory` provider that an imported module exports. */
      readonly useExisting: Type<CorsOptionsFactory<Request>> | string | symbol;
      readonly useFactory?: never;
      readonly useClass?: never;
      readonly inject?: never;
    }
);

// The platform of each adapter (a Fastify one watches routes from `configure()` on), and the
// adapters that have a CORS hook: a second CorsModule would silently replace the first.
const platforms = new WeakMap<object, Platform<never, never>>();
const installedAdapters = new WeakSet<object>();

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
    const platform = platforms.get(adapter) ?? createPlatform(adapter);
    const build = (defaults: CorsOptions): CorsHook =>
      createCorsHook(
        platform,
        buildRoutePolicies(
          collectRoutes(this.modules, this.moduleRef, platform.normalizePath),
          defaults,
        ),
        defaults,
      );
    const { source } = this;
    if (!isCorsPolicy(source)) {
      installCorsHook(adapter, build(source));
    } else {
      // A module policy: every route policy is compiled again from the new defaults when it is
      // reconfigured, and all switch at once; a bad combination with a decorator refuses the
      // reconfiguration (CorsConfigError from policy.reconfigure) and keeps the old table.
      let current = build(checkModuleDefaults(source.options));
      this.unfollow = source.onReconfigure((options) => {
        const next = build(checkModuleDefaults(options));
        return () => {
          current = next;
        };
      });
      // Each request reads `current` once, so one route table decides it from start to end.
      installCorsHook(adapter, (request, response, next) => current(request, response, next));
    }
    installedAdapters.add(adapter);
  }

  onModuleDestroy(): void {
    this.unfollow?.();
  }
}

/** The platform of an adapter that `configure()` did not prepare. */
function createPlatform(adapter: AbstractHttpAdapter): Platform<never, never> {
  const type = adapter.getType();
  if (type === 'express') return createExpressPlatform(adapter) as Platform<never, never>;
  if (type === 'fastify') {
    throw new Error(
      '@cors/nestjs did not see the Fastify routes being registered; import CorsModule.forRoot() in the application module',
    );
  }
  throw new Error(
    `@cors/nestjs works with @nestjs/platform-express and @nestjs/platform-fastify, not the "${type}" adapter`,
  );
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
    if (!platforms.has(adapter)) {
      platforms.set(adapter, createFastifyPlatform(adapter) as Platform<never, never>);
    }
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
   * The module defaults built with injected providers, e.g. an allowlist from `ConfigService`:
   * by a factory (`useFactory` with `inject`), or by the `createCorsOptions()` of a class this
   * module instantiates (`useClass`) or of a provider an imported module exports
   * (`useExisting`). Invalid options throw `CorsConfigError` when the app starts.
   *
   * @example
   * CorsModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ origin: config.getOrThrow<string>('CORS_ORIGINS').split(',') }),
   * })
   * // or: CorsModule.forRootAsync({ imports: [ConfigModule], useClass: CorsConfig })
   */
  static forRootAsync<Request = unknown>(options: CorsModuleAsyncOptions<Request>): DynamicModule {
    const { useFactory, useClass, useExisting } = options;
    const given = [useFactory, useClass, useExisting].filter((use) => use !== undefined);
    if (given.length !== 1) {
      throw new CorsConfigError([
        {
          option: 'forRootAsync',
          value: given.length,
          message: `CorsModule.forRootAsync() was given ${given.length} of useFactory, useClass and useExisting`,
          hint: 'give exactly one',
        },
      ]);
    }
    const providers: Provider[] = [CorsInstaller];
    // Nest's convention for `useClass`: this module provides the class under its own token.
    if (useClass !== undefined) providers.push(useClass);
    const optionsProvider: FactoryProvider =
      useFactory === undefined
        ? {
            provide: CORS_MODULE_OPTIONS,
            useFactory: async (factory: CorsOptionsFactory<Request>) =>
              checkSource(await factory.createCorsOptions()),
            inject: [useClass ?? (useExisting as NonNullable<typeof useExisting>)],
          }
        : {
            provide: CORS_MODULE_OPTIONS,
            useFactory: async (...args: never[]) => checkSource(await useFactory(...args)),
            inject: options.inject ?? [],
          };
    return {
      module: CorsModule,
      imports: options.imports ?? [],
      providers: [optionsProvider, ...providers],
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
