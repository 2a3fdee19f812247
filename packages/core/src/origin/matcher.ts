import { CHECKS_ORIGIN } from '../cached-origins.js';
import { describeValue, type CorsConfigIssue } from '../config-error.js';
import { DEFAULT_ORIGIN_TIMEOUT, type OriginFunction, type OriginOption } from '../options.js';
import { compilePattern, type PatternTest } from './pattern.js';
import { parseConfiguredOrigin, parseRequestOrigin, type OriginPatternSpec } from './parse.js';
import { isPublicSuffix } from './public-suffix.js';

/** The `origin` option, compiled: looked up per request by `matchOrigin`. */
export interface OriginMatcher<Request> {
  /** `origin: '*'` (or `'*'` in a list): every origin, answered with `*`. */
  readonly allowsAnyOrigin: boolean;
  /**
   * The first RegExp (as the user wrote it) that allows sites nobody can mean: it matches an
   * origin on the reserved `.invalid` domain (`/.+/`, `/^https:\/\/.+$/`). Such a RegExp must
   * not be combined with credentials.
   */
  readonly broadRegExp: RegExp | undefined;
  readonly exact: ReadonlySet<string>;
  /**
   * One test per pattern, each of the whole origin string (no parsing needed), when there are
   * at most `PATTERN_INDEX_THRESHOLD` patterns; otherwise empty and `patternIndex` is used.
   */
  readonly patterns: readonly PatternTest[];
  /** Patterns looked up by host, when there are more than `PATTERN_INDEX_THRESHOLD`. */
  readonly patternIndex: PatternIndex | undefined;
  readonly regexps: readonly RegExp[];
  readonly originFunction: OriginFunction<Request> | undefined;
  /** Whether anything beyond the exact set and the patterns needs the origin parsed. */
  readonly needsParsing: boolean;
  /** Milliseconds an async `originFunction` may take before the request fails. */
  readonly originTimeout: number;
  /**
   * The function is a `cachedOrigins` one, which checks the origin with the same parser itself,
   * on a cache miss only: a hit then costs no parsing (issue 17).
   */
  readonly functionChecksOrigin: boolean;
}

/**
 * Up to this many patterns are tested one by one (one whole-string RegExp test each, no
 * allocation); above it, patterns are indexed by host so that a request's cost does not grow
 * with their number (issue 18: 100,000 patterns cost 195 ms per non-matching origin).
 */
export const PATTERN_INDEX_THRESHOLD = 4;

/**
 * Patterns keyed by `scheme://host` plus `''`, `:port` or `:*`. A request origin is parsed once
 * and looked up under its own host (port patterns, `http://localhost:*`) and under each of its
 * parent domains (`https://*.example.com` is keyed by `https://example.com`): at most one look-up
 * pair per label, whatever the number of patterns. Each candidate is then confirmed by its own
 * whole-string test, so the index only decides which tests run, never what they accept.
 */
export interface PatternIndex {
  readonly byHost: ReadonlyMap<string, readonly PatternTest[]>;
  readonly byParent: ReadonlyMap<string, readonly PatternTest[]>;
}

/** What `compileOrigins` needs from the other options. */
export interface OriginSettings {
  /** Public suffixes whose subdomain patterns the user accepted (`allowPublicSuffixWildcards`). */
  readonly allowedSuffixes: ReadonlySet<string>;
  readonly originTimeout: number;
}

const DEFAULT_ORIGIN_SETTINGS: OriginSettings = {
  allowedSuffixes: new Set(),
  originTimeout: DEFAULT_ORIGIN_TIMEOUT,
};

// RFC 2606 reserves `.invalid`: no real site lives there, so a RegExp that matches one of these
// matches sites its author cannot mean (`/.*/`, `/^https:\/\/.+$/`, `/^https?:\/\/[^/]+$/`).
const UNRELATED_ORIGINS = ['https://attacker.invalid', 'http://attacker.invalid:8080'];

