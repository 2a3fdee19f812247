/**
 * The plain-data shapes of what the doctor sends and receives. Runtime-neutral: no `node:`
 * imports anywhere under `engine/`, so the judging logic runs wherever `fetch` does.
 */

/** Header name/value pairs in the order they were sent or received (names as written). */
export type HeaderPairs = ReadonlyArray<readonly [name: string, value: string]>;

/** One HTTP request as it went on the wire. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderPairs;
  /** A request body, when the page sends one. */
  readonly body?: string;
}

/** One HTTP response as it came back (the body only for the report, cut short). */
export interface ReceivedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeaderPairs;
  /** The first bytes of the body, decoded as UTF-8 (at most {@link BODY_PREVIEW_BYTES}). */
  readonly bodyPreview: string;
  /** How many body bytes were read before the doctor stopped reading. */
  readonly bodyBytes: number;
}

/** How much of a body the doctor keeps (the rest is not read). */
export const BODY_PREVIEW_BYTES = 2048;

/** Why no response came back. */
export type TransportErrorCode =
  | 'timeout'
  | 'connection-refused'
  | 'connection-closed'
  | 'headers-too-large'
  | 'invalid-response'
  | 'handler-threw'
  | 'other';

/** A request that got no usable response: the browser sees a network error. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends one request and resolves with its response, without following redirects. Rejects with
 * a {@link TransportError} (never anything else) when no response arrives within `timeoutMs`.
 */
export type Transport = (request: SentRequest, timeoutMs: number) => Promise<ReceivedResponse>;

/**
 * Fetch "get": every value of `name` (case-insensitive), joined with `, `; `null` when absent.
 */
export function getHeader(headers: HeaderPairs, name: string): string | null {
  const lower = name.toLowerCase();
  const values = headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
  return values.length === 0 ? null : values.join(', ');
}

/** Whether `status` is a Fetch "ok status" (200–299). */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Whether `status` is a Fetch "redirect status". */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
