import {
  CorsConfigError,
  createCorsPolicy,
  mergeCorsOptions,
  type CorsConfigIssue,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';
import type { VersioningOptions } from '@nestjs/common';
import type { AllowOriginDeclaration } from './allow-origin.decorator.js';
import { ALLOW_ORIGIN_METADATA, DISABLE_CORS_METADATA } from './constants.js';
import type { CollectedRoute, CollectedRoutes } from './route-collection.js';

/** One route with the CORS policy of its handler. */
export interface RouteEntry<Request> extends Omit<CollectedRoute, 'controller' | 'name'> {
  /** The handler's policy; `undefined` means no grant (`@DisableCors()`, or no policy applies). */
  readonly policy: CorsPolicy<Request> | undefined;
}

/** Every route of the app with its policy, built at bootstrap (and again on a reconfiguration). */
export interface RoutePolicies<Request> {
  /** In the order Nest registers them, which is the order Express tries them. */
  readonly routes: readonly RouteEntry<Request>[];
  /** The module policy, for requests that match no route (`undefined`: no grant). */
  readonly fallback: CorsPolicy<Request> | undefined;
  /** The app's versioning (`app.enableVersioning()`), to pick among versioned routes. */
  readonly versioning: VersioningOptions | undefined;
}

/** `@AllowOrigin()` or `@DisableCors()` on one class or method, as read (and checked) once. */
/** A class's or handler's `@AllowOrigin()` (its options read and checked) or `@DisableCors()`. */
export type Declaration =
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
 * Gives every route its merged, compiled policy. Policies are kept by the identity of the
 * declarations a route inherits (its controller's and its handler's), so the handlers of one
 * controller share one policy without comparing anything; a new combination of declarations
 * whose merged options equal an earlier one's shares that policy too (so that routes declared
 * alike are one policy to a preflight, not an ambiguity). Throws one `CorsConfigError` listing
 * every bad declaration.
 */
export function buildRoutePolicies<Request>(
  collected: CollectedRoutes,
  defaults: CorsOptions<Request>,
): RoutePolicies<Request> {
  const issues: CorsConfigIssue[] = [];
  const compiled: { options: CorsOptions<Request>; policy: CorsPolicy<Request> | undefined }[] = [];
  const compile = (options: CorsOptions<Request>, where: string) => {
    const known = compiled.find((entry) => sameRecord(entry.options, options));
    if (known !== undefined) return known.policy;
    let policy: CorsPolicy<Request> | undefined;
    try {
      policy = createCorsPolicy(options);
    } catch (error) {
      if (!(error instanceof CorsConfigError)) throw error;
      // Reported once per distinct set of options, naming the first route that has it.
      for (const issue of error.issues)
        issues.push({ ...issue, message: `${where}: ${issue.message}` });
    }
    compiled.push({ options, policy });
    return policy;
  };
  const fallback =
    defaults.origin === undefined ? undefined : compile(defaults, 'CorsModule defaults');

  // Read once per class and per handler (a handler may have several paths), so that each
  // conflicting declaration is reported once, and each is one object to key policies by.
  const declarations = new Map<object, Declaration | undefined>();
  const declarationOf = (target: object, read: () => Declaration | undefined) => {
    if (!declarations.has(target)) declarations.set(target, read());
    return declarations.get(target);
  };
  // By the controller's declaration, then the handler's (`null`: none inherited from there).
  const policies = new Map<
    Declaration | null,
    Map<Declaration | null, CorsPolicy<Request> | undefined>
  >();

  const routes = collected.routes.map(({ controller, name, ...route }): RouteEntry<Request> => {
    const controllerDeclaration = declarationOf(controller, () =>
      readControllerDeclaration(controller, issues),
    );
    const handlerDeclaration = declarationOf(route.handler, () =>
      readDeclaration(route.handler, name, issues),
    );
    // The most specific declaration wins (SPEC): the handler's, else the controller's, else the
    // module defaults, which give every route their policy only when they name an origin.
    if (handlerDeclaration?.kind === 'disable') return { ...route, policy: undefined };
    const inherited = controllerDeclaration?.kind === 'allow' ? controllerDeclaration : null;
    const own = handlerDeclaration ?? null;
    if (own === null && inherited === null) {
      // A controller's @DisableCors() (a handler's @AllowOrigin() overrides it, above).
      return { ...route, policy: controllerDeclaration === undefined ? fallback : undefined };
    }
    let byHandler = policies.get(inherited);
    if (byHandler === undefined) policies.set(inherited, (byHandler = new Map()));
    if (!byHandler.has(own)) {
      const chain = [inherited, own].flatMap((entry) =>
        entry?.kind === 'allow' ? [entry.declaration] : [],
      );
      byHandler.set(own, compile(mergeDeclarations(defaults, chain), name));
    }
    return { ...route, policy: byHandler.get(own) };
  });
  if (issues.length > 0) throw new CorsConfigError(issues);
  return { routes, fallback, versioning: collected.versioning };
}

/**
 * `@AllowOrigin()` options merged option by option over the defaults, outermost first; the
 * innermost declared origin wins. No origin anywhere: the core's default, '*' (SPEC).
 */
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

/**
 * A class's own declaration, else the nearest one up its class chain (inherited): controllers
 * here, and WebSocket gateways (`ws/gateway-policies.ts`).
 */
export function readControllerDeclaration(
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

/**
 * Whether two records (merged options, Fastify route constraints) hold the same values: RegExps
 * by source and flags, arrays entry by entry, everything else (functions) by identity.
 */
export function sameRecord(a: object, b: object): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every(
    (name) =>
      Object.hasOwn(b, name) &&
      sameValue((a as Record<string, unknown>)[name], (b as Record<string, unknown>)[name]),
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((entry, index) => sameValue(entry, b[index]));
  }
  return false;
}
