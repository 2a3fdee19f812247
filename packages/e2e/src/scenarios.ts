import type { CorsOptions } from '@cors/core';
import { EXPOSED_HEADER, HELLO_BODY, HELLO_HEADERS } from './api-contract.js';

/**
 * Everything but the origin list. Each scenario names the profile its policy uses; the origin
 * list is either the one with the page's origin or the one without.
 */
export const PROFILES = {
  /** Credentials, two allowed request headers, one exposed response header, a 10-minute cache. */
  standard: {
    credentials: true,
    allowedHeaders: ['Content-Type', 'X-Custom'],
    exposedHeaders: [EXPOSED_HEADER],
    maxAge: 600,
  },
  /** `allowedHeaders: '*'` without credentials, so `*` is sent as it is. */
  anyHeader: { allowedHeaders: '*', exposedHeaders: [EXPOSED_HEADER] },
  /** `maxAge: 0`: the browser must not reuse a preflight answer. */
  maxAgeZero: { allowedHeaders: ['Content-Type'], maxAge: 0 },
  /** No `maxAge`: the browser's own default applies (Fetch: 5 seconds). */
  noMaxAge: { allowedHeaders: ['Content-Type'] },
} satisfies Record<string, Omit<CorsOptions, 'origin'>>;

/** A profile's name. */
export type ProfileName = keyof typeof PROFILES;

/** The two origin lists every scenario runs against. */
export type Allowlist = 'with A' | 'without A';

/** The allowlists for a page served from `pageOrigin` (origin A). */
export function allowlists(pageOrigin: string): Record<Allowlist, string[]> {
  const { port } = new URL(pageOrigin);
  return {
    'with A': ['https://app.example.com', pageOrigin],
    // Near misses: the same port on another host, and the same host on the default port.
    'without A': ['https://app.example.com', `http://localhost:${port}`, 'http://127.0.0.1'],
  };
}

/** One `fetch()` the page makes to origin B. */
export interface PageFetch {
  method: string;
  /** Path on origin B. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'include';
}

/** What the page could get from its last fetch (or from all of them, for `preflights`). */
export type Reading =
  /** `<status> <body>` */
  | { kind: 'body' }
  /** `<status>` */
  | { kind: 'status' }
  /** `<name>: <value>`, or `<name>: hidden` when the response is readable but the header is not */
  | { kind: 'header'; name: string }
  /** every fetch's status, then how many OPTIONS requests the server saw */
  | { kind: 'preflights' };

/** A thing the page tries, and what it must be able to read under each allowlist. */
export interface Scenario {
  /** Short, for the summary table. */
  name: string;
  profile: ProfileName;
  /** Only for these adapters (NestJS's per-route policies). */
  adapters?: readonly string[];
  fetches: readonly PageFetch[];
  reading: Reading;
  /** What the page reads, or how the browser blocked it (`WITHHELD`, `BLOCKED_AT_PREFLIGHT`). */
  expected: Record<Allowlist, string>;
}

/** A refused fetch in a `preflights` reading (the page sees a network error, as Fetch requires). */
export const BLOCKED = 'blocked';

/** The actual request reached B and was answered, but the browser kept the response from the page. */
export const WITHHELD = 'blocked: response withheld';

/** Only the preflight reached B: the browser refused it and never sent the actual request. */
export const BLOCKED_AT_PREFLIGHT = 'blocked at preflight';

/** The page got a network error although nothing reached B: never expected (a broken server). */
export const NOTHING_REACHED_B = 'blocked: nothing reached B';

const NEST_ONLY = ['NestJS (Express)', 'NestJS (Fastify)'];
const jsonPost: PageFetch = {
  method: 'POST',
  path: '/users',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ name: 'Ada' }),
};
const blockedTwiceAfterTwoPreflights = `${BLOCKED},${BLOCKED} after 2 OPTIONS`;

