import {
  classifyRequest,
  createRefusingPolicy,
  isPromiseLike,
  keepVary,
  mergeVary,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsRequest,
} from '@cors/core';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FilteredRequest, RouteSelector } from './route-selection.js';

// Node lowercases the names of incoming headers.
const ORIGIN_KEY = 'origin';
const REQUEST_METHOD_KEY = 'access-control-request-method';
const REQUEST_HEADERS_KEY = 'access-control-request-headers';
const REQUEST_PRIVATE_NETWORK_KEY = 'access-control-request-private-network';
const VARY = 'Vary';

/** One request as every platform presents it to the CORS hook. */
interface HookRequest<Request> extends FilteredRequest {
  readonly method: string;
  readonly url: string;
  /** The framework's request, handed to an `origin` function and `onDecision`. */
  readonly request: Request;
}

/** The core's refusing policies for the preflights no route's policy answers. */
export interface RefusalReporter<Request> {
  /** A preflight that could reach routes with different policies. */
  readonly ambiguous: CorsPolicy<Request>;
  /** A preflight to a route with CORS off. */
  readonly disabled: CorsPolicy<Request>;
}

/** The refusing policies of the module defaults (their `onDecision`, `debug`, `preflightContinue`). */
export function createRefusalReporter<Request>(
  defaults: CorsOptions<Request>,
): RefusalReporter<Request> {
  return {
    ambiguous: createRefusingPolicy('route-ambiguous', defaults),
    disabled: createRefusingPolicy('cors-disabled', defaults),
  };
}

/** Hands a request on: with nothing to go on, or with an error for the framework's handling. */
type Next = (error?: unknown) => void;

/** How one platform writes a decision, or an origin function's failure, on its response. */
interface Platform<Response> {
  /** Sets the decision's headers, then ends an answered or refused preflight, or calls `next()`. */
  apply(response: Response, next: Next, decision: CorsDecision): void;
  /**
   * The `origin` function threw or rejected: no grant, `vary` merged into the response's Vary
   * (and kept there when the head is written), and the error goes to `next(error)`, to Nest's
   * exception handling.
   */
  fail(response: Response, next: Next, error: unknown, vary: readonly string[]): void;
}

/**
 * Decides one request with the policy of its route, and has `platform` write the answer. No
 * policy: the request is not touched. Synchronous unless the `origin` function is async.
 */
function handle<Request, Response>(
  platform: Platform<Response>,
  routes: RouteSelector<Request>,
  report: RefusalReporter<Request>,
  incoming: HookRequest<Request>,
  response: Response,
  next: Next,
): void {
  const { headers } = incoming;
  const cors = {
    method: incoming.method,
    origin: headerValue(headers[ORIGIN_KEY]),
    requestMethod: headerValue(headers[REQUEST_METHOD_KEY]),
    requestHeaders: headerValue(headers[REQUEST_HEADERS_KEY]),
    requestPrivateNetwork: headerValue(headers[REQUEST_PRIVATE_NETWORK_KEY]),
    request: incoming.request,
    url: incoming.url,
  };
  const policy = selectPolicy(routes, report, incoming, cors);
  if (policy === undefined) {
    next();
    return;
  }
  let decision: CorsDecision | Promise<CorsDecision>;
  try {
    decision = policy.evaluate(cors);
  } catch (error) {
    platform.fail(response, next, error, policy.errorVary);
    return;
  }
  if (isPromiseLike<CorsDecision>(decision)) {
    decision.then(
      (settled) => platform.apply(response, next, settled),
      (error: unknown) => platform.fail(response, next, error, policy.errorVary),
    );
  } else {
    platform.apply(response, next, decision);
  }
}

/**
 * The policy of the request's route; for a preflight this adapter refuses itself (an ambiguous
 * or disabled route), one that gives that refusal. `undefined`: no policy applies.
 */
function selectPolicy<Request>(
  routes: RouteSelector<Request>,
  report: RefusalReporter<Request>,
  incoming: HookRequest<Request>,
  cors: CorsRequest<Request>,
): CorsPolicy<Request> | undefined {
  const { method, url } = incoming;
  const requestMethod = cors.requestMethod;
  // A preflight asks about the actual request, so it is answered by the route that will serve
  // the requested method on this URL.
  if (classifyRequest(cors) === 'preflight' && typeof requestMethod === 'string') {
    const route = routes.forPreflight(requestMethod, url, incoming);
    if (route.ambiguous) return report.ambiguous;
    return route.policy ?? report.disabled;
  }
  return routes.forRequest(method, url, incoming);
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
  return (req, res, next) =>
    handle(
      EXPRESS,
      routes,
      report,
      {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        hostname: () => hostname(req),
        versionRequest: req,
        request: req as Request,
      },
      res,
      next,
    );
}

