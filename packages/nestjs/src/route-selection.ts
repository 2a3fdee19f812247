import type { CorsPolicy } from '@cors/core';
import { VERSION_NEUTRAL, VersioningType, type VersioningOptions } from '@nestjs/common';
import type { VersionValue } from '@nestjs/common/interfaces/version-options.interface.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteMatcher } from './route-matchers.js';
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
}

const AMBIGUOUS = { ambiguous: true } as const;

/**
 * Picks the policy for a request from the route table (the selection logic; which path matches
 * is the platform matcher's job). STYLE lists no file for this; it is apart from the middleware
 * so that the middleware only reads requests and writes responses.
 */
export class RouteSelector<Request> {
  /** Every route has the module policy: nothing to match (the common `forRoot()`-only app). */
  private readonly uniform: boolean;

  constructor(
    private readonly matcher: RouteMatcher<Request>,
    private readonly table: RoutePolicies<Request>,
  ) {
    this.uniform = table.routes.every((route) => route.policy === table.fallback);
  }

  /**
   * The policy of the route that will serve the actual request a preflight asks about
   * (`requestMethod` on the same URL). A preflight carries no version header, so when routes of
   * several versions could serve it and their policies differ, nobody can tell which one will:
   * `ambiguous` (SPEC: never guess). No route: the module policy.
   */
  forPreflight(
    requestMethod: string,
    url: string,
    request: FilteredRequest,
  ): PreflightRoute<Request> {
    if (this.uniform) return { ambiguous: false, policy: this.table.fallback };
    let found = false;
    let policy: CorsPolicy<Request> | undefined;
    for (const route of this.matcher.match(requestMethod, url)) {
      // The preflight carries the Host of the actual request, so host filters can be applied.
      if (!servesHost(route, request)) continue;
      if (!found) {
        found = true;
        policy = route.policy;
      } else if (route.policy !== policy) {
        return AMBIGUOUS;
      }
      // A route without a version filter serves whatever reaches it: later ones never run.
      if (route.version === undefined) break;
    }
    return { ambiguous: false, policy: found ? policy : this.table.fallback };
  }

  /** The policy of the route that serves this request (version filters applied); else the module's. */
  forRequest(
    method: string,
    url: string,
    request: FilteredRequest,
  ): CorsPolicy<Request> | undefined {
    if (this.uniform) return this.table.fallback;
    for (const route of this.matcher.match(method, url)) {
      if (!servesHost(route, request)) continue;
      if (
        route.version === undefined ||
        acceptsVersion(route.version, this.table.versioning, request)
      ) {
        return route.policy;
      }
    }
    return this.table.fallback;
  }
}

function servesHost(route: RouteEntry<unknown>, request: FilteredRequest): boolean {
  if (route.hosts === undefined) return true;
  const hostname = request.hostname();
  return route.hosts.some((host) => hostname.match(host) !== null);
}

/**
 * Whether a route of `version` serves the request, as Nest's version filter decides it
 * (ExpressAdapter.applyVersionFilter; Fastify's version constraint agrees for these cases).
 */
export function acceptsVersion(
  version: VersionValue,
  versioning: VersioningOptions | undefined,
  request: FilteredRequest,
): boolean {
  const versions = Array.isArray(version) ? version : [version];
  switch (versioning?.type) {
    case VersioningType.HEADER: {
      const requested = firstHeader(request.headers[versioning.header.toLowerCase()]) || undefined;
      // No version asked for: only a route that is also version-neutral serves it.
      return requested === undefined
        ? versions.includes(VERSION_NEUTRAL)
        : versions.includes(requested);
    }
    case VersioningType.MEDIA_TYPE: {
      const parameter = firstHeader(request.headers.accept)?.split(';')[1];
      if (parameter === undefined) return versions.includes(VERSION_NEUTRAL);
      const requested = parameter.split(versioning.key)[1];
      return requested !== undefined && versions.includes(requested);
    }
    case VersioningType.CUSTOM: {
      let requested: string | string[];
      try {
        requested = versioning.extractor(request.versionRequest);
      } catch {
        // Nest answers such a request with an error, not with this route.
        return false;
      }
      const list = Array.isArray(requested) ? requested : [requested];
      return list.some((entry) => versions.includes(entry));
    }
    default:
      return true;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
