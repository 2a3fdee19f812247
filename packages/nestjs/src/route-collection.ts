// Every route of the app, read from Nest's metadata as Nest registers it. This is the only file
// that reads Nest internals (deep imports, the container's ApplicationConfig), which is why the
// peer range is the range the tests run on (README, "Limits").
import {
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type VersioningOptions,
} from '@nestjs/common';
import {
  HOST_METADATA,
  METHOD_METADATA,
  MODULE_PATH,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants.js';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import { addLeadingSlash } from '@nestjs/common/utils/shared.utils.js';
import {
  MetadataScanner,
  type ApplicationConfig,
  type ModuleRef,
  type ModulesContainer,
} from '@nestjs/core';
import { LegacyRouteConverter } from '@nestjs/core/router/legacy-route-converter.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';

export type { VersionValue };

/** One route as the platform registers it. */
export interface CollectedRoute {
  /** `GET`, `DELETE`, … or `ALL` for `@All()`. */
  readonly method: string;
  /** The full path as registered: global prefix, module, controller and handler paths, URI version. */
  readonly path: string;
  /** `@Controller({ host })`: the route serves only requests for these host names. */
  readonly hosts: readonly RegExp[] | undefined;
  /**
   * Header, media-type or custom versioning: the route serves only requests of this version
   * (a route that is only `VERSION_NEUTRAL`, or URI versioning, filters on none).
   */
  readonly version: VersionValue | undefined;
  /** The controller class, whose `@AllowOrigin()` / `@DisableCors()` the route inherits. */
  readonly controller: object;
  /** The handler method (its decorators, and `@RouteConstraints()` on Fastify). */
  readonly handler: object;
  /** `UsersController.remove`, for error messages. */
  readonly name: string;
}

/** The routes in the order Nest registers them (the order Express tries them), and the versioning. */
export interface CollectedRoutes {
  readonly routes: readonly CollectedRoute[];
  /** The app's versioning (`app.enableVersioning()`). */
  readonly versioning: VersioningOptions | undefined;
}

/**
 * Every route, in the order Nest's RoutesResolver and RouterExplorer register them (modules,
 * their controllers, each controller path, each handler, each handler path, each URI version),
 * with the paths Nest's own `RoutePathFactory` makes, as `normalizePath` (the platform's) turns
 * them into the registered path.
 */
export function collectRoutes(
  modules: ModulesContainer,
  moduleRef: ModuleRef,
  normalizePath: (path: string) => string,
): CollectedRoutes {
  const config = readApplicationConfig(moduleRef);
  const pathFactory = new RoutePathFactory(config);
  const scanner = new MetadataScanner();
  const globalPrefix = addLeadingSlash(config.getGlobalPrefix());
  const versioning = config.getVersioning();
  const routes: CollectedRoute[] = [];

  for (const nestModule of modules.values()) {
    const modulePath = (Reflect.getMetadata(
      MODULE_PATH + modules.applicationId,
      nestModule.metatype,
    ) ?? Reflect.getMetadata(MODULE_PATH, nestModule.metatype)) as string | undefined;
    for (const wrapper of nestModule.controllers.values()) {
      const controller: unknown = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const controllerPaths = Reflect.getMetadata(PATH_METADATA, controller) as PathMetadata;
      if (controllerPaths === undefined) continue;
      const hosts = compileHosts(Reflect.getMetadata(HOST_METADATA, controller));
      const controllerVersion = versioning
        ? ((Reflect.getMetadata(VERSION_METADATA, controller) as VersionValue | undefined) ??
          versioning.defaultVersion)
        : undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      const methodNames = scanner.getAllMethodNames(prototype);

      for (const ctrlPath of toPaths(controllerPaths)) {
        for (const methodName of methodNames) {
          const handler = prototype[methodName];
          if (typeof handler !== 'function') continue;
          const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as PathMetadata;
          if (methodPaths === undefined) continue;
          const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
          const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler) as
            | VersionValue
            | undefined;
          const version = versionFilter(methodVersion || controllerVersion, versioning);
          for (const methodPath of toPaths(methodPaths)) {
            const paths = pathFactory.create(
              {
                ctrlPath,
                methodPath,
                modulePath,
                globalPrefix,
                controllerVersion,
                methodVersion,
                versioningOptions: versioning,
              },
              requestMethod,
            );
            for (const path of paths) {
              routes.push({
                method: RequestMethod[requestMethod],
                path: normalizePath(path),
                hosts,
                version,
                controller,
                handler,
                name: `${controller.name}.${methodName}`,
              });
            }
          }
        }
      }
    }
  }
  return { routes, versioning };
}

/** Nest's conversion of legacy wildcards (`*` → `{*path}`), as ExpressAdapter.normalizePath, without logging its warnings a second time. */
export function convertLegacyPath(path: string): string {
  return LegacyRouteConverter.tryConvert(path, { logs: false });
}

type PathMetadata = string | string[] | undefined;

/**
 * Nest keeps the global prefix and the versioning settings in the container's
 * ApplicationConfig, which it does not offer for injection (`ModuleRef` keeps the container).
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

/**
 * The version a route filters requests on, as Nest's version filter does: only header, media
 * type and custom versioning filter (URI versioning is in the path), and a route that is only
 * version-neutral serves every request. (FastifyAdapter constrains a route on the same version.)
 */
function versionFilter(
  version: VersionValue | undefined,
  versioning: VersioningOptions | undefined,
): VersionValue | undefined {
  if (!version || versioning === undefined || versioning.type === VersioningType.URI)
    return undefined;
  return version === VERSION_NEUTRAL ? undefined : version;
}

function toPaths(paths: string | string[]): string[] {
  return (Array.isArray(paths) ? paths : [paths]).map((path) => addLeadingSlash(path));
}

/** `@Controller({ host })` compiled as Nest's host filter compiles it. */
function compileHosts(host: unknown): RegExp[] | undefined {
  if (host === undefined) return undefined;
  const hosts = Array.isArray(host) ? (host as unknown[]) : [host];
  return hosts.map((entry) =>
    entry instanceof RegExp ? entry : pathToRegexp(String(entry)).regexp,
  );
}