/** Compiles the `origin` option, reporting every bad entry into `issues`. */
export function compileOrigins<Request>(
  option: OriginOption<Request>,
  issues: CorsConfigIssue[],
  settings: OriginSettings = DEFAULT_ORIGIN_SETTINGS,
): OriginMatcher<Request> {
  const exact = new Set<string>();
  const specs: OriginPatternSpec[] = [];
  const regexps: RegExp[] = [];
  let broadRegExp: RegExp | undefined;
  let allowsAnyOrigin = false;
  let originFunction: OriginFunction<Request> | undefined;

  const add = (entry: unknown): void => {
    if (typeof entry === 'string') {
      const parsed = parseConfiguredOrigin(entry);
      if (parsed.kind === 'any') allowsAnyOrigin = true;
      else if (parsed.kind === 'exact') exact.add(parsed.origin);
      else if (parsed.kind === 'pattern') {
        const { pattern } = parsed;
        if (
          pattern.anySubdomain &&
          isPublicSuffix(pattern.host) &&
          !settings.allowedSuffixes.has(pattern.host)
        ) {
          issues.push(publicSuffixIssue(entry, pattern));
        } else {
          specs.push(pattern);
        }
      } else
        issues.push(
          withHint({ option: 'origin', value: entry, message: parsed.message }, parsed.hint),
        );
    } else if (entry instanceof RegExp) {
      const re = wholeOrigin(entry);
      regexps.push(re);
      if (broadRegExp === undefined && UNRELATED_ORIGINS.some((origin) => re.test(origin))) {
        broadRegExp = entry;
      }
    } else {
      issues.push({
        option: 'origin',
        value: entry,
        message: `${describeValue(entry)} is not an origin string or a RegExp`,
        hint:
          typeof entry === 'boolean'
            ? "use '*' for any origin, or list the allowed origins"
            : "e.g. 'https://app.example.com', 'https://*.example.com' or /^https:\\/\\/.+\\.example\\.com$/",
      });
    }
  };

  if (typeof option === 'function') originFunction = option;
  else if (Array.isArray(option)) for (const entry of option) add(entry);
  else add(option);

  const indexed = specs.length > PATTERN_INDEX_THRESHOLD;
  return {
    allowsAnyOrigin,
    broadRegExp,
    exact,
    patterns: indexed ? [] : specs.map(compilePattern),
    patternIndex: indexed ? indexPatterns(specs) : undefined,
    regexps,
    originFunction,
    needsParsing: regexps.length > 0 || originFunction !== undefined,
    originTimeout: settings.originTimeout,
    functionChecksOrigin:
      originFunction !== undefined &&
      (originFunction as { [CHECKS_ORIGIN]?: unknown })[CHECKS_ORIGIN] === true,
  };
}

function publicSuffixIssue(entry: string, pattern: OriginPatternSpec): CorsConfigIssue {
  const example = `${pattern.scheme}://your-app.${pattern.host}${pattern.port === '' ? '' : `:${pattern.port}`}`;
  return {
    option: 'origin',
    value: entry,
    message: `${JSON.stringify(entry)} allows every site under ${pattern.host}, a public suffix (anyone can register a name under it), so any of them could read your responses`,
    hint: `list the exact origins instead, e.g. '${example}'; if you really mean every site under it, add '${pattern.host}' to allowPublicSuffixWildcards`,
  };
}

function patternKey(scheme: string, host: string, port: string): string {
  return `${scheme}://${host}${port === '' ? '' : `:${port}`}`;
}

function indexPatterns(specs: readonly OriginPatternSpec[]): PatternIndex {
  const byHost = new Map<string, PatternTest[]>();
  const byParent = new Map<string, PatternTest[]>();
  for (const spec of specs) {
    const map = spec.anySubdomain ? byParent : byHost;
    const key = patternKey(spec.scheme, spec.host, spec.port);
    const tests = map.get(key);
    if (tests === undefined) map.set(key, [compilePattern(spec)]);
    else tests.push(compilePattern(spec));
  }
  return { byHost, byParent };
}

