import type { Observation, RowRequest } from './rows.js';
import type { ServedApp } from './serve.js';

/** The body the conformance test route answers with, so a test can tell that it ran. */
export const ROUTE_BODY = 'route';

/** Picks every `access-control-*` and `vary` header (names lowercased) from a response. */
export function pickCorsHeaders(
  headers: Headers | Readonly<Record<string, string | number | readonly string[] | undefined>>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  const entries: Iterable<[string, unknown]> =
    headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value === undefined) continue;
    if (lower.startsWith('access-control-') || lower === 'vary') {
      picked[lower] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return picked;
}

/** What a client observes in a `fetch` Response from the conformance test route. */
export async function observe(response: Response): Promise<Observation> {
  const body = await response.text();
  return {
    status: response.status,
    routeRuns: body === ROUTE_BODY,
    headers: pickCorsHeaders(response.headers),
  };
}

/**
 * Sends a row's request to `target` (a base URL, sent with `fetch`, or a served app) and
 * observes the answer.
 */
export async function sendRow(
  target: string | Pick<ServedApp, 'fetch'>,
  request: RowRequest,
  path = '/',
): Promise<Observation> {
  const init = { method: request.method, headers: request.headers };
  const response =
    typeof target === 'string'
      ? await fetch(new URL(path, target), init)
      : await target.fetch(path, init);
  return observe(response);
}
