import {
  ORIGIN,
  REQUEST_HEADERS,
  REQUEST_METHOD,
  REQUEST_PRIVATE_NETWORK,
  VARY,
  mergeVary,
} from './headers.js';
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

/**
 * Writes a decision on a Fetch `Headers` (a `Response`'s, in Hono, `@cors/fetch` or any
 * Web-standard runtime): sets every header of `grant` and merges `vary` into the `Vary` already
 * there (a route's `Accept-Encoding` is kept). Throws the `TypeError` of immutable headers (a
 * `fetch()` response's, `Response.redirect()`'s), for the caller to copy the response.
 *
 * @example
 * setCorsHeaders(response.headers, decision.headers, decision.vary);
 */
export function setCorsHeaders(
  headers: Headers,
  grant: Readonly<Record<string, string>>,
  vary: readonly string[],
): void {
  for (const name in grant) headers.set(name, grant[name] as string);
  if (vary.length > 0) headers.set(VARY, mergeVary(headers.get(VARY), vary));
}
