import type { CorsPolicy } from '@cors/core';
import { VERSION_NEUTRAL, VersioningType, type VersioningOptions } from '@nestjs/common';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteMatcher, ServedRoute } from './route-matchers.js';
import type { RouteEntry, RoutePolicies } from './route-policies.js';

/** The policy a preflight gets, or that its route cannot be told (`ambiguous`). */
export type PreflightRoute<Request> =
  | { readonly ambiguous: false; readonly policy: CorsPolicy<Request> | undefined }
  | { readonly ambiguous: true };

/** What a route's host and version filters read from a request. */
export interface FilteredRequest {
  /** The request's host name, as Nest's host filter reads it (`httpAdapter.getRequestHostname`). */
  readonly hostname: () => string;
  readonly headers: IncomingHttpHeaders;
  /** What a custom version extractor receives on this platform. */
  readonly versionRequest: unknown;
  /** The platform's request (on Fastify, the route it matched is read from it). */
  readonly request: unknown;
}

/**
 * Picks the policy for a request: the policy of the handler the platform will run, or none
 * where that cannot be known (never a neighbour route's). STYLE lists no file for this; it is
 * apart from the middleware so that the middleware only reads requests and writes responses.
 */
export interface RouteSelector<Request> {
  /**
   * The policy of the route that will serve the actual request a preflight asks about
   * (`requestMethod` on the same URL). A preflight does not carry the actual request's version
   * header (or other constraint values), so when routes that could serve it have different
   * policies, nobody can tell which one will: `ambiguous` (SPEC: never guess). No route: the
   * module policy.
   */
  forPreflight(
    requestMethod: string,
    url: string,
    request: FilteredRequest,
  ): PreflightRoute<Request>;
  /**
   * The policy of the route that serves this request; the module policy when no route does
   * (not found, or a custom version extractor threw: the platform answers with that error);
   * `undefined` (no grant) when its route cannot be told.
   */
  forRequest(
    method: string,
    url: string,
    request: FilteredRequest,
  ): CorsPolicy<Request> | undefined;
}

const AMBIGUOUS = { ambiguous: true } as const;

/**
 * Express: routes are tried in registration order; Nest's version and host filters pass a
 * request on to the next route (ExpressAdapter.applyVersionFilter, RouterExplorer.applyHostFilter),
 * and are applied here exactly as they are there.
 */
export function createExpressRouteSelector<Request>(
  matcher: RouteMatcher<Request>,
  table: RoutePolicies<Request>,
): RouteSelector<Request> {
  const uniform = isUniform(table);
  const { fallback, versioning } = table;
  return {
    forPreflight(requestMethod, url, request) {
      if (uniform) return { ambiguous: false, policy: fallback };
      const policies = new Set<CorsPolicy<Request> | undefined>();
      for (const route of matcher.match(requestMethod, url)) {
        // The preflight carries the Host of the actual request, so host filters can be applied.
        if (!servesHost(route, request)) continue;
        policies.add(route.policy);
        // A route without a version filter serves whatever reaches it: later ones never run.
        if (route.version === undefined) break;
      }
      return settle(policies, fallback);
    },
    forRequest(method, url, request) {
      if (uniform) return fallback;
      for (const route of matcher.match(method, url)) {
        // Nest wraps the host filter in the version filter: the version is checked first.
        if (route.version !== undefined && versioning !== undefined) {
          const accepted = expressAcceptsVersion(route.version, versioning, request);
          // The extractor threw: Express answers with that error, no route runs.
          if (accepted === undefined) return fallback;
          if (!accepted) continue;
        }
        if (servesHost(route, request)) return route.policy;
      }
      return fallback;
    },
  };
}

/**
 * Fastify: for an actual request, Fastify has already routed it when the hook runs, and the
 * route it matched (with its version and `@RouteConstraints()` constraints) is read back from
 * the request (`served`). For a preflight, the routes of that method and path whose
 * constraints could hold for the actual request: the `host` constraint is checked against the
 * preflight's Host; any other constraint (the version) could hold.
 */
export function createFastifyRouteSelector<Request>(
  matcher: RouteMatcher<Request>,
  table: RoutePolicies<Request>,
  served: ServedRoute,
): RouteSelector<Request> {
  const uniform = isUniform(table);
  const { fallback, versioning } = table;
  return {
    forPreflight(requestMethod, url, request) {
      if (uniform) return { ambiguous: false, policy: fallback };
      const policies = new Set<CorsPolicy<Request> | undefined>();
      for (const route of possibleFastifyRoutes(matcher.match(requestMethod, url), request)) {
        // Nest's host filter answers 404 on Fastify for another host: that route serves nothing.
        if (servesHost(route, request)) policies.add(route.policy);
      }
      return settle(policies, fallback);
    },
    forRequest(_method, _url, request) {
      if (uniform) return fallback;
      // Fastify called the extractor while routing; if it threw, the request is answered with
      // that error (FastifyAdapter), by no route.
      if (versioning?.type === VersioningType.CUSTOM && extractorThrows(versioning, request)) {
        return fallback;
      }
      const entry = served(request.request);
      // Not found, or a route Nest did not register (added to the Fastify instance directly).
      if (entry === undefined) return fallback;
      // A route this table cannot tell apart from another with a different policy.
      if (entry === null) return undefined;
      const route = entry as RouteEntry<Request>;
      return servesHost(route, request) ? route.policy : fallback;
    },
  };
}

