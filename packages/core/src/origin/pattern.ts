import {
  DEFAULT_PORTS,
  MAX_ORIGIN_LENGTH,
  REQUEST_HOST_SOURCE,
  REQUEST_LABEL_SOURCE,
  REQUEST_PORT_SOURCE,
  type OriginPatternSpec,
} from './parse.js';

/** Whether a request's `Origin`, exactly as received, matches one configured pattern. */
export type PatternTest = (origin: string) => boolean;

const REQUEST_HOST = new RegExp(`^(?:${REQUEST_HOST_SOURCE})$`);

/**
 * Compiles a pattern, once, into a test of the whole `Origin` string. The test accepts exactly
 * the well-formed serialized origins (those `parseRequestOrigin` accepts) that the pattern
 * covers, so a request origin is matched without being parsed first. Label-wise:
 * `https://*.example.com` matches `https://a.example.com` and `https://a.b.example.com`, never
 * `https://example.com`, `https://evilexample.com` or `http://a.example.com`.
 */
export function compilePattern(pattern: OriginPatternSpec): PatternTest {
  const { scheme, host, anySubdomain, port } = pattern;
  // A host that no browser can send (the request grammar is stricter than URL's) matches nothing.
  if (!REQUEST_HOST.test(host)) return matchesNothing;
  // `*.` is one or more whole labels in front of the base domain, never the base itself.
  const hostSource = anySubdomain
    ? `(?:${REQUEST_LABEL_SOURCE}\\.)+${escapeRegExp(host)}`
    : escapeRegExp(host);
  const portSource =
    port === '*' ? `(?::(${REQUEST_PORT_SOURCE}))?` : port === '' ? '' : `:${port}`;
  const whole = new RegExp(`^${escapeRegExp(scheme)}://${hostSource}${portSource}$`);
  if (port !== '*') {
    return (origin) => origin.length <= MAX_ORIGIN_LENGTH && whole.test(origin);
  }
  const defaultPort = DEFAULT_PORTS[scheme];
  return (origin) => {
    if (origin.length > MAX_ORIGIN_LENGTH) return false;
    const match = whole.exec(origin);
    if (match === null) return false;
    const requested = match[1];
    // A serialized origin never names its scheme's default port, nor one above 65535.
    return requested === undefined || (requested !== defaultPort && Number(requested) <= 65535);
  };
}

function matchesNothing(): boolean {
  return false;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
