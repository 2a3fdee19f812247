import { NodeCorsRequest, addVary, isPromiseLike, toCorsPolicy } from '@cors/core';
import type { CorsDecision, CorsOptions, ReconfigurableCorsPolicy } from '@cors/core';
import type { IncomingMessage, ServerResponse } from 'node:http';

export { CorsConfigError, cachedOrigins, createCorsPolicy, type CorsOptions } from '@cors/core';
export type { CachedOrigins, CachedOriginsOptions, CorsDecision } from '@cors/core';
export type { ReconfigurableCorsPolicy } from '@cors/core';

/** Connect/Express's `next`: call it with nothing to go on, or with an error to hand it on. */
export type NextFunction = (error?: unknown) => void;

/** The handler `cors()` returns. Call it with `next` as middleware, or without as a function. */
export interface CorsHandler<Request extends IncomingMessage = IncomingMessage> {
  /**
   * Plain `node:http`: sets the CORS headers and returns whether the response is already ended
   * (an answered preflight), in which case the caller writes nothing more. A promise only when
   * the `origin` option is an async function. Throws (or rejects) when that function does.
   */
  (req: Request, res: ServerResponse): boolean | Promise<boolean>;
  /**
   * Connect/Express middleware: sets the CORS headers, then ends an answered preflight or calls
   * `next()`. An error from the `origin` function goes to `next(error)`.
   */
  (req: Request, res: ServerResponse, next: NextFunction): void;
}

/**
 * Creates CORS handling for Node's `http` server and Connect/Express. The options are checked
 * here, once: invalid options throw `CorsConfigError` at start-up, never on a request. Takes
 * options, or a policy from `createCorsPolicy` to change later with `policy.reconfigure()`.
 *
 * @example
 * const handleCors = cors({ origin: ['https://app.example.com'], credentials: true });
 * http.createServer(async (req, res) => {
 *   if (await handleCors(req, res)) return;
 *   res.end('ok');
 * });
 * // or, with Express: app.use(cors({ origin: ['https://app.example.com'] }))
 */
export function cors<Request extends IncomingMessage = IncomingMessage>(
  options?: CorsOptions<Request> | ReconfigurableCorsPolicy<Request>,
): CorsHandler<Request> {
  const policy = toCorsPolicy<Request>(options);

  // The one place a decision is applied, whether it came back at once or from a promise.
  function finish(res: ServerResponse, decision: CorsDecision, next?: NextFunction): boolean {
    const { headers } = decision;
    for (const name in headers) res.setHeader(name, headers[name] as string);
    if (decision.action === 'respond') {
      // An answered (or refused) preflight: the route must not run, and the body stays empty.
      // Its head is written at once: nothing can replace its Vary, so it is not kept.
      addVary(res, decision.vary, false);
      res.statusCode = decision.status;
      res.end();
      return true;
    }
    // Whatever replaces Vary later (a route, Express's `res.set()`, an error handler,
    // `res.writeHead(status, headers)`), the names are merged back in when the head is written.
    addVary(res, decision.vary);
    next?.();
    return false;
  }

  // The user's `origin` function threw or rejected: nothing is granted, and the error goes to
  // the framework (`next(error)`) or to the caller. The answer would have depended on the
  // origin, so the error response varies on it (`errorVary`), kept as a decision's Vary is.
  function fail(res: ServerResponse, error: unknown, next?: NextFunction): false {
    addVary(res, policy.errorVary);
    if (!next) throw error;
    next(error);
    return false;
  }

  function handle(req: Request, res: ServerResponse): boolean | Promise<boolean>;
  function handle(req: Request, res: ServerResponse, next: NextFunction): void;
  function handle(
    req: Request,
    res: ServerResponse,
    next?: NextFunction,
  ): boolean | Promise<boolean> | void {
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      decision = policy.evaluate(new NodeCorsRequest(req.method ?? '', req.headers, req));
    } catch (error) {
      fail(res, error, next); // throws again when there is no `next`
      return undefined;
    }
    // Only an async `origin` function makes a promise; the common path stays synchronous.
    if (isPromiseLike<CorsDecision>(decision)) {
      const settled = Promise.resolve(decision).then(
        // Something else (a timeout middleware, say) answered while the origin function ran:
        // the response is ended, so leave it be.
        (answer) => (res.headersSent ? true : finish(res, answer, next)),
        (error: unknown) => fail(res, error, next),
      );
      return next ? undefined : settled;
    }
    const ended = finish(res, decision, next);
    return next ? undefined : ended;
  }
  return handle;
}
