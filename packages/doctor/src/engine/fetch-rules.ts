/**
 * What the Fetch Standard says a browser sends: which methods and request headers are
 * CORS-safelisted (so need no preflight), which a script may not set at all, and how
 * `Access-Control-Request-Headers` is built. https://fetch.spec.whatwg.org/#http-cors-protocol
 */
// An HTTP token (a valid method or header name) is the core's rule: the doctor and the
// policies it checks agree on what a name is.
import { isToken } from '@cors/core';

/** Fetch: a CORS-safelisted method needs no preflight. */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

/** Fetch "normalize a method": these six are upper-cased; every other method is sent as written. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** Fetch: methods `fetch()` refuses to send. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Fetch: request headers a script cannot set; `fetch()` drops them silently. */
const FORBIDDEN_REQUEST_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** Fetch: response headers a script may always read, exposed or not. */
export const SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** Fetch: the one "CORS non-wildcard request-header name": `*` never covers it. */
export const NON_WILDCARD_REQUEST_HEADER = 'authorization';

/** Fetch "normalize a method". */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/** Whether a method needs no preflight (Fetch: GET, HEAD and POST, case-sensitive after normalizing). */
export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.has(method);
}

/** Whether `fetch()` refuses the method outright. */
export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN_METHODS.has(method.toUpperCase());
}

/** Whether a script's `fetch()` may not set this header (Fetch "forbidden request-header"). */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (FORBIDDEN_REQUEST_HEADERS.has(lower)) return true;
  if (lower.startsWith('proxy-') || lower.startsWith('sec-')) return true;
  if (
    lower === 'x-http-method' ||
    lower === 'x-http-method-override' ||
    lower === 'x-method-override'
  ) {
    return value.split(',').some((method) => isForbiddenMethod(method.trim()));
  }
  return false;
}

/** Fetch "CORS-unsafe request-header byte". */
function hasUnsafeByte(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 && code !== 0x09) return true;
    if ('"():<>?@[\\]{}'.includes(value[index] ?? '') || code === 0x7f) return true;
  }
  return false;
}

/** The MIME essences a safelisted `Content-Type` may have. */
const SAFELISTED_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** The essence (`type/subtype`, lowercased) of a MIME type, or `null` when it does not parse. */
function mimeEssence(value: string): string | null {
  const essence = value.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const match = /^([!#$%&'*+\-.^_`|~0-9a-z]+)\/([!#$%&'*+\-.^_`|~0-9a-z]+)$/.exec(essence);
  return match ? essence : null;
}

/** Fetch "simple range header value" (no whitespace allowed): `bytes=<start>-[<end>]`. */
function isSimpleRange(value: string): boolean {
  const match = /^bytes=(\d+)-(\d*)$/.exec(value);
  if (!match) return false;
  const [, start = '', end = ''] = match;
  return end === '' || Number(start) <= Number(end);
}

/** Fetch "CORS-safelisted request-header": name and value both count. */
export function isSafelistedRequestHeader(name: string, value: string): boolean {
  if (value.length > 128) return false;
  switch (name.toLowerCase()) {
    case 'accept':
      return !hasUnsafeByte(value);
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case 'content-type': {
      if (hasUnsafeByte(value)) return false;
      const essence = mimeEssence(value);
      return essence !== null && SAFELISTED_CONTENT_TYPES.has(essence);
    }
    case 'range':
      return isSimpleRange(value);
    default:
      return false;
  }
}

/**
 * Fetch "CORS-unsafe request-header names": the headers that make a preflight necessary,
 * lowercased, de-duplicated and sorted, as browsers put them in `Access-Control-Request-Headers`.
 * Safelisted values adding up to more than 1024 bytes make all of them unsafe.
 */
export function corsUnsafeRequestHeaderNames(
  headers: ReadonlyArray<readonly [string, string]>,
): string[] {
  const unsafe = new Set<string>();
  const safelisted: string[] = [];
  let safelistedSize = 0;
  for (const [name, value] of headers) {
    if (isSafelistedRequestHeader(name, value)) {
      safelisted.push(name.toLowerCase());
      safelistedSize += value.length;
    } else {
      unsafe.add(name.toLowerCase());
    }
  }
  if (safelistedSize > 1024) for (const name of safelisted) unsafe.add(name);
  return [...unsafe].sort();
}

/**
 * Fetch "extract header list values" as browsers apply it to `Access-Control-Allow-*`: the
 * comma-separated items, trimmed, empty ones skipped; `null` (failure) when an item is not a
 * token.
 */
export function parseAllowList(value: string | null): string[] | null {
  if (value === null) return [];
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.every(isToken) ? items : null;
}
