import type { CorsDecision, CorsPolicy } from '@cors/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteEntry, RoutePolicies } from '../route-policies.js';

/** Hands a request on: with nothing to go on, or with an error for Nest's exception handling. */
export type Next = (error?: unknown) => void;

/**
 * What the CORS hook needs from one Nest HTTP platform (`platforms/express.ts`,
 * `platforms/fastify.ts`): its routing (to know which handler will serve a request) and its
 * request and response objects. `Native` is the request the hook gets, which is also what an
 * `origin` function and `onDecision` receive (`@Req()`).
 */
export interface Platform<Native, Response> {
  /** The path as the platform registers a route Nest gives it (`adapter.normalizePath`). */
  normalizePath(path: string): string;
  /**
   * Reads the platform's routing options and builds, for `table`, the selector that matches
   * requests as the platform routes them.
   */
  match<Request>(table: RoutePolicies<Request>): RouteSelector<Request, Native>;
  /** The request's method, URL and headers (Node lowercases header names). */
  method(request: Native): string;
  url(request: Native): string;
  headers(request: Native): IncomingHttpHeaders;
  /** Sets the decision's headers, then ends an answered or refused preflight, or calls `next()`. */
  apply(response: Response, next: Next, decision: CorsDecision): void;
  /**
   * The `origin` function threw or rejected: no grant, `vary` merged into the response's Vary
   * (and kept there when the head is written), and the error goes to `next(error)`.
   */
  fail(response: Response, next: Next, error: unknown, vary: readonly string[]): void;
}

/** The policy a preflight gets, or that its route cannot be told (`ambiguous`). */
export type PreflightRoute<Request> =
  | { readonly ambiguous: false; readonly policy: CorsPolicy<Request> | undefined }
  | { readonly ambiguous: true };

/**
 * Picks the policy for a request: the policy of the handler the platform will run, or none
 * where that cannot be known (never a neighbour route's).
 */
export interface RouteSelector<Request, Native> {
  /**
   * The policy of the route that will serve the actual request a preflight asks about
   * (`requestMethod` on the same URL). A preflight does not carry the actual request's version
   * header (or other constraint values), so when routes that could serve it have different
   * policies, nobody can tell which one will: `ambiguous` (SPEC: never guess). No route: the
   * module policy.
   */
  forPreflight(requestMethod: string, url: string, request: Native): PreflightRoute<Request>;
  /**
   * The policy of the route that serves this request; the module policy when no route does
   * (not found, or a custom version extractor threw: the platform answers with that error);
   * `undefined` (no grant) when its route cannot be told.
   */
  forRequest(method: string, url: string, request: Native): CorsPolicy<Request> | undefined;
}

/** Every route has the module policy: nothing to match (the common `forRoot()`-only app). */
export function isUniform(table: RoutePolicies<unknown>): boolean {
  return table.routes.every((route) => route.policy === table.fallback);
}

const AMBIGUOUS = { ambiguous: true } as const;

/** One policy among the possible routes answers; several: ambiguous; none: the module's. */
export function settle<Request>(
  policies: ReadonlySet<CorsPolicy<Request> | undefined>,
  fallback: CorsPolicy<Request> | undefined,
): PreflightRoute<Request> {
  if (policies.size > 1) return AMBIGUOUS;
  const [policy] = policies;
  return { ambiguous: false, policy: policies.size === 0 ? fallback : policy };
}

/** Nest's host filter (`@Controller({ host })`) on the request's host name. */
export function servesHost<Native>(
  route: RouteEntry<unknown>,
  hostname: (request: Native) => string,
  request: Native,
): boolean {
  if (route.hosts === undefined) return true;
  const name = hostname(request) || '';
  return route.hosts.some((host) => name.match(host) !== null);
}
