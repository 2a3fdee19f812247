import { isToken } from '@cors/core';
import {
  corsUnsafeRequestHeaderNames,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isSafelistedMethod,
  normalizeMethod,
} from './fetch-rules.js';

/** One `fetch()` a page makes, as the doctor should replay it. */
export interface BrowserRequest {
  /**
   * The page's origin, e.g. `https://app.example.com` (a serialized origin, or `null` for an
   * opaque origin such as a sandboxed iframe or a `file:` page).
   */
  readonly origin: string;
  /**
   * Where the page fetches: an absolute URL, or a path resolved against the target.
   * @default the target URL itself, or `/` for a server or handler
   */
  readonly url?: string;
  /** @default 'GET' */
  readonly method?: string;
  /** Request headers the script sets (`{ Authorization: 'Bearer x' }`); forbidden ones are dropped, as `fetch()` does. */
  readonly headers?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;
  /** `credentials: 'include'` in the page's `fetch()`. @default false */
  readonly credentials?: boolean;
  /** Response headers the script reads (`response.headers.get(name)`). @default [] */
  readonly expose?: readonly string[];
  /** A request body to send with the actual request. @default none */
  readonly body?: string;
}

/** A {@link BrowserRequest} resolved the way the browser would send it. */
export interface PlannedFetch {
  readonly url: string;
  readonly origin: string;
  /** The method after Fetch's normalization (`delete` → `DELETE`, `patch` stays `patch`). */
  readonly method: string;
  /** The headers the script sets that `fetch()` keeps. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly credentials: boolean;
  readonly expose: readonly string[];
  readonly body?: string;
  /** Fetch "CORS-unsafe request-header names": what `Access-Control-Request-Headers` lists. */
  readonly unsafeHeaderNames: readonly string[];
  /** Whether the Fetch Standard sends a CORS-preflight request first. */
  readonly needsPreflight: boolean;
  /** Whether page and URL share an origin (then no CORS applies at all). */
  readonly sameOrigin: boolean;
  /** What the browser would do differently from what was asked (e.g. dropped headers). */
  readonly notes: readonly string[];
}

/** A request the browser would not make at all (bad origin, forbidden method, bad URL). */
export class BrowserRequestError extends Error {
  override readonly name = 'BrowserRequestError';
}

/** Whether `origin` is a serialized origin as browsers send it (or `null`). */
export function isSerializedOrigin(origin: string): boolean {
  if (origin === 'null') return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
  } catch {
    return false;
  }
}

/** Resolves what the browser would send for `request` against `baseUrl`. */
export function planFetch(request: BrowserRequest, baseUrl: string): PlannedFetch {
  if (!isSerializedOrigin(request.origin)) {
    let hint = '';
    try {
      hint = ` (did you mean ${new URL(request.origin).origin}?)`;
    } catch {
      // not a URL at all: no hint
    }
    throw new BrowserRequestError(
      `origin "${request.origin}" is not a serialized origin like https://app.example.com${hint}`,
    );
  }
  let url: URL;
  try {
    url = new URL(request.url ?? baseUrl, baseUrl);
  } catch {
    throw new BrowserRequestError(`"${request.url ?? baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BrowserRequestError(`${url.href}: only http: and https: URLs can be checked`);
  }
  const rawMethod = request.method ?? 'GET';
  if (!isToken(rawMethod)) throw new BrowserRequestError(`"${rawMethod}" is not a method name`);
  if (isForbiddenMethod(rawMethod)) {
    throw new BrowserRequestError(`fetch() refuses the method ${rawMethod}`);
  }
  const method = normalizeMethod(rawMethod);
  const notes: string[] = [];
  if (method !== rawMethod.toUpperCase()) {
    notes.push(
      `fetch() sends the method as written ("${method}"); only DELETE, GET, HEAD, OPTIONS, POST and PUT are upper-cased`,
    );
  }
  const given = Array.isArray(request.headers)
    ? (request.headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(request.headers ?? {});
  const headers: Array<readonly [string, string]> = [];
  for (const [name, value] of given) {
    if (!isToken(name)) throw new BrowserRequestError(`"${name}" is not a header name`);
    if (isForbiddenRequestHeader(name, value)) {
      notes.push(`fetch() does not let a script set ${name}: it is dropped`);
      continue;
    }
    headers.push([name, value]);
  }
  const unsafeHeaderNames = corsUnsafeRequestHeaderNames(headers);
  const sameOrigin = url.origin === request.origin;
  if (sameOrigin) notes.push('the page and the URL share an origin: no CORS applies');
  return {
    url: url.href,
    origin: request.origin,
    method,
    headers,
    credentials: request.credentials ?? false,
    expose: request.expose ?? [],
    ...(request.body === undefined ? {} : { body: request.body }),
    unsafeHeaderNames,
    // Fetch main fetch: preflight when the method is not safelisted or a header is CORS-unsafe.
    needsPreflight: !sameOrigin && (!isSafelistedMethod(method) || unsafeHeaderNames.length > 0),
    sameOrigin,
    notes,
  };
}
