import { PUBLIC_SUFFIX_RULES } from './public-suffix-data.js';

/** The Public Suffix List's rules, as sets of host names (punycode, lowercase). */
interface PublicSuffixIndex {
  /** Normal rules: `co.uk`, `github.io`. */
  readonly rules: ReadonlySet<string>;
  /** Parents of wildcard rules: `ck` for `*.ck`. */
  readonly wildcards: ReadonlySet<string>;
  /** Exception rules without their `!`: `www.ck`. */
  readonly exceptions: ReadonlySet<string>;
}

// Built on first use, which is when a policy with a subdomain pattern is compiled: never on a
// request, and never for a policy without such a pattern.
let index: PublicSuffixIndex | undefined;

function loadIndex(): PublicSuffixIndex {
  if (index !== undefined) return index;
  const rules = new Set<string>();
  const wildcards = new Set<string>();
  const exceptions = new Set<string>();
  for (const group of PUBLIC_SUFFIX_RULES.split(';')) {
    const colon = group.indexOf(':');
    const last = group.slice(0, colon);
    for (const entry of group.slice(colon + 1).split(',')) {
      if (entry === '*') wildcards.add(last);
      else if (entry.startsWith('*.')) wildcards.add(`${entry.slice(2)}.${last}`);
      else if (entry.startsWith('!')) exceptions.add(`${entry.slice(1)}.${last}`);
      else rules.add(`${entry}.${last}`);
    }
  }
  index = { rules, wildcards, exceptions };
  return index;
}

/**
 * Whether `host` (lowercase, punycode) is a public suffix: a name under which anyone can
 * register their own (`co.uk`, `github.io`, any top-level domain), by the Public Suffix List's
 * algorithm with its ICANN and private sections.
 */
export function isPublicSuffix(host: string): boolean {
  // The list's implicit `*` rule: every top-level domain is a public suffix.
  if (!host.includes('.')) return true;
  const { rules, wildcards, exceptions } = loadIndex();
  // An exception rule that matches makes the public suffix shorter than `host` (`!www.ck`).
  for (let suffix = host; ; ) {
    if (exceptions.has(suffix)) return false;
    const dot = suffix.indexOf('.');
    if (dot === -1) break;
    suffix = suffix.slice(dot + 1);
  }
  if (rules.has(host)) return true;
  return wildcards.has(host.slice(host.indexOf('.') + 1));
}