/** Every scenario, run against every adapter (or the ones it names). */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'simple GET',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello' }],
    reading: { kind: 'body' },
    expected: { 'with A': `200 ${HELLO_BODY}`, 'without A': WITHHELD },
  },
  {
    name: 'credentialed GET carries the cookie B set',
    profile: 'standard',
    fetches: [
      { method: 'POST', path: '/session', credentials: 'include' },
      { method: 'GET', path: '/me', credentials: 'include' },
    ],
    reading: { kind: 'body' },
    expected: { 'with A': '200 session=e2e', 'without A': WITHHELD },
  },
  {
    // Fetch: a credentialed response needs Access-Control-Allow-Credentials: true.
    name: 'credentialed GET, policy without credentials',
    profile: 'anyHeader',
    fetches: [
      { method: 'POST', path: '/session', credentials: 'include' },
      { method: 'GET', path: '/me', credentials: 'include' },
    ],
    reading: { kind: 'body' },
    expected: { 'with A': WITHHELD, 'without A': WITHHELD },
  },
  {
    // Fetch: application/json is not a CORS-safelisted content type, so this is preflighted.
    name: 'preflighted JSON POST',
    profile: 'standard',
    fetches: [jsonPost],
    reading: { kind: 'body' },
    expected: { 'with A': '201 created Ada', 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: 'allowed custom header (X-Custom)',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello', headers: { 'X-Custom': '1' } }],
    reading: { kind: 'body' },
    expected: { 'with A': `200 ${HELLO_BODY}`, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: 'unlisted custom header (X-Forbidden)',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello', headers: { 'X-Forbidden': '1' } }],
    reading: { kind: 'body' },
    expected: { 'with A': BLOCKED_AT_PREFLIGHT, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: "Authorization, allowedHeaders '*'",
    profile: 'anyHeader',
    fetches: [{ method: 'GET', path: '/hello', headers: { Authorization: 'Bearer e2e' } }],
    reading: { kind: 'body' },
    expected: { 'with A': `200 ${HELLO_BODY}`, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: 'Authorization, not in allowedHeaders',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello', headers: { Authorization: 'Bearer e2e' } }],
    reading: { kind: 'body' },
    expected: { 'with A': BLOCKED_AT_PREFLIGHT, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: `exposed header (${EXPOSED_HEADER})`,
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello' }],
    reading: { kind: 'header', name: EXPOSED_HEADER },
    expected: {
      'with A': `${EXPOSED_HEADER}: ${HELLO_HEADERS[EXPOSED_HEADER]}`,
      'without A': WITHHELD,
    },
  },
  {
    // Fetch: without Access-Control-Expose-Headers, only safelisted response headers are visible.
    name: 'non-exposed header (X-Internal)',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/hello' }],
    reading: { kind: 'header', name: 'X-Internal' },
    expected: { 'with A': 'X-Internal: hidden', 'without A': WITHHELD },
  },
  {
    name: 'route that throws',
    profile: 'standard',
    fetches: [{ method: 'GET', path: '/boom' }],
    reading: { kind: 'status' },
    expected: { 'with A': '500', 'without A': WITHHELD },
  },
  {
    // Fetch: DELETE is not a CORS-safelisted method, so this is preflighted. On NestJS the
    // handler has @AllowOrigin() (the module's origin list).
    name: 'DELETE /users/42',
    profile: 'standard',
    fetches: [{ method: 'DELETE', path: '/users/42' }],
    reading: { kind: 'body' },
    expected: { 'with A': '200 deleted 42', 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: 'DELETE /accounts/42, handler allows another origin',
    profile: 'standard',
    adapters: NEST_ONLY,
    fetches: [{ method: 'DELETE', path: '/accounts/42' }],
    reading: { kind: 'body' },
    expected: { 'with A': BLOCKED_AT_PREFLIGHT, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    name: 'DELETE /archive/42, controller has @DisableCors()',
    profile: 'standard',
    adapters: NEST_ONLY,
    fetches: [{ method: 'DELETE', path: '/archive/42' }],
    reading: { kind: 'body' },
    expected: { 'with A': BLOCKED_AT_PREFLIGHT, 'without A': BLOCKED_AT_PREFLIGHT },
  },
  {
    // A refused preflight is never cached, so "without A" always sees both.
    name: 'two JSON POSTs, maxAge 600',
    profile: 'standard',
    fetches: [jsonPost, jsonPost],
    reading: { kind: 'preflights' },
    expected: { 'with A': '201,201 after 1 OPTIONS', 'without A': blockedTwiceAfterTwoPreflights },
  },
  {
    name: 'two JSON POSTs, maxAge 0',
    profile: 'maxAgeZero',
    fetches: [jsonPost, jsonPost],
    reading: { kind: 'preflights' },
    expected: { 'with A': '201,201 after 2 OPTIONS', 'without A': blockedTwiceAfterTwoPreflights },
  },
  {
    // Fetch: no Access-Control-Max-Age means 5 seconds, and the second POST follows at once.
    name: 'two JSON POSTs, maxAge unset',
    profile: 'noMaxAge',
    fetches: [jsonPost, jsonPost],
    reading: { kind: 'preflights' },
    expected: { 'with A': '201,201 after 1 OPTIONS', 'without A': blockedTwiceAfterTwoPreflights },
  },
];
