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
  // A trie written right to left (scripts/public-suffix-data.ts): `label` a rule, `label(…)` a
  // rule with rules under it, `label[…]` a name with rules under it, `*` a wildcard rule and
  // `!label` an exception rule under the enclosing name.
  const text = PUBLIC_SUFFIX_RULES;
  const parents: string[] = [];
  let start = 0;
  for (let at = 0; at <= text.length; at++) {
    const char = at < text.length ? text[at] : ',';
    if (char !== ',' && char !== '(' && char !== '[' && char !== ')') continue;
    const label = text.slice(start, at);
    start = at + 1;
    if (label !== '') {
      const parent = parents[parents.length - 1];
      const name = parent === undefined ? label : `${label}.${parent}`;
      if (label === '*') wildcards.add(parent as string);
      else if (label.startsWith('!')) exceptions.add(name.slice(1));
      else if (char !== '[') rules.add(name);
      if (char === '(' || char === '[') parents.push(name);
    }
    if (char === ')') parents.pop();
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