function matchIndexed(index: PatternIndex, origin: string): boolean {
  // The index's keys come from well-formed origins only, like the tests themselves.
  const parsed = parseRequestOrigin(origin);
  if (parsed === undefined) return false;
  const { scheme, host, port } = parsed;
  if (testCandidates(index.byHost, scheme, host, port, origin)) return true;
  if (host.startsWith('[')) return false;
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
    if (testCandidates(index.byParent, scheme, host.slice(dot + 1), port, origin)) return true;
  }
  return false;
}

function testCandidates(
  map: ReadonlyMap<string, readonly PatternTest[]>,
  scheme: string,
  host: string,
  port: string,
  origin: string,
): boolean {
  for (const key of [patternKey(scheme, host, port), patternKey(scheme, host, '*')]) {
    const tests = map.get(key);
    if (tests !== undefined) for (const test of tests) if (test(origin)) return true;
  }
  return false;
}

/**
 * Whether the request's `Origin` is allowed. An exact origin is one `Set` lookup, whatever the
 * size of the list. Patterns, RegExps and the user's function only see an origin that is one
 * well-formed serialized origin (or `null`, which only a function or a listed `'null'` allows).
 * Returns a promise only when the user's function does.
 */
export function matchOrigin<Request>(
  matcher: OriginMatcher<Request>,
  origin: string,
  request: Request,
): boolean | Promise<boolean> {
  if (matcher.exact.has(origin)) return true;
  // A pattern's test accepts only well-formed origins, so it runs on the string as received.
  for (const test of matcher.patterns) if (test(origin)) return true;
  if (matcher.patternIndex !== undefined && matchIndexed(matcher.patternIndex, origin)) return true;
  if (!matcher.needsParsing) return false;
  if (matcher.functionChecksOrigin) {
    return callOriginFunction(
      matcher.originFunction as OriginFunction<Request>,
      origin,
      request,
      matcher.originTimeout,
    );
  }
  if (origin === 'null') {
    return matcher.originFunction
      ? callOriginFunction(matcher.originFunction, origin, request, matcher.originTimeout)
      : false;
  }
  if (parseRequestOrigin(origin) === undefined) return false;
  for (const re of matcher.regexps) if (re.test(origin)) return true;
  return matcher.originFunction
    ? callOriginFunction(matcher.originFunction, origin, request, matcher.originTimeout)
    : false;
}

function callOriginFunction<Request>(
  originFunction: OriginFunction<Request>,
  origin: string,
  request: Request,
  timeout: number,
): boolean | Promise<boolean> {
  const result = originFunction(origin, request);
  // Only a literal `true` grants: a truthy string or object returned by mistake does not.
  if (isPromiseLike<boolean>(result)) {
    return settleWithin(result, timeout).then((allowed) => allowed === true);
  }
  return result === true;
}

/**
 * `promise`, or a rejection once `timeout` ms have passed without it settling (SPEC: a failing
 * origin function grants nothing and its error goes to the framework's error handling). The
 * timer is cleared as soon as the promise settles.
 */
function settleWithin<T>(promise: PromiseLike<T>, timeout: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `cors: the origin function did not settle within ${timeout} ms (originTimeout); nothing was granted`,
        ),
      );
    }, timeout);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether a value is a promise (or any thenable). */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * A copy of the user's RegExp that must match the whole origin, without the stateful `g` and `y`
 * flags. A partial match never grants: `/example\.com/` does not allow `https://evilexample.com`.
 */
function wholeOrigin(re: RegExp): RegExp {
  return new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, ''));
}

function withHint(issue: Omit<CorsConfigIssue, 'hint'>, hint: string | undefined): CorsConfigIssue {
  return hint === undefined ? issue : { ...issue, hint };
}
