import type { OriginPatternSpec, RequestOrigin } from './parse.js';

/**
 * Whether a request origin matches a configured pattern. Compares parts, label-wise:
 * `https://*.example.com` matches `https://a.example.com` and `https://a.b.example.com`, never
 * `https://example.com`, `https://evilexample.com` or `http://a.example.com`.
 */
export function matchesPattern(pattern: OriginPatternSpec, origin: RequestOrigin): boolean {
  if (origin.scheme !== pattern.scheme) return false;
  if (pattern.port !== '*' && origin.port !== pattern.port) return false;
  if (!pattern.anySubdomain) return origin.host === pattern.host;
  // The request host's labels are non-empty (checked when it was parsed), so a host that ends
  // in "." + base and is longer than that has one or more whole labels before the base.
  const base = pattern.host;
  const host = origin.host;
  return (
    host.length > base.length + 1 &&
    host.endsWith(base) &&
    host.charCodeAt(host.length - base.length - 1) === 0x2e
  );
}
