import type { Page } from 'playwright-core';
import type { SeenRequest } from './api-server.js';
import {
  BLOCKED,
  BLOCKED_AT_PREFLIGHT,
  NOTHING_REACHED_B,
  WITHHELD,
  type PageFetch,
  type Reading,
} from './scenarios.js';

/** What one `fetch()` in the page gave the page's script. */
export type FetchOutcome =
  | { readable: true; status: number; body: string; headers: Record<string, string | null> }
  /** `fetch()` rejected: the browser refused the response (or the preflight). */
  | { readable: false; error: string };

/**
 * Runs the fetches one after the other inside the page (origin A), against `apiUrl` (origin B).
 * `tag` goes into the query string, so no two scenarios share a preflight cache entry (Fetch
 * keys it by URL). `headerNames` are the response headers to try to read.
 */
export function fetchFromPage(
  page: Page,
  apiUrl: string,
  fetches: readonly PageFetch[],
  tag: string,
  headerNames: readonly string[],
): Promise<FetchOutcome[]> {
  // This function runs in the browser: it may only use what it is given.
  return page.evaluate(
    async ({ apiUrl, fetches, tag, headerNames }) => {
      const outcomes: FetchOutcome[] = [];
      for (const { path, ...init } of fetches) {
        try {
          const response = await fetch(
            `${apiUrl}${path}?scenario=${encodeURIComponent(tag)}`,
            init,
          );
          const headers: Record<string, string | null> = {};
          for (const name of headerNames) headers[name] = response.headers.get(name);
          outcomes.push({
            readable: true,
            status: response.status,
            body: await response.text(),
            headers,
          });
        } catch (error) {
          outcomes.push({ readable: false, error: String(error) });
        }
      }
      return outcomes;
    },
    { apiUrl, fetches, tag, headerNames },
  );
}

/**
 * Puts what the page could read into the words the scenarios' expectations use. `seen` is what
 * reached origin B during the scenario: it tells a response the browser withheld from a request
 * it never sent.
 */
export function describeReading(
  reading: Reading,
  fetches: readonly PageFetch[],
  outcomes: readonly FetchOutcome[],
  seen: readonly SeenRequest[],
): string {
  if (reading.kind === 'preflights') {
    const statuses = outcomes.map((outcome) => (outcome.readable ? outcome.status : BLOCKED));
    const preflights = seen.filter((request) => request.method === 'OPTIONS').length;
    return `${statuses.join(',')} after ${preflights} OPTIONS`;
  }
  const last = outcomes.at(-1);
  if (!last?.readable) {
    const { method, path } = fetches.at(-1) ?? { method: '', path: '' };
    const seenMethods = seen
      .filter((request) => new URL(request.url, 'http://localhost').pathname === path)
      .map((request) => request.method);
    if (seenMethods.includes(method)) return WITHHELD;
    return seenMethods.includes('OPTIONS') ? BLOCKED_AT_PREFLIGHT : NOTHING_REACHED_B;
  }
  switch (reading.kind) {
    case 'body':
      return `${last.status} ${last.body}`;
    case 'status':
      return String(last.status);
    case 'header':
      return `${reading.name}: ${last.headers[reading.name] ?? 'hidden'}`;
  }
}
