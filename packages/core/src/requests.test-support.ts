// Request builders the core's unit tests share (policy, report-only, metrics).
import type { CorsRequest } from './policy.js';

/** An actual request: a GET, with `origin` when given. */
export const actual = (origin?: string): CorsRequest => ({ method: 'GET', origin });

/** A preflight from `origin` asking for `requestMethod` (PUT) and `requestHeaders`. */
export const preflight = (
  origin: string,
  requestMethod = 'PUT',
  requestHeaders?: string,
): CorsRequest => ({
  method: 'OPTIONS',
  origin,
  requestMethod,
  requestHeaders,
});
