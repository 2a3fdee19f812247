import {
  CorsConfigError,
  createCorsPolicy,
  mergeCorsOptions,
  type CorsConfigIssue,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';
import {
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type VersioningOptions,
} from '@nestjs/common';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import {
  HOST_METADATA,
  METHOD_METADATA,
  MODULE_PATH,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants.js';
import { addLeadingSlash } from '@nestjs/common/utils/shared.utils.js';
import { MetadataScanner, type ApplicationConfig, type ModulesContainer } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';
import type { AllowOriginDeclaration } from './allow-origin.decorator.js';
import { ALLOW_ORIGIN_METADATA, DISABLE_CORS_METADATA } from './constants.js';

/** One route as the platform registers it, with the CORS policy of its handler. */
export interface RouteEntry<Request> {
  /** `GET`, `DELETE`, … or `ALL` for `@All()`. */
  readonly method: string;
  /** The full path as registered: global prefix, module, controller and handler paths, URI version. */
  readonly path: string;
  /** `@Controller({ host })`: the route serves only requests for these host names. */
  readonly hosts: readonly RegExp[] | undefined;
  /** Header, media-type or custom versioning: the route serves only requests of this version. */
  readonly version: VersionValue | undefined;
  /**
   * The constraints Nest gives the route on Fastify: `@RouteConstraints()` and the version (as
   * FastifyAdapter registers them); Express ignores them.
   */
  readonly constraints?: Readonly<Record<string, unknown>> | undefined;
  /** The handler's policy; `undefined` means no grant (`@DisableCors()`, or no policy applies). */
  readonly policy: CorsPolicy<Request> | undefined;
}

/** Every route of the app with its policy, built once at bootstrap. */
export interface RoutePolicies<Request> {
  /** In the order Nest registers them, which is the order Express tries them. */
  readonly routes: readonly RouteEntry<Request>[];
  /** The module policy, for requests that match no route (`undefined`: no grant). */
  readonly fallback: CorsPolicy<Request> | undefined;
  /** The app's versioning (`app.enableVersioning()`), to pick among versioned routes. */
  readonly versioning: VersioningOptions | undefined;
}

/** Where the routes come from: Nest's modules and the app's prefix and versioning settings. */
export interface RouteSources {
  readonly modules: ModulesContainer;
  readonly config: ApplicationConfig;
  /** The platform's spelling of a path (Express turns a legacy `*` into `{*path}`). */
  readonly normalizePath: (path: string) => string;
}

type Declaration =
  | { readonly kind: 'allow'; readonly declaration: AllowOriginDeclaration }
  | { readonly kind: 'disable' };

/**
 * Validates the module defaults at once, so that `CorsModule.forRoot()` throws
 * `CorsConfigError` where it is called. Defaults without an `origin` name no policy of their
 * own (SPEC), so everything else in them is checked against an origin list that allows nothing;
 * whether they combine with a decorator's origin is checked at bootstrap.
 */
export function checkModuleDefaults<Request>(
  options: CorsOptions<Request> | undefined,
): CorsOptions<Request> {
  // From here on only this copy is read: own properties with known names (issue 18).
  const defaults = mergeCorsOptionsAt<Request>('CorsModule defaults', [options]);
  createCorsPolicy(defaults.origin === undefined ? { ...defaults, origin: [] } : defaults);
  return defaults;
}

/**
 * Builds the route table: every handler's path(s) exactly as Nest registers them (it reuses
 * Nest's own `RoutePathFactory`), each with its merged policy. Each distinct set of options is
 * compiled once. Throws one `CorsConfigError` listing every bad declaration.
 */
export function buildRoutePolicies<Request>(
  sources: RouteSources,
  defaults: CorsOptions<Request>,
): RoutePolicies<Request> {
  const issues: CorsConfigIssue[] = [];
  const compiler = new PolicyCompiler<Request>(issues);
  const versioning = sources.config.getVersioning();
  const fallback =
    defaults.origin === undefined ? undefined : compiler.compile(defaults, 'CorsModule defaults');
  // Read once per class and per handler (a handler may have several paths), so that each
  // conflicting declaration is reported once.
  const declarations = new Map<object, Declaration | undefined>();
  const declarationOf = (
    target: object,
    read: () => Declaration | undefined,
  ): Declaration | undefined => {
    if (!declarations.has(target)) declarations.set(target, read());
    return declarations.get(target);
  };

  const routes = collectRoutes(sources).map((route): RouteEntry<Request> => {
    const controller = declarationOf(route.controller, () =>
      readControllerDeclaration(route.controller, issues),
    );
    const handler = declarationOf(route.handlerFunction, () =>
      readDeclaration(route.handlerFunction, route.handler, issues),
    );
    const options = resolveRouteOptions(defaults, controller, handler);
    return {
      method: route.method,
      path: route.path,
      hosts: route.hosts,
      version: route.version,
      constraints: route.constraints,
      policy: options === undefined ? undefined : compiler.compile(options, route.handler),
    };
  });
  if (issues.length > 0) throw new CorsConfigError(issues);
  return { routes, fallback, versioning };
}

/**
 * The options of one route. The most specific declaration wins (SPEC): a handler's decorator,
 * else its controller's, else the module defaults. `@AllowOrigin()` options are merged option by
 * option over the controller's and the module's; `undefined` means no grant.
 */
function resolveRouteOptions<Request>(
  defaults: CorsOptions<Request>,
  controller: Declaration | undefined,
  handler: Declaration | undefined,
): CorsOptions<Request> | undefined {
  if (handler?.kind === 'disable') return undefined;
  if (handler?.kind === 'allow') {
    // A handler's @AllowOrigin() overrides its controller's @DisableCors(): nothing is inherited then.
    const inherited = controller?.kind === 'allow' ? [controller.declaration] : [];
    return mergeDeclarations(defaults, [...inherited, handler.declaration]);
  }
  if (controller?.kind === 'disable') return undefined;
  if (controller?.kind === 'allow') return mergeDeclarations(defaults, [controller.declaration]);
  // SPEC: defaults that name an origin give every route their policy; otherwise only decorated
  // routes answer cross-origin requests.
  return defaults.origin === undefined ? undefined : defaults;
}

function mergeDeclarations<Request>(
  defaults: CorsOptions<Request>,
  declarations: readonly AllowOriginDeclaration[],
): CorsOptions<Request> {
  // Each declaration was read with `mergeCorsOptionsAt` already, so this cannot throw.
  const layers = declarations.map(({ options }) => options as CorsOptions<Request>);
  const merged = mergeCorsOptions<Request>(defaults, ...layers);
  for (const { origin } of declarations) {
    if (origin !== undefined) merged.origin = origin as CorsOptions<Request>['origin'];
  }
  // No origin anywhere: the core's default, '*' (SPEC: "With no arguments … or '*'").
  return merged;
}

/**
 * `mergeCorsOptions` (own enumerable properties only, known names only, no prototype), with each
 * problem it reports prefixed by where the options were declared, so one `CorsConfigError`
 * can name every bad declaration of the app.
 */
function mergeCorsOptionsAt<Request>(
  where: string,
  layers: readonly (object | undefined)[],
  issues?: CorsConfigIssue[],
): CorsOptions<Request> {
  try {
    return mergeCorsOptions<Request>(...(layers as (CorsOptions<Request> | undefined)[]));
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    const located = error.issues.map((issue) => ({
      ...issue,
      message: `${where}: ${issue.message}`,
    }));
    if (issues === undefined) throw new CorsConfigError(located);
    issues.push(...located);
    return mergeCorsOptions<Request>();
  }
}

function readDeclaration(
  target: object,
  where: string,
  issues: CorsConfigIssue[],
): Declaration | undefined {
  const allow = Reflect.getOwnMetadata(ALLOW_ORIGIN_METADATA, target) as
    | AllowOriginDeclaration
    | undefined;
  const disabled = Reflect.getOwnMetadata(DISABLE_CORS_METADATA, target) === true;
  if (allow !== undefined && disabled) {
    issues.push({
      option: '@DisableCors',
      value: where,
      message: `${where} has both @AllowOrigin() and @DisableCors()`,
      hint: 'keep the one you mean',
    });
  }
  if (allow !== undefined) {
    // Only the options as read (own, known names) are merged later, so that cannot throw.
    const options = mergeCorsOptionsAt<never>(where, [allow.options], issues);
    return { kind: 'allow', declaration: { origin: allow.origin, options } };
  }
  return disabled ? { kind: 'disable' } : undefined;
}

/** A controller's own declaration, else the nearest one up its class chain (inherited). */
function readControllerDeclaration(
  controller: object,
  issues: CorsConfigIssue[],
): Declaration | undefined {
  for (
    let type: unknown = controller;
    typeof type === 'function' && type !== Function.prototype;

  ) {
    const declaration = readDeclaration(type, type.name || 'a controller', issues);
    if (declaration !== undefined) return declaration;
    type = Object.getPrototypeOf(type);
  }
  return undefined;
}

interface CollectedRoute {
  readonly method: string;
  readonly path: string;
  readonly hosts: readonly RegExp[] | undefined;
  readonly version: VersionValue | undefined;
  readonly constraints: Readonly<Record<string, unknown>> | undefined;
  readonly controller: object;
  readonly handlerFunction: object;
  readonly handler: string;
}

/**
 * Every route, in the order Nest's RoutesResolver and RouterExplorer register them: modules,
 * their controllers, each controller path, each handler, each handler path, each URI version.
 */
function collectRoutes(sources: RouteSources): CollectedRoute[] {
  const { modules, config, normalizePath } = sources;
  const pathFactory = new RoutePathFactory(config);
  const scanner = new MetadataScanner();
  const globalPrefix = addLeadingSlash(config.getGlobalPrefix());
  const versioning = config.getVersioning();
  const routes: CollectedRoute[] = [];

  for (const moduleRef of modules.values()) {
    const modulePath = (Reflect.getMetadata(
      MODULE_PATH + modules.applicationId,
      moduleRef.metatype,
    ) ?? Reflect.getMetadata(MODULE_PATH, moduleRef.metatype)) as string | undefined;
    for (const wrapper of moduleRef.controllers.values()) {
      const controller: unknown = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const controllerPaths = Reflect.getMetadata(PATH_METADATA, controller) as
        | string
        | string[]
        | undefined;
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
          const handlerFunction = prototype[methodName];
          if (typeof handlerFunction !== 'function') continue;
          const methodPaths = Reflect.getMetadata(PATH_METADATA, handlerFunction) as
            | string
            | string[]
            | undefined;
          if (methodPaths === undefined) continue;
          const requestMethod = Reflect.getMetadata(
            METHOD_METADATA,
            handlerFunction,
          ) as RequestMethod;
          const methodVersion = Reflect.getMetadata(VERSION_METADATA, handlerFunction) as
            | VersionValue
            | undefined;
          const version = versionFilter(methodVersion || controllerVersion, versioning);
          const constraints = fastifyConstraints(
            handlerFunction,
            methodVersion || controllerVersion,
            versioning,
          );
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
                constraints,
                controller,
                handlerFunction,
                handler: `${controller.name}.${methodName}`,
              });
            }
          }
        }
      }
    }
  }
  return routes;
}

