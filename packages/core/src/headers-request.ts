import { ORIGIN, REQUEST_HEADERS, REQUEST_METHOD, REQUEST_PRIVATE_NETWORK } from './headers.js';
import type { CorsRequest } from './policy.js';

/**
 * The request as the policy reads it, from a Fetch `Headers` (Hono, `@cors/fetch`, any
 * Web-standard runtime). Each `Access-Control-Request-*` header is looked up only when the core
 * asks for it, which it does for preflights alone: on the actual requests that make up most
 * traffic, that saves three `Headers` look-ups, the largest part of such an adapter's cost.
 *
 * @example
 * policy.evaluate(new HeadersCorsRequest(request.method, request.headers, request));
 */
export class HeadersCorsRequest<Request> implements CorsRequest<Request> {
  /** The `Origin` header, or `null`. */
  readonly origin: string | null;
  readonly #headers: Headers;

  constructor(
    /** The request method, as received. */
    readonly method: string,
    headers: Headers,
    /** The framework's request (or context), handed to an `origin` function and `onDecision`. */
    readonly request: Request,
  ) {
    this.#headers = headers;
    this.origin = headers.get(ORIGIN);
  }

  /** The `Access-Control-Request-Method` header, or `null`. */
  get requestMethod(): string | null {
    return this.#headers.get(REQUEST_METHOD);
  }

  /** The `Access-Control-Request-Headers` header, or `null`. */
  get requestHeaders(): string | null {
    return this.#headers.get(REQUEST_HEADERS);
  }

  /** The `Access-Control-Request-Private-Network` header, or `null`. */
  get requestPrivateNetwork(): string | null {
    return this.#headers.get(REQUEST_PRIVATE_NETWORK);
  }
}
