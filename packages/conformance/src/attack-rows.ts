import type { CorsOptions } from '@cors/core';
import type { ConformanceRow, RowRequest } from './rows.js';

/**
 * Hostile requests and look-alike origins. Each must get no grant, must never be echoed, and
 * must never make the server fail. Every value here can be sent by `fetch` (no CR, LF or NUL, no
 * leading or trailing white space, which `fetch` would strip).
 */
const EXAMPLE = 'https://example.com';
const APP = 'https://app.example.com';
const VARY_ORIGIN = 'Origin';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

function refusedActualRow(name: string, options: CorsOptions, origin: string): ConformanceRow {
  return {
    name,
    options,
    request: { method: 'GET', headers: { origin } },
    expected: { status: 200, routeRuns: true, headers: { vary: VARY_ORIGIN } },
  };
}

function refusedPreflightRow(
  name: string,
  options: CorsOptions,
  request: RowRequest,
): ConformanceRow {
  return {
    name,
    options,
    request,
    expected: { status: 403, routeRuns: false, headers: { vary: VARY_PREFLIGHT } },
  };
}

/** The policy most hostile rows run against: one exact origin, with credentials. */
export const hostilePolicy: CorsOptions = { origin: EXAMPLE, credentials: true };
const exact = hostilePolicy;
const subdomains: CorsOptions = { origin: 'https://*.example.com', credentials: true };
const two: CorsOptions = { origin: ['https://a.example', 'https://b.example'], credentials: true };

const lookAlikeOrigins: readonly (readonly [string, string])[] = [
  ['a suffix-extended host', 'https://evilexample.com'],
  ['the allowed host as a subdomain of another', 'https://example.com.evil.net'],
  ['another scheme', 'http://example.com'],
  ['another port', 'https://example.com:8443'],
  ['the default port written out', 'https://example.com:443'],
  ['a path', 'https://example.com/'],
  ['a path and query', 'https://example.com/x?y'],
  ['user information', 'https://user@example.com'],
  ['a trailing dot', 'https://example.com.'],
  ['uppercase', 'HTTPS://EXAMPLE.COM'],
  ['mixed case host', 'https://Example.com'],
  ['an inner space', 'https://example .com'],
  ['an inner tab', 'https://example.com\tx'],
  ['a comma-joined list of origins', `${EXAMPLE}, https://evil.example.net`],
  ['the allowed origin twice (as Node joins two Origin headers)', `${EXAMPLE}, ${EXAMPLE}`],
  ['a space-joined list of origins', `${EXAMPLE} https://evil.example.net`],
  ['non-ASCII characters', 'https://exämple.com'],
  ['a literal *', '*'],
  ['null', 'null'],
  ['an empty value', ''],
  ['an 8 KB value', `https://${'a'.repeat(8 * 1024)}.example.com`],
  ['a scheme-relative value', '//example.com'],
];

