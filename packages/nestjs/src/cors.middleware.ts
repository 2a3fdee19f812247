import {
  classifyRequest,
  explainRefusal,
  isPromiseLike,
  mergeVary,
  ORIGIN,
  refusePreflight,
  REQUEST_HEADERS,
  REQUEST_METHOD,
  REQUEST_PRIVATE_NETWORK,
  VARY,
  type CorsDecision,
  type CorsOptions,
} from '@cors/core';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FilteredRequest, RouteSelector } from './route-selection.js';

// Node lowercases the names of incoming headers.
const ORIGIN_KEY = ORIGIN.toLowerCase();
const REQUEST_METHOD_KEY = REQUEST_METHOD.toLowerCase();
const REQUEST_HEADERS_KEY = REQUEST_HEADERS.toLowerCase();
const REQUEST_PRIVATE_NETWORK_KEY = REQUEST_PRIVATE_NETWORK.toLowerCase();

/** One request as every platform presents it to the CORS hook. */
interface HookRequest<Request> extends FilteredRequest {
  readonly method: string;
  readonly url: string;
  /** The framework's request, handed to an `origin` function and `onDecision`. */
  readonly request: Request;
}

/** Reports a refusal that no policy made (an ambiguous or disabled route) as a policy would. */
export type RefusalReporter<Request> = (decision: CorsDecision, request: Request) => CorsDecision;

/**
 * Passes the refusals this adapter makes itself to the module defaults' `onDecision` and
 * `debug`, which the core calls for the decisions of a policy.
 */
export function createRefusalReporter<Request>(
  defaults: CorsOptions<Request>,
): RefusalReporter<Request> {
  const { onDecision, debug } = defaults;
  const log =
    debug === true
      ? (line: string) => console.warn(line)
      : typeof debug === 'function'
        ? debug
        : undefined;
  return (decision, request) => {
    if (log) log(explainRefusal(decision));
    if (onDecision) onDecision(decision, request);
    return decision;
  };
}

/**
 * Decides one request with the policy of its route. `undefined`: no policy applies, so the
 * request is not touched.
 */
function decide<Request>(
  routes: RouteSelector<Request>,
  report: RefusalReporter<Request>,
  incoming: HookRequest<Request>,
): CorsDecision | Promise<CorsDecision> | undefined {
  const { method, url, headers } = incoming;
  const origin = headerValue(headers[ORIGIN_KEY]);
  const requestMethod = headerValue(headers[REQUEST_METHOD_KEY]);
  const cors = {
    method,
    origin,
    requestMethod,
    requestHeaders: headerValue(headers[REQUEST_HEADERS_KEY]),
    requestPrivateNetwork: headerValue(headers[REQUEST_PRIVATE_NETWORK_KEY]),
    request: incoming.request,
  };
  // A preflight asks about the actual request, so it is answered by the route that will serve
  // the requested method on this URL.
  if (classifyRequest(cors) === 'preflight' && requestMethod !== undefined) {
    const route = routes.forPreflight(requestMethod, url, incoming);
    if (route.ambiguous) {
      return report(
        refusePreflight('route-ambiguous', describeTarget(requestMethod, url)),
        incoming.request,
      );
    }
    if (route.policy === undefined) {
      return report(
        refusePreflight('cors-disabled', describeTarget(requestMethod, url)),
        incoming.request,
      );
    }
    return route.policy.evaluate(cors);
  }
  return routes.forRequest(method, url, incoming)?.evaluate(cors);
}

/** `DELETE /users/42`, for the refusal's detail (logged, never sent). */
function describeTarget(method: string, url: string): string {
  const query = url.indexOf('?');
  return `${method} ${query === -1 ? url : url.slice(0, query)}`;
}

/**
 * Merges `names` into `Vary` again when the response head is written: the route runs after the
 * headers were set, and may replace `Vary` (`@Header('Vary', 'Accept-Language')`). SPEC: an
 * existing Vary is merged, never overwritten, so no cache hands one origin's answer to another.
 * Express and Fastify both end in `writeHead`; Fastify passes its own headers to it.
 */
function keepVary(res: ServerResponse, names: readonly string[]): void {
  const response = res as VaryKeepingResponse;
  if (response[KEPT_VARY] === undefined) {
    response[ORIGINAL_WRITE_HEAD] = response.writeHead as WriteHead;
    response.writeHead = writeHeadKeepingVary as ServerResponse['writeHead'];
  }
  response[KEPT_VARY] = names;
}

// The names and the response's own writeHead live on the response under symbols, so one shared
// function replaces writeHead: no closure is made per response (see BENCHMARKS.md).
const KEPT_VARY = Symbol('cors.keptVary');
const ORIGINAL_WRITE_HEAD = Symbol('cors.writeHead');
type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

