/**
 * Parsing of origins: the strings a user configures (exact origins and patterns) and the
 * `Origin` header of a request. Configured strings are normalized once, at start-up; a request's
 * origin is only ever compared, never normalized (browsers send serialized origins).
 */

/** A configured origin string, parsed. */
export type ConfiguredOrigin =
  | { readonly kind: 'any' }
  | { readonly kind: 'exact'; readonly origin: string }
  | { readonly kind: 'pattern'; readonly pattern: OriginPatternSpec };

/** `scheme://*.example.com`, `scheme://host:*`, or both. */
export interface OriginPatternSpec {
  readonly scheme: string;
  /** For a subdomain wildcard, the base domain (`example.com`); otherwise the exact host. */
  readonly host: string;
  /** Whether the host is `*.` + `host` (one or more labels, never the base itself). */
  readonly anySubdomain: boolean;
  /** `''` for the scheme's default port, a port number as a string, or `'*'` for any. */
  readonly port: string;
  /** The normalized pattern, for messages. */
  readonly source: string;
}

/** Why a configured origin string was rejected, with a fix where there is one. */
export interface OriginParseError {
  readonly kind: 'error';
  readonly message: string;
  readonly hint?: string;
}

/** The default port of each special scheme, which a serialized origin never names. */
export const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: '80',
  https: '443',
  ws: '80',
  wss: '443',
  ftp: '21',
};

const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);
const SCHEME = /^[a-z][a-z0-9+.-]*$/;
const PORT = /^[0-9]{1,5}$/;
const OPAQUE_HOST = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/** The longest `Origin` header we try to match: a host name is at most 253 characters. */
export const MAX_ORIGIN_LENGTH = 512;

/**
 * Parses one configured origin string: `'*'`, `'null'`, an exact serialized origin, or a
 * pattern. Scheme and host are lowercased, a Unicode host becomes punycode, a default port is
 * dropped. Never builds a RegExp from the string.
 */