/** Look-alike origins of allowed ones, and hostile `Origin` values. */
export const attackRows: readonly ConformanceRow[] = [
  ...lookAlikeOrigins.map(([what, origin]) =>
    refusedActualRow(`allow ${EXAMPLE}: refuses ${what}`, exact, origin),
  ),
  ...[
    'https://app-example.com',
    'https://appxexample.com',
    'https://app.examplexcom',
    'https://app_example.com',
  ].map((origin) =>
    refusedActualRow(`allow ${APP}: refuses the look-alike ${origin}`, { origin: APP }, origin),
  ),
  refusedActualRow('a subdomain pattern refuses the apex', subdomains, EXAMPLE),
  refusedActualRow('a subdomain pattern refuses http:', subdomains, 'http://a.example.com'),
  refusedActualRow(
    'a subdomain pattern refuses a suffix trick',
    subdomains,
    'https://a.example.com.evil.net',
  ),
  refusedActualRow(
    'a subdomain pattern refuses a host ending in the base',
    subdomains,
    'https://aexample.com',
  ),
  refusedActualRow(
    'a subdomain pattern refuses a longer host glued to the base',
    subdomains,
    'https://evilexample.com',
  ),
  refusedActualRow(
    'a subdomain pattern refuses a subdomain glued to the base',
    subdomains,
    'https://a.evilexample.com',
  ),
  refusedActualRow(
    'a subdomain pattern refuses an empty label',
    subdomains,
    'https://.example.com',
  ),
  refusedActualRow('a subdomain pattern refuses a port', subdomains, 'https://a.example.com:8443'),
  refusedActualRow('a subdomain pattern refuses a path', subdomains, 'https://a.example.com/x'),
  refusedActualRow(
    'two allowed origins never combine (comma)',
    two,
    'https://a.example, https://b.example',
  ),
  refusedActualRow(
    'two allowed origins never combine (concatenated)',
    two,
    'https://a.examplehttps://b.example',
  ),
  refusedActualRow(
    'two allowed origins never combine (host of one, port of other)',
    two,
    'https://a.example:443',
  ),
  refusedActualRow(
    'a port pattern refuses another host',
    { origin: 'http://localhost:*' },
    'http://localhost.evil.net:80',
  ),
  refusedActualRow(
    'a RegExp alternation never matches part of an origin',
    { origin: /https:\/\/a\.example|https:\/\/b\.example/, credentials: true },
    'https://a.example.evil.net',
  ),
  refusedActualRow(
    'an origin function never sees an origin with a path',
    { origin: () => true },
    `${EXAMPLE}/`,
  ),
  refusedActualRow(
    'an origin function never sees two joined origins',
    { origin: () => true },
    `${EXAMPLE}, ${APP}`,
  ),
  refusedActualRow(
    'an origin function never sees an uppercase origin',
    { origin: () => true },
    'HTTPS://EXAMPLE.COM',
  ),
  refusedActualRow(
    'an origin function returning a truthy non-boolean grants nothing',
    { origin: (() => 'yes') as unknown as () => boolean },
    EXAMPLE,
  ),
  {
    name: "a '*' policy answers a malformed origin with * and never echoes it",
    options: {},
    request: { method: 'GET', headers: { origin: `${EXAMPLE}, https://evil.example.net` } },
    expected: { status: 200, routeRuns: true, headers: { 'access-control-allow-origin': '*' } },
  },
  refusedPreflightRow('a preflight asking for a lowercase standard method is refused', exact, {
    method: 'OPTIONS',
    headers: { origin: EXAMPLE, 'access-control-request-method': 'delete' },
  }),
  refusedPreflightRow(
    'a preflight asking for PATCH in lowercase is refused (not normalized by browsers)',
    exact,
    {
      method: 'OPTIONS',
      headers: { origin: EXAMPLE, 'access-control-request-method': 'patch' },
    },
  ),
  refusedPreflightRow('a preflight asking for an empty method is refused', exact, {
    method: 'OPTIONS',
    headers: { origin: EXAMPLE, 'access-control-request-method': '' },
  }),
  refusedPreflightRow('a preflight asking for a method that is not a token is refused', exact, {
    method: 'OPTIONS',
    headers: { origin: EXAMPLE, 'access-control-request-method': 'GET POST' },
  }),
  refusedPreflightRow('a preflight with a header name that is not a token is refused', exact, {
    method: 'OPTIONS',
    headers: {
      origin: EXAMPLE,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-ok, bad header',
    },
  }),
  refusedPreflightRow(
    'a preflight with a 12 KB Access-Control-Request-Headers is refused unparsed',
    exact,
    {
      method: 'OPTIONS',
      headers: {
        origin: EXAMPLE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': Array.from({ length: 1200 }, (_, i) => `x-h${i}`)
          .join(',')
          .slice(0, 12 * 1024),
      },
    },
  ),
  refusedPreflightRow(
    'a preflight from a refused origin is refused before its headers are looked at',
    exact,
    {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example.net',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-a',
      },
    },
  ),
  {
    name: 'reflected request headers are lowercased, de-duplicated and stripped of empty items',
    options: exact,
    request: {
      method: 'OPTIONS',
      headers: {
        origin: EXAMPLE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'X-A,, x-a ,\tX-B',
      },
    },
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': EXAMPLE,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        'access-control-allow-headers': 'x-a,x-b',
        vary: VARY_PREFLIGHT,
      },
    },
  },
];