/**
 * The version a route filters requests on, as Nest's version filter does: only header, media
 * type and custom versioning filter (URI versioning is in the path), and a route that is only
 * version-neutral serves every request.
 */
function versionFilter(
  version: VersionValue | undefined,
  versioning: VersioningOptions | undefined,
): VersionValue | undefined {
  if (!version || versioning === undefined || versioning.type === VersioningType.URI)
    return undefined;
  return version === VERSION_NEUTRAL ? undefined : version;
}

// `@RouteConstraints()` of @nestjs/platform-fastify (FASTIFY_ROUTE_CONSTRAINTS_METADATA), which
// is not a dependency of this package.
const FASTIFY_ROUTE_CONSTRAINTS = '__fastify_route_constraints__';

/**
 * The constraints FastifyAdapter.injectRouteOptions registers the route with: its
 * `@RouteConstraints()`, and the version when header, media-type or custom versioning filters
 * on one (a version that is only VERSION_NEUTRAL does not).
 */
function fastifyConstraints(
  handler: object,
  version: VersionValue | undefined,
  versioning: VersioningOptions | undefined,
): Readonly<Record<string, unknown>> | undefined {
  const declared = Reflect.getMetadata(FASTIFY_ROUTE_CONSTRAINTS, handler) as
    | Record<string, unknown>
    | undefined;
  const versioned =
    Boolean(version) &&
    version !== VERSION_NEUTRAL &&
    versioning !== undefined &&
    versioning.type !== VersioningType.URI;
  if (declared === undefined && !versioned) return undefined;
  return versioned ? { ...declared, version } : { ...declared };
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

/** Compiles each distinct set of options once; records the problems of the bad ones. */
class PolicyCompiler<Request> {
  private readonly policies = new Map<string, CorsPolicy<Request> | undefined>();
  private readonly identities = new Map<unknown, number>();

  constructor(private readonly issues: CorsConfigIssue[]) {}

  compile(options: CorsOptions<Request>, where: string): CorsPolicy<Request> | undefined {
    const key = this.keyOf(options);
    if (this.policies.has(key)) return this.policies.get(key);
    let policy: CorsPolicy<Request> | undefined;
    try {
      policy = createCorsPolicy(options);
    } catch (error) {
      if (!(error instanceof CorsConfigError)) throw error;
      // Reported once per distinct set of options, naming the first route that has it.
      for (const issue of error.issues)
        this.issues.push({ ...issue, message: `${where}: ${issue.message}` });
    }
    this.policies.set(key, policy);
    return policy;
  }

  /** Equal options give equal keys: functions and other objects by identity, RegExps by source. */
  private keyOf(value: unknown): string {
    if (value === undefined) return 'undefined';
    if (value === null || typeof value === 'boolean' || typeof value === 'number')
      return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
    if (value instanceof RegExp) return `regexp:${String(value)}`;
    if (Array.isArray(value)) return `[${value.map((entry) => this.keyOf(entry)).join(',')}]`;
    const prototype: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (prototype === Object.prototype || prototype === null) {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([name, entry]) => `${JSON.stringify(name)}:${this.keyOf(entry)}`).join(',')}}`;
    }
    let identity = this.identities.get(value);
    if (identity === undefined) {
      identity = this.identities.size;
      this.identities.set(value, identity);
    }
    return `ref:${identity}`;
  }
}
