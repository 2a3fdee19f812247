import type { CorsRequest } from './policy.js';

/**
 * The headers of Node's `http.IncomingMessage` (`req.headers`), written out so that the core
 * needs no `node:` import. Node lowercases the names.
 */
export interface NodeRequestHeaders {
  readonly [name: string]: string | readonly string[] | undefined;
}

/**
 * The request as the policy reads it, from Node's `req.headers` (`node:http`, Express, Koa,
 * Fastify, NestJS). As with `HeadersCorsRequest`, the `Access-Control-Request-*` headers are read
 * only when the core asks for them, which it does for preflights alone. Node joins a repeated
 * header with `, ` (the core refuses such an `Origin` as not one origin); the few it keeps as a
 * list are joined the same way.
 *
 * @example
 * policy.evaluate(new NodeCorsRequest(req.method ?? '', req.headers, req));
 */
export class NodeCorsRequest<Request> implements CorsRequest<Request> {
  /** The `Origin` header, or `undefined`. */
  readonly origin: string | undefined;

  constructor(
    /** The request method, as received. */
    readonly method: string,
    // A plain field, not `#headers`: in a micro-benchmark on Node 20 (issue 19) the private
    // field made an allowed request's decision slower than the object literal it replaces.
    /** The request's headers, as Node gives them (`req.headers`). */
    readonly headers: NodeRequestHeaders,
    /** The framework's request (or context), handed to an `origin` function and `onDecision`. */
    readonly request: Request,
    /** The request target, read only by a refusing policy (see `CorsRequest.url`). */
    readonly url?: string,
  ) {
    this.origin = oneValue(headers['origin']);
  }

  /** The `Access-Control-Request-Method` header, or `undefined`. */
  get requestMethod(): string | undefined {
    return oneValue(this.headers['access-control-request-method']);
  }

  /** The `Access-Control-Request-Headers` header, or `undefined`. */
  get requestHeaders(): string | undefined {
    return oneValue(this.headers['access-control-request-headers']);
  }

  /** The `Access-Control-Request-Private-Network` header, or `undefined`. */
  get requestPrivateNetwork(): string | undefined {
    return oneValue(this.headers['access-control-request-private-network']);
  }
}

// Node gives every request header but a few (`set-cookie`) as one string; the type allows a list.
function oneValue(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'object' ? value.join(', ') : value;
}