interface VaryKeepingResponse extends ServerResponse {
  [KEPT_VARY]?: readonly string[];
  [ORIGINAL_WRITE_HEAD]?: WriteHead;
}

function writeHeadKeepingVary(this: VaryKeepingResponse, ...args: unknown[]): ServerResponse {
  const names = this[KEPT_VARY] ?? [];
  const current = this.getHeader(VARY);
  const merged = mergeVary(current, names);
  if (merged !== current) this.setHeader(VARY, merged);
  const headers = args[args.length - 1];
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    const fields = headers as Record<string, string | number | string[] | undefined>;
    for (const name of Object.keys(fields)) {
      if (name.toLowerCase() === 'vary') fields[name] = mergeVary(fields[name], names);
    }
  }
  return (this[ORIGINAL_WRITE_HEAD] as WriteHead).apply(this, args);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  // Node joins repeated headers with ", " (the core refuses such an Origin); arrays only come
  // from headers Node keeps apart, never from these.
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The Express request hook: `(req, res, next)`. */
export type ExpressCorsHook = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The hook for `@nestjs/platform-express`. It runs as the first Express middleware (before
 * body parsers, Nest middleware and the router), so a preflight is answered before anything
 * else runs, and an actual request's headers are set before its route, guards or any error.
 */
export function createExpressCorsHook<Request>(
  routes: RouteSelector<Request>,
  report: RefusalReporter<Request>,
  hostname: (request: IncomingMessage) => string,
): ExpressCorsHook {
  return (req, res, next) => {
    const apply = (decision: CorsDecision): void => {
      for (const name in decision.headers) res.setHeader(name, decision.headers[name] as string);
      if (decision.vary.length > 0)
        res.setHeader(VARY, mergeVary(res.getHeader(VARY), decision.vary));
      if (decision.action === 'respond') {
        // An answered or refused preflight: its status and an empty body; nothing else runs.
        res.statusCode = decision.status ?? 204;
        res.end();
        return;
      }
      if (decision.vary.length > 0) keepVary(res, decision.vary);
      next();
    };
    let decision: CorsDecision | Promise<CorsDecision> | undefined;
    try {
      decision = decide(routes, report, {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        hostname: () => hostname(req),
        versionRequest: req,
        request: req as Request,
      });
    } catch (error) {
      // The user's origin function threw: Nest's error handling answers, with no grant.
      next(error);
      return;
    }
    if (decision === undefined) next();
    else if (isPromiseLike<CorsDecision>(decision)) decision.then(apply, next);
    else apply(decision);
  };
}

/** The parts of a FastifyRequest the hook reads. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly headers: IncomingHttpHeaders;
}

/** The parts of a FastifyReply the hook uses. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  code(statusCode: number): FastifyReplyLike;
  send(): unknown;
}

/** The Fastify `onRequest` hook: `(request, reply, done)`. */
export type FastifyCorsHook = (
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
  done: (error?: unknown) => void,
) => void;

/**
 * The hook for `@nestjs/platform-fastify`: an `onRequest` hook that runs before Nest
 * middleware. Fastify runs `onRequest` hooks for unmatched routes too, so a preflight for a
 * path without an OPTIONS route is answered here, not with Fastify's 404.
 */
export function createFastifyCorsHook<Request>(
  routes: RouteSelector<Request>,
  report: RefusalReporter<Request>,
  hostname: (request: FastifyRequestLike) => string,
): FastifyCorsHook {
  return (request, reply, done) => {
    const setHeader = (name: string, value: string): void => {
      reply.header(name, value);
      // Also on the Node response: an error thrown by Nest middleware is answered through a new
      // reply on the same response, which would not carry the first reply's headers.
      reply.raw.setHeader(name, value);
    };
    const apply = (decision: CorsDecision): void => {
      for (const name in decision.headers) setHeader(name, decision.headers[name] as string);
      if (decision.vary.length > 0) {
        const existing = reply.getHeader(VARY) ?? reply.raw.getHeader(VARY);
        setHeader(
          VARY,
          mergeVary(existing as string | number | string[] | undefined, decision.vary),
        );
      }
      if (decision.action === 'respond') {
        // Ends the request here: Fastify skips the route and the later hooks.
        reply.code(decision.status ?? 204).send();
        return;
      }
      if (decision.vary.length > 0) keepVary(reply.raw, decision.vary);
      done();
    };
    let decision: CorsDecision | Promise<CorsDecision> | undefined;
    try {
      decision = decide(routes, report, {
        method: request.raw.method ?? '',
        url: request.raw.url ?? '',
        headers: request.headers,
        hostname: () => hostname(request),
        versionRequest: request.raw,
        request: request as Request,
      });
    } catch (error) {
      done(error);
      return;
    }
    if (decision === undefined) done();
    else if (isPromiseLike<CorsDecision>(decision)) decision.then(apply, done);
    else apply(decision);
  };
}
