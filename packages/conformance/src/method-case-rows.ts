import type { ConformanceRow } from './rows.js';

// Issue 20: the Fetch Standard uppercases only DELETE, GET, HEAD, OPTIONS, POST and PUT. Any
// other method is sent as the page wrote it, in `Access-Control-Request-Method` too, and
// compared case-sensitively: `fetch(url, { method: 'patch' })` asks for `patch`, which
// `methods: ['PATCH']` does not allow (Chromium then fails the preflight).

const APP = 'https://app.example.com';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const preflight = (requestMethod: string): ConformanceRow['request'] => ({
  method: 'OPTIONS',
  headers: { origin: APP, 'access-control-request-method': requestMethod },
});

/** Preflights for methods browsers send as written, checked case-sensitively. */
export const methodCaseRows: readonly ConformanceRow[] = [
  {
    name: "refuses a preflight for 'patch' when methods lists 'PATCH' (browsers send patch as written)",
    options: { origin: APP, methods: ['PATCH'] },
    request: preflight('patch'),
    expected: { status: 403, routeRuns: false, headers: { vary: VARY_PREFLIGHT } },
  },
  {
    name: "grants a preflight for 'PATCH' when methods lists 'PATCH'",
    options: { origin: APP, methods: ['PATCH'] },
    request: preflight('PATCH'),
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PATCH',
        vary: VARY_PREFLIGHT,
      },
    },
  },
  {
    name: "grants a preflight for 'patch' when methods lists 'patch', spelled as listed",
    options: { origin: APP, methods: ['GET', 'patch'] },
    request: preflight('patch'),
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'GET,patch',
        vary: VARY_PREFLIGHT,
      },
    },
  },
];