export function parseConfiguredOrigin(value: string): ConfiguredOrigin | OriginParseError {
  if (value === '*') return { kind: 'any' };
  if (value === 'null') return { kind: 'exact', origin: 'null' };
  if (value.trim() === '') return fail('an empty origin string allows nothing');
  if (value.trim() !== value) {
    return fail(`${q(value)} has white space around it`, suggest(value.trim()));
  }
  const separator = value.indexOf('://');
  if (separator <= 0) {
    return fail(`${q(value)} has no scheme`, suggest(`https://${value.replace(/^\/+/, '')}`));
  }
  const scheme = value.slice(0, separator).toLowerCase();
  const rest = value.slice(separator + 3);
  if (!SCHEME.test(scheme)) return fail(`${q(value)} has an invalid scheme ${q(scheme)}`);

  const pathStart = rest.search(/[/?#\\]/);
  if (pathStart !== -1) {
    const what = rest[pathStart] === '/' ? 'a path or trailing slash' : 'a query or fragment';
    return fail(
      `${q(value)} has ${what}; an origin is only scheme://host[:port]`,
      suggest(`${scheme}://${rest.slice(0, pathStart)}`),
    );
  }
  if (rest.includes('@')) {
    return fail(
      `${q(value)} has user information; an origin never has`,
      suggest(`${scheme}://${rest.slice(rest.lastIndexOf('@') + 1)}`),
    );
  }

  const split = splitHostPort(rest);
  if (!split) return fail(`${q(value)} has no valid host`);
  const { port: rawPort } = split;
  let { host } = split;

  let port: string;
  if (rawPort === '*' || rawPort === '') {
    port = rawPort;
  } else if (PORT.test(rawPort) && Number(rawPort) >= 1 && Number(rawPort) <= 65535) {
    const number = String(Number(rawPort));
    port = DEFAULT_PORTS[scheme] === number ? '' : number;
  } else {
    return fail(
      `${q(value)} has an invalid port ${q(rawPort)}; use a port number from 1 to 65535, or '*'`,
    );
  }

  let anySubdomain = false;
  if (host.startsWith('*.')) {
    anySubdomain = true;
    host = host.slice(2);
  }
  if (host.includes('*')) {
    return fail(
      `${q(value)} has '*' inside a host; '*' may only be a whole leading label or the port`,
      'e.g. https://*.example.com or http://localhost:*',
    );
  }
  if (host.endsWith('.')) {
    return fail(
      `${q(value)} ends its host with a dot`,
      suggest(origin(scheme, host.replace(/\.+$/, ''), port, anySubdomain)),
    );
  }
  const normalizedHost = normalizeHost(scheme, host);
  if (normalizedHost === undefined) return fail(`${q(value)} has an invalid host ${q(host)}`);
  // A browser never sends an empty label, so such an origin could never match.
  if (!normalizedHost.startsWith('[') && normalizedHost.split('.').includes('')) {
    return fail(`${q(value)} has an empty label in its host`);
  }
  const isAddress = normalizedHost.startsWith('[') || /^[0-9.]+$/.test(normalizedHost);
  if (anySubdomain && (!normalizedHost.includes('.') || isAddress)) {
    return fail(
      `${q(value)} puts a wildcard straight on a top-level domain, which would allow every site under it`,
      'name a registrable domain, e.g. https://*.example.com',
    );
  }

  const source = origin(scheme, normalizedHost, port, anySubdomain);
  if (!anySubdomain && port !== '*') return { kind: 'exact', origin: source };
  return { kind: 'pattern', pattern: { scheme, host: normalizedHost, anySubdomain, port, source } };
}

function origin(scheme: string, host: string, port: string, anySubdomain: boolean): string {
  return `${scheme}://${anySubdomain ? '*.' : ''}${host}${port === '' ? '' : `:${port}`}`;
}

function splitHostPort(rest: string): { host: string; port: string } | undefined {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return undefined;
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    return { host: rest.slice(0, close + 1), port: after.slice(1) };
  }
  const colon = rest.lastIndexOf(':');
  if (colon === -1) return rest === '' ? undefined : { host: rest, port: '' };
  const host = rest.slice(0, colon);
  const port = rest.slice(colon + 1);
  if (host === '' || port === '') return undefined;
  return { host, port };
}

/** Lowercases the host and, for web schemes, turns a Unicode host into punycode (via URL). */
function normalizeHost(scheme: string, host: string): string | undefined {
  if (SPECIAL_SCHEMES.has(scheme)) {
    try {
      const hostname = new URL(`${scheme}://${host}`).hostname;
      return hostname === '' ? undefined : hostname;
    } catch {
      return undefined;
    }
  }
  const lower = host.toLowerCase();
  return OPAQUE_HOST.test(lower) ? lower : undefined;
}

/**
 * A configured host name (`allowPublicSuffixWildcards` entries), lowercased and in punycode, or
 * `undefined` when it is not a bare host name (a scheme, port, path, `*` or empty label).
 */
export function normalizeSuffix(value: string): string | undefined {
  if (!/^[^\s/:?#@*\\[\]]+$/.test(value)) return undefined;
  const host = normalizeHost('https', value);
  if (host === undefined || host.split('.').includes('')) return undefined;
  return host;
}

function suggest(candidate: string): string | undefined {
  const parsed = parseConfiguredOrigin(candidate);
  if (parsed.kind === 'exact') return `did you mean ${parsed.origin}?`;
  if (parsed.kind === 'pattern') return `did you mean ${parsed.pattern.source}?`;
  if (parsed.kind === 'error' && parsed.hint?.startsWith('did you mean')) return parsed.hint;
  return undefined;
}

function fail(message: string, hint?: string): OriginParseError {
  return hint === undefined ? { kind: 'error', message } : { kind: 'error', message, hint };
}

function q(value: string): string {
  return JSON.stringify(value);
}

/** A request's `Origin`, split into its parts. */
export interface RequestOrigin {
  readonly scheme: string;
  readonly host: string;
  /** `''` when the origin names no port. */
  readonly port: string;
}

// A serialized origin as browsers send it: lowercase scheme and ASCII host, optional port.
// Labels are separated by dots that the label class cannot match, so matching is linear. The
// parts are shared with the pattern tests (pattern.ts), which must accept no other origins.
/** One label of a request origin's host name. */
export const REQUEST_LABEL_SOURCE = '[a-z0-9_-]+';
/** A request origin's host: an IPv6 address in brackets, or dot-separated labels. */
export const REQUEST_HOST_SOURCE = `\\[[0-9a-f:.]+\\]|${REQUEST_LABEL_SOURCE}(?:\\.${REQUEST_LABEL_SOURCE})*`;
/** A request origin's port (range and default port are checked apart). */
export const REQUEST_PORT_SOURCE = '[1-9][0-9]{0,4}';
const SERIALIZED_ORIGIN = new RegExp(
  `^([a-z][a-z0-9+.-]*)://(${REQUEST_HOST_SOURCE})(?::(${REQUEST_PORT_SOURCE}))?$`,
);

/**
 * Splits a request's `Origin` header if it is exactly one serialized origin as a browser would
 * send it (no uppercase, no default port, no path, no white space); otherwise `undefined`.
 */
export function parseRequestOrigin(value: string): RequestOrigin | undefined {
  if (value.length > MAX_ORIGIN_LENGTH) return undefined;
  const match = SERIALIZED_ORIGIN.exec(value);
  if (!match) return undefined;
  const scheme = match[1] as string;
  const port = match[3] ?? '';
  if (port !== '' && (Number(port) > 65535 || DEFAULT_PORTS[scheme] === port)) return undefined;
  return { scheme, host: match[2] as string, port };
}

/**
 * Whether a request's `Origin` is exactly one serialized origin (what `parseRequestOrigin`
 * accepts), without splitting it: for telling a malformed origin from one merely not allowed.
 */
export function isRequestOrigin(value: string): boolean {
  if (value.length > MAX_ORIGIN_LENGTH || !SERIALIZED_ORIGIN.test(value)) return false;
  // The pattern matched, so a port is what follows the last `:` when it comes after the host
  // begins and after any `]` of an IPv6 host.
  const colon = value.lastIndexOf(':');
  const hostStart = value.indexOf('://') + 3;
  if (colon < hostStart || value.lastIndexOf(']') > colon) return true;
  const port = value.slice(colon + 1);
  return !(Number(port) > 65535 || DEFAULT_PORTS[value.slice(0, hostStart - 3)] === port);
}