/**
 * The routes of one method and path that could serve the actual request of a preflight, as
 * find-my-way picks among constrained routes: of the routes whose constraints all match, the one
 * with the most constraints, the later one among equals. A route whose only constraint is a
 * matching `host` (or that has none) surely matches; the routes it beats can never serve.
 */
function possibleFastifyRoutes<Request>(
  group: readonly RouteEntry<Request>[],
  request: FilteredRequest,
): RouteEntry<Request>[] {
  if (group.length <= 1) return group.filter((route) => hostConstraintHolds(route, request));
  const possible: { route: RouteEntry<Request>; weight: number; index: number }[] = [];
  let sure: { weight: number; index: number } | undefined;
  group.forEach((route, index) => {
    if (!hostConstraintHolds(route, request)) return;
    const names = route.constraints === undefined ? [] : Object.keys(route.constraints);
    const weight = names.length;
    possible.push({ route, weight, index });
    const known = names.every((name) => name === 'host');
    if (known && (sure === undefined || weight >= sure.weight)) sure = { weight, index };
  });
  return possible
    .filter(
      ({ weight, index }) =>
        sure === undefined ||
        weight > sure.weight ||
        (weight === sure.weight && index >= sure.index),
    )
    .map(({ route }) => route);
}

/** find-my-way's host constraint: the Host header equals the string, or the RegExp matches it. */
function hostConstraintHolds(route: RouteEntry<unknown>, request: FilteredRequest): boolean {
  const constraint = route.constraints?.host;
  if (constraint === undefined) return true;
  // As find-my-way derives it (`:authority` over HTTP/2).
  const host = firstHeader(request.headers.host) || firstHeader(request.headers[':authority']);
  if (host === undefined) return false;
  if (constraint instanceof RegExp) {
    return new RegExp(constraint.source, constraint.flags.replace(/[gy]/g, '')).test(host);
  }
  return constraint === host;
}

function extractorThrows(
  versioning: Extract<VersioningOptions, { type: VersioningType.CUSTOM }>,
  request: FilteredRequest,
): boolean {
  try {
    versioning.extractor(request.versionRequest);
    return false;
  } catch {
    return true;
  }
}

/** Every route has the module policy: nothing to match (the common `forRoot()`-only app). */
function isUniform(table: RoutePolicies<unknown>): boolean {
  return table.routes.every((route) => route.policy === table.fallback);
}

/** One policy among the possible routes answers; several: ambiguous; none: the module's. */
function settle<Request>(
  policies: ReadonlySet<CorsPolicy<Request> | undefined>,
  fallback: CorsPolicy<Request> | undefined,
): PreflightRoute<Request> {
  if (policies.size > 1) return AMBIGUOUS;
  const [policy] = policies;
  return { ambiguous: false, policy: policies.size === 0 ? fallback : policy };
}

function servesHost(route: RouteEntry<unknown>, request: FilteredRequest): boolean {
  if (route.hosts === undefined) return true;
  const hostname = request.hostname() || '';
  return route.hosts.some((host) => hostname.match(host) !== null);
}

/**
 * Whether a route of `version` serves the request on Express, exactly as Nest's
 * ExpressAdapter.applyVersionFilter decides it; `undefined` if the custom extractor throws.
 * (An empty header is a version there, `''`, except for media types, where an empty Accept
 * has no version parameter.)
 */
export function expressAcceptsVersion(
  version: VersionValue,
  versioning: VersioningOptions,
  request: FilteredRequest,
): boolean | undefined {
  const { headers } = request;
  switch (versioning.type) {
    case VersioningType.CUSTOM: {
      let extracted: unknown;
      try {
        extracted = versioning.extractor(request.versionRequest);
      } catch {
        return undefined;
      }
      if (Array.isArray(version)) {
        if (Array.isArray(extracted)) return version.some((entry) => extracted.includes(entry));
        return typeof extracted === 'string' && version.includes(extracted);
      }
      if (typeof version !== 'string') return false;
      if (Array.isArray(extracted)) return extracted.includes(version);
      return typeof extracted === 'string' && version === extracted;
    }
    case VersioningType.MEDIA_TYPE: {
      const accept = headers.accept;
      const parameter = accept ? accept.split(';')[1] : undefined;
      if (parameter === undefined) {
        return Array.isArray(version) && version.includes(VERSION_NEUTRAL);
      }
      return matchesVersion(version, parameter.split(versioning.key)[1]);
    }
    case VersioningType.HEADER: {
      // Node lowercases incoming header names; Nest reads the name as configured, then lowercased.
      const value = headers[versioning.header] || headers[versioning.header.toLowerCase()];
      if (value === undefined) return Array.isArray(version) && version.includes(VERSION_NEUTRAL);
      return matchesVersion(version, value);
    }
    default:
      return true;
  }
}

function matchesVersion(version: VersionValue, requested: unknown): boolean {
  if (Array.isArray(version)) return version.includes(requested as string);
  return typeof version === 'string' && version === requested;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
