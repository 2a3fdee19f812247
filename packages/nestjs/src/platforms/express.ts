// @nestjs/platform-express (Express 5): the hook runs as the first Express middleware, before
// Express's router, which cannot be asked which route it will run; so routes are matched here
// as Express and Nest's filters will match them.
import { addVary, type CorsPolicy } from '@cors/core';
import { VERSION_NEUTRAL, VersioningType, type VersioningOptions } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { match as compilePath } from 'path-to-regexp';
import { convertLegacyPath, type VersionValue } from '../route-collection.js';
import type { RouteEntry, RoutePolicies } from '../route-policies.js';
import { servesHost, settle, type Platform, type RouteSelector } from './platform.js';

/** The Express router settings that change matching (`case sensitive routing`, `strict routing`). */
export interface ExpressRouting {
  readonly caseSensitive: boolean;
  readonly strict: boolean;
}

/** The parts of Nest's ExpressAdapter the platform reads. */
export type ExpressAdapterLike = Pick<AbstractHttpAdapter, 'getRequestHostname' | 'getInstance'>;

/** The Express platform of one Nest app. */
export function createExpressPlatform(
  adapter: ExpressAdapterLike,
): Platform<IncomingMessage, ServerResponse> {
  const hostname = (request: IncomingMessage): string => adapter.getRequestHostname(request);
  return {
    normalizePath: convertLegacyPath,
    match: (table) => selectExpressRoutes(table, readExpressRouting(adapter), hostname),
    method: (request) => request.method ?? '',
    url: (request) => request.url ?? '',
    headers: (request) => request.headers,
    apply(res, next, decision) {
      for (const name in decision.headers) res.setHeader(name, decision.headers[name] as string);
      if (decision.action === 'respond') {
        // An answered or refused preflight: its status and an empty body; nothing else runs.
        addVary(res, decision.vary, false);
        res.statusCode = decision.status;
        res.end();
        return;
      }
      // The route runs after this and may replace Vary (`@Header('Vary', …)`, `res.set`, a raw
      // `res.writeHead(status, [...])`): the names are merged back in when the head is written.
      addVary(res, decision.vary);
      next();
    },
    fail(res, next, error, vary) {
      addVary(res, vary);
      next(error);
    },
  };
}

function readExpressRouting(adapter: ExpressAdapterLike): ExpressRouting {
  // `getRouteMatchingOptions()` is recent; before it, the router's own settings.
  const matching = (
    adapter as {
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

/**
 * Matches as Express 5's router does: path-to-regexp 8, routes tried in registration order, the
 * first one that matches serves the request (so `@Get(':id')` declared before `@Get('me')`
 * takes `/users/me`). HEAD is served by a GET route, `@All()` by any method. Nest's version and
 * host filters pass a request on to the next route (ExpressAdapter.applyVersionFilter,
 * RouterExplorer.applyHostFilter), and are applied here exactly as they are there.
 */
export function selectExpressRoutes<Request>(
  table: RoutePolicies<Request>,
  routing: ExpressRouting,
  hostname: (request: IncomingMessage) => string,
): RouteSelector<Request, IncomingMessage> {
  const { fallback, versioning } = table;
  const layers = table.routes.map((route) => ({
    route,
    method: route.method.toLowerCase(),
    matches: compileExpressPath(route.path, routing),
  }));
  /** The routes of `method` whose path matches, up to the first that serves whatever reaches it. */
  const matchRoutes = (method: string, url: string): RouteEntry<Request>[] => {
    const path = expressPathname(url);
    if (path === undefined) return [];
    const name = method.toLowerCase();
    const found: RouteEntry<Request>[] = [];
    for (const layer of layers) {
      const handlesMethod =
        layer.method === 'all' ||
        layer.method === name ||
        (name === 'head' && layer.method === 'get');
      if (!handlesMethod || layer.matches(path) === false) continue;
      found.push(layer.route);
      // Express passes a request on to a later route only through a host or version filter.
      if (layer.route.hosts === undefined && layer.route.version === undefined) break;
    }
    return found;
  };
  return {
    forPreflight(requestMethod, url, request) {
      const policies = new Set<CorsPolicy<Request> | undefined>();
      for (const route of matchRoutes(requestMethod, url)) {
        // The preflight carries the Host of the actual request, so host filters can be applied.
        if (!servesHost(route, hostname, request)) continue;
        policies.add(route.policy);
        // A route without a version filter serves whatever reaches it: later ones never run.
        if (route.version === undefined) break;
      }
      return settle(policies, fallback);
    },
    forRequest(method, url, request) {
      for (const route of matchRoutes(method, url)) {
        // Nest wraps the host filter in the version filter: the version is checked first.
        if (route.version !== undefined && versioning !== undefined) {
          const accepted = acceptsVersion(route.version, versioning, request);
          // The extractor threw: Express answers with that error, no route runs.
          if (accepted === undefined) return fallback;
          if (!accepted) continue;
        }
        if (servesHost(route, hostname, request)) return route.policy;
      }
      return fallback;
    },
  };
}

function compileExpressPath(path: string, routing: ExpressRouting): (path: string) => unknown {
  // As Express 5's router layer: without strict routing a trailing slash is optional.
  const pattern = routing.strict || path === '/' ? path : path.replace(/\/+$/, '');
  return compilePath(pattern, {
    sensitive: routing.caseSensitive,
    end: true,
    trailing: !routing.strict,
    decode: false,
  });
}

/** The path Express routes on (`parseurl(req).pathname`): before `?` or `#`, not decoded. */
function expressPathname(url: string): string | undefined {
  if (url.charCodeAt(0) === 0x2f /* '/' */) {
    for (let index = 0; index < url.length; index++) {
      const code = url.charCodeAt(index);
      if (code === 0x3f /* '?' */ || code === 0x23 /* '#' */) return url.slice(0, index);
    }
    return url;
  }
  // An absolute-form request target (`GET http://host/path HTTP/1.1`).
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a route of `version` serves the request, exactly as Nest's
 * ExpressAdapter.applyVersionFilter decides it; `undefined` if the custom extractor throws.
 * (An empty header is a version there, `''`, except for media types, where an empty Accept
 * has no version parameter.)
 */
function acceptsVersion(
  version: VersionValue,
  versioning: VersioningOptions,
  request: IncomingMessage,
): boolean | undefined {
  const { headers } = request;
  switch (versioning.type) {
    case VersioningType.CUSTOM: {
      let extracted: unknown;
      try {
        extracted = versioning.extractor(request);
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
