import { CHECKS_ORIGIN } from '../cached-origins.js';
import { describeValue, type CorsConfigIssue } from '../config-error.js';
import type { OriginFunction, OriginOption } from '../options.js';
import { compilePattern, type PatternTest } from './pattern.js';
import { parseConfiguredOrigin, parseRequestOrigin } from './parse.js';

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
  /** One test per pattern, each of the whole origin string (no parsing needed). */
  readonly patterns: readonly PatternTest[];
  readonly regexps: readonly RegExp[];
  readonly originFunction: OriginFunction<Request> | undefined;
  /** Whether anything beyond the exact set and the patterns needs the origin parsed. */
  readonly needsParsing: boolean;
  /**
   * The function is a `cachedOrigins` one, which checks the origin with the same parser itself,
   * on a cache miss only: a hit then costs no parsing (issue 17).
   */
  readonly functionChecksOrigin: boolean;
}

// RFC 2606 reserves `.invalid`: no real site lives there, so a RegExp that matches one of these
// matches sites its author cannot mean (`/.*/`, `/^https:\/\/.+$/`, `/^https?:\/\/[^/]+$/`).
const UNRELATED_ORIGINS = ['https://attacker.invalid', 'http://attacker.invalid:8080'];

/** Compiles the `origin` option, reporting every bad entry into `issues`. */
export function compileOrigins<Request>(
  option: OriginOption<Request>,
  issues: CorsConfigIssue[],
): OriginMatcher<Request> {
  const exact = new Set<string>();
  const patterns: PatternTest[] = [];
  const regexps: RegExp[] = [];
  let broadRegExp: RegExp | undefined;
  let allowsAnyOrigin = false;
  let originFunction: OriginFunction<Request> | undefined;

  const add = (entry: unknown): void => {
    if (typeof entry === 'string') {
      const parsed = parseConfiguredOrigin(entry);
      if (parsed.kind === 'any') allowsAnyOrigin = true;
      else if (parsed.kind === 'exact') exact.add(parsed.origin);
      else if (parsed.kind === 'pattern') patterns.push(compilePattern(parsed.pattern));
      else
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

  return {
    allowsAnyOrigin,
    broadRegExp,
    exact,
    patterns,
    regexps,
    originFunction,
    needsParsing: regexps.length > 0 || originFunction !== undefined,
    functionChecksOrigin:
      originFunction !== undefined &&
      (originFunction as { [CHECKS_ORIGIN]?: unknown })[CHECKS_ORIGIN] === true,
  };
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
  if (!matcher.needsParsing) return false;
  if (matcher.functionChecksOrigin) {
    return callOriginFunction(matcher.originFunction as OriginFunction<Request>, origin, request);
  }
  if (origin === 'null') {
    return matcher.originFunction
      ? callOriginFunction(matcher.originFunction, origin, request)
      : false;
  }
  if (parseRequestOrigin(origin) === undefined) return false;
  for (const re of matcher.regexps) if (re.test(origin)) return true;
  return matcher.originFunction
    ? callOriginFunction(matcher.originFunction, origin, request)
    : false;
}

function callOriginFunction<Request>(
  originFunction: OriginFunction<Request>,
  origin: string,
  request: Request,
): boolean | Promise<boolean> {
  const result = originFunction(origin, request);
  // Only a literal `true` grants: a truthy string or object returned by mistake does not.
  if (isPromiseLike(result)) return Promise.resolve(result).then((allowed) => allowed === true);
  return result === true;
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
