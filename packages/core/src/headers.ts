/** Header names, written once. Adapters set them exactly as spelled here. */
export const ORIGIN = 'Origin';
export const VARY = 'Vary';
export const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
export const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';
export const ALLOW_METHODS = 'Access-Control-Allow-Methods';
export const ALLOW_HEADERS = 'Access-Control-Allow-Headers';
export const ALLOW_PRIVATE_NETWORK = 'Access-Control-Allow-Private-Network';
export const EXPOSE_HEADERS = 'Access-Control-Expose-Headers';
export const MAX_AGE = 'Access-Control-Max-Age';
export const REQUEST_METHOD = 'Access-Control-Request-Method';
export const REQUEST_HEADERS = 'Access-Control-Request-Headers';
export const REQUEST_PRIVATE_NETWORK = 'Access-Control-Request-Private-Network';

/**
 * The longest `Access-Control-Request-Headers` value we read. Browsers send a short, sorted
 * list of lowercase names; anything longer is refused without being parsed.
 */
export const MAX_REQUEST_HEADERS_LENGTH = 8192;

/**
 * The longest `Access-Control-Request-Method` value we read: ten times the longest registered
 * method name. A longer value is refused as malformed and never echoed.
 */
export const MAX_REQUEST_METHOD_LENGTH = 128;

// RFC 9110 §5.6.2: token = 1*tchar. A fixed pattern with no nesting runs in linear time.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `value` is an HTTP token (a valid method or header name). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * Parses a comma-separated list of header names (`Access-Control-Request-Headers`) in one
 * pass: names are trimmed of optional white space, lowercased and de-duplicated.
 * Returns `undefined` when the value is too long or holds anything but tokens.
 */
export function parseHeaderList(value: string): string[] | undefined {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return undefined;
  const names: string[] = [];
  // A Set only for long lists: browsers send a few names, which a scan de-duplicates faster.
  let seen: Set<string> | undefined;
  const length = value.length;
  let index = 0;
  while (index <= length) {
    // One list item: optional white space, a token, optional white space, then `,` or the end.
    while (index < length && isOptionalWhitespace(value.charCodeAt(index))) index++;
    const start = index;
    let upper = false;
    let code = 0;
    while (index < length && (code = value.charCodeAt(index)) < 128 && TOKEN_CHARS[code] === 1) {
      if (code >= 0x41 && code <= 0x5a) upper = true;
      index++;
    }
    const end = index;
    while (index < length && isOptionalWhitespace(value.charCodeAt(index))) index++;
    if (index < length && value.charCodeAt(index) !== 0x2c) return undefined; // not a token
    index++; // past the comma (or the end)
    // Fetch: an empty list item (e.g. "a,,b" or a bare "") is skipped, not an error.
    if (end === start) continue;
    const slice = end - start === length ? value : value.slice(start, end);
    const name = upper ? slice.toLowerCase() : slice;
    if (seen !== undefined) {
      if (seen.has(name)) continue;
      seen.add(name);
    } else if (names.includes(name)) {
      continue;
    } else if (names.length === 16) {
      seen = new Set(names);
      seen.add(name);
    }
    names.push(name);
  }
  return names;
}

// RFC 9110 §5.6.2 tchar, as a table of the ASCII codes (1: part of a token).
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Merges header names into an existing `Vary` value: case-insensitive, no duplicates, existing
 * tokens kept in order and new ones appended after `, `. A `Vary: *` stays `*`.
 *
 * @example mergeVary('Accept-Encoding', ['Origin']) // 'Accept-Encoding, Origin'
 */
export function mergeVary(
  existing: string | number | readonly string[] | undefined | null,
  names: readonly string[],
): string {
  const current =
    existing === undefined || existing === null
      ? ''
      : typeof existing === 'object'
        ? existing.join(', ')
        : String(existing);
  if (names.length === 0) return current;
  // Fast paths for the common cases (see BENCHMARKS.md): a response with no Vary yet, and one
  // whose Vary is already the one name (an adapter merging again after the route ran).
  if (current === '') return joinDistinct(names);
  if (names.length === 1 && current === names[0]) return current;
  const present = new Set<string>();
  // One pass over the existing value (linear, whatever its size): `split` and `trim` only.
  for (const part of current.split(',')) {
    const token = part.trim().toLowerCase();
    // RFC 9110 §12.5.5: `*` already says the response varies on everything.
    if (token === '*') return '*';
    if (token !== '') present.add(token);
  }
  // A value with no token at all (empty, or only commas and white space) is replaced.
  let merged = present.size === 0 ? '' : current;
  for (const name of names) {
    const lower = name.toLowerCase();
    if (present.has(lower)) continue;
    present.add(lower);
    merged = merged === '' ? name : `${merged}, ${name}`;
  }
  return merged;
}

// What joinDistinct made of each frozen names list: policies share theirs (frozen when
// compiled), so each is joined once.
const joinedLists = new WeakMap<readonly string[], string>();

/**
 * `names` joined with `, `, each name once (case-insensitive), in their first order: what
 * `mergeVary` appends them as.
 */
export function joinDistinct(names: readonly string[]): string {
  if (names.length <= 1) return names.length === 1 ? (names[0] as string) : '';
  if (!Object.isFrozen(names)) return joinNames(names);
  let joined = joinedLists.get(names);
  if (joined === undefined) joinedLists.set(names, (joined = joinNames(names)));
  return joined;
}

function joinNames(names: readonly string[]): string {
  let joined = names[0] as string;
  for (let index = 1; index < names.length; index++) {
    const name = names[index] as string;
    const lower = name.toLowerCase();
    let seen = false;
    for (let earlier = 0; earlier < index && !seen; earlier++) {
      seen = (names[earlier] as string).toLowerCase() === lower;
    }
    if (!seen) joined += `, ${name}`;
  }
  return joined;
}