const EXPRESS: Platform<ServerResponse> = {
  apply(res, next, decision) {
    for (const name in decision.headers) res.setHeader(name, decision.headers[name] as string);
    if (decision.vary.length > 0) mergeResponseVary(res, decision.vary);
    if (decision.action === 'respond') {
      // An answered or refused preflight: its status and an empty body; nothing else runs.
      res.statusCode = decision.status ?? 204;
      res.end();
      return;
    }
    // The route runs after this and may replace Vary (`@Header('Vary', …)`, `res.set`, a raw
    // `res.writeHead(status, [...])`): the names are merged back in when the head is written.
    keepVary(res, decision.vary);
    next();
  },
  fail(res, next, error, vary) {
    if (vary.length > 0 && !res.headersSent) {
      mergeResponseVary(res, vary);
      keepVary(res, vary);
    }
    next(error);
  },
};

function mergeResponseVary(res: ServerResponse, vary: readonly string[]): void {
  res.setHeader(VARY, mergeVary(res.getHeader(VARY), vary));
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
  return (request, reply, done) =>
    handle(
      FASTIFY,
      routes,
      report,
      {
        method: request.raw.method ?? '',
        url: request.raw.url ?? '',
        headers: request.headers,
        hostname: () => hostname(request),
        versionRequest: request.raw,
        request: request as Request,
      },
      reply,
      done,
    );
}

const FASTIFY: Platform<FastifyReplyLike> = {
  apply(reply, done, decision) {
    const { headers, vary } = decision;
    if (decision.action === 'respond') {
      // Sent at once, so on the reply alone (Fastify writes them over the Node response's); the
      // Vary of the Node response (set by an earlier hook) is merged into the reply's.
      for (const name in headers) reply.header(name, headers[name] as string);
      if (vary.length > 0) reply.header(VARY, mergeVary(currentVary(reply), vary));
      // Ends the request here: Fastify skips the route and the later hooks.
      reply.code(decision.status ?? 204).send();
      return;
    }
    for (const name in headers) setReplyHeader(reply, name, headers[name] as string);
    if (vary.length > 0) mergeReplyVary(reply, vary);
    // Fastify writes the reply's headers over the Node response's in `writeHead`: the names are
    // merged back in there, whatever set Vary since (middleware on `res`, `reply.header`).
    keepVary(reply.raw, vary);
    done();
  },
  fail(reply, done, error, vary) {
    if (vary.length > 0 && !reply.raw.headersSent) {
      mergeReplyVary(reply, vary);
      keepVary(reply.raw, vary);
    }
    done(error);
  },
};

function setReplyHeader(reply: FastifyReplyLike, name: string, value: string): void {
  reply.header(name, value);
  // Also on the Node response: an error thrown by Nest middleware is answered through a new
  // reply on the same response, which would not carry the first reply's headers.
  reply.raw.setHeader(name, value);
}

/**
 * Merges `vary` into the Vary of the Node response, where middleware registered with
 * `app.use()` sets it. Not into the reply's own headers, which Fastify writes over the Node
 * response's and which would replace that middleware's Vary (issue 14); only a Vary already on
 * the reply (set by an earlier Fastify hook) is merged there too, so that it keeps our names.
 */
function mergeReplyVary(reply: FastifyReplyLike, vary: readonly string[]): void {
  // Read first: once the Node response has a Vary, Fastify's `getHeader` falls back to it.
  const onReply = reply.getHeader(VARY);
  const merged = mergeVary(currentVary(reply), vary);
  reply.raw.setHeader(VARY, merged);
  if (onReply !== undefined) reply.header(VARY, merged);
}

/**
 * The Vary of the Node response, with the reply's own (which Fastify writes over it) merged in.
 * (Fastify's `reply.getHeader` gives the Node response's value when the reply has none.)
 */
function currentVary(reply: FastifyReplyLike): string | number | string[] | undefined {
  const onRaw = reply.raw.getHeader(VARY);
  const onReply = reply.getHeader(VARY) as string | number | string[] | undefined;
  return onReply === undefined || onReply === onRaw ? onRaw : mergeVary(onRaw, varyNames(onReply));
}

/** The names in a `Vary` value, or none. */
function varyNames(value: string | number | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const names: string[] = [];
  for (const part of String(value).split(',')) {
    const name = part.trim();
    if (name !== '') names.push(name);
  }
  return names;
}
