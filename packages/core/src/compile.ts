import { CorsConfigError, describeValue, type CorsConfigIssue } from './config-error.js';
import {
  ORIGIN,
  REQUEST_HEADERS,
  REQUEST_METHOD,
  REQUEST_PRIVATE_NETWORK,
  isToken,
} from './headers.js';
import { readOwnOptions } from './merge-options.js';
import type { UpgradeWithoutOrigin } from './upgrade.js';
import {
  BROWSER_MAX_AGE_CAPS,
  DEFAULT_METHODS,
  DEFAULT_OPTIONS_SUCCESS_STATUS,
  DEFAULT_ORIGIN_TIMEOUT,
  MAX_ORIGIN_TIMEOUT,
  type CorsOptions,
} from './options.js';
import { compileOrigins, type OriginMatcher } from './origin/matcher.js';
import { normalizeSuffix } from './origin/parse.js';
import { compileReporting, grantAsAskedOptions } from './report-only.js';

/** How a preflight's requested headers are answered. */
export type AllowedHeadersRule =
  | { readonly kind: 'reflect' }
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly names: ReadonlySet<string>; readonly value: string };

/** How a preflight's requested method is answered. */
export type AllowedMethodsRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly names: ReadonlySet<string>; readonly value: string };

/** Everything `createCorsPolicy` works out once, so a request only looks things up. */
export interface CompiledPolicy<Request> {
  readonly origins: OriginMatcher<Request>;
  readonly credentials: boolean;
  /** `Access-Control-Expose-Headers` of a granted actual request, joined once; none when unset. */
  readonly exposedHeaders: string | undefined;
  /** `Access-Control-Max-Age` of a granted preflight, written once; none when unset. */
  readonly maxAge: string | undefined;
  readonly methods: AllowedMethodsRule;
  /** Milliseconds an async `origin` function may take. */
  readonly originTimeout: number;
  readonly allowedHeaders: AllowedHeadersRule;
  readonly privateNetwork: boolean;
  readonly preflightContinue: boolean;
  readonly optionsSuccessStatus: number;
  readonly actualVary: readonly string[];
  readonly preflightVary: readonly string[];
  /** What an error response varies on when `evaluate` fails (see `CorsPolicy.errorVary`). */
  readonly errorVary: readonly string[];
  /** What `checkUpgrade` does with a handshake that has no `Origin`. */
  readonly upgradeWithoutOrigin: UpgradeWithoutOrigin;
  readonly onDecision: CorsOptions<Request>['onDecision'];
  readonly debug: ((line: string) => void) | undefined;
  /** `mode: 'report-only'`: the policy that answers, granting what is asked (see report-only.ts). */
  readonly grantAsAsked?: CompiledPolicy<Request>;
  /** `report: options`: the candidate evaluated beside this policy (see report-only.ts). */
  readonly candidate?: CompiledPolicy<Request>;
}

// Fetch: these methods are normalized to uppercase by the browser before they are sent, and
// Access-Control-Allow-Methods is compared case-sensitively: any other spelling of them can never
// allow what a browser asks for.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * Validates and compiles options. Collects every problem and throws one `CorsConfigError`
 * listing them all.
 */
export function compileOptions<Request>(
  options: CorsOptions<Request> | undefined,
): CompiledPolicy<Request> {
  const issues: CorsConfigIssue[] = [];
  // Every option below is read from this snapshot of the own, known properties (issue 18): an
  // inherited or polluted property is never seen, and a getter is read once.
  const input = readOwnOptions<Request>(options, issues);
  if (issues.length > 0 && issues[0]?.option === 'options') throw new CorsConfigError(issues);

  const allowedSuffixes = compilePublicSuffixOptOut(input.allowPublicSuffixWildcards, issues);
  const originTimeout = input.originTimeout ?? DEFAULT_ORIGIN_TIMEOUT;
  const origins = compileOrigins(input.origin ?? '*', issues, { allowedSuffixes, originTimeout });
  const credentials = checkBoolean(input, 'credentials', issues);
  const privateNetwork = checkBoolean(input, 'privateNetwork', issues);
  const preflightContinue = checkBoolean(input, 'preflightContinue', issues);

  if (credentials && origins.allowsAnyOrigin) {
    issues.push({
      option: 'origin',
      value: input.origin ?? '*',
      message: `${describeValue(input.origin ?? '*')} allows every origin, which browsers refuse together with credentials: true`,
      hint: "list the origins instead, e.g. origin: ['https://app.example.com']",
    });
  } else if (credentials && origins.broadRegExp !== undefined) {
    // Browsers accept a reflected origin with credentials, so this one would not fail safe.
    issues.push({
      option: 'origin',
      value: origins.broadRegExp,
      message: `${describeValue(origins.broadRegExp)} matches every site (even https://attacker.invalid), so with credentials: true any site could read your users' data`,
      hint: "list the origins instead, e.g. origin: ['https://app.example.com'], or anchor the RegExp on your domain",
    });
  }

  const methods = compileMethods(input.methods, issues);
  const allowedHeaders = compileAllowedHeaders(input.allowedHeaders, issues);
  const exposedHeaders = compileHeaderNames('exposedHeaders', input.exposedHeaders, issues);
  if (exposedHeaders === '*' && credentials) {
    issues.push({
      option: 'exposedHeaders',
      value: '*',
      message: "'*' is read as a literal header name when credentials: true",
      hint: "list the headers to expose, e.g. exposedHeaders: ['x-request-id']",
    });
  }
  const maxAge = input.maxAge;
  // A whole number above 2^53 may print as `1e+21`, which is not delta-seconds (RFC 9111 §1.2.2).
  if (
    maxAge !== undefined &&
    !(typeof maxAge === 'number' && Number.isSafeInteger(maxAge) && maxAge >= 0)
  ) {
    issues.push({
      option: 'maxAge',
      value: maxAge,
      message: `${describeValue(maxAge)} is not a non-negative whole number of seconds`,
      hint: 'e.g. maxAge: 600',
    });
  }
  const status = input.optionsSuccessStatus ?? DEFAULT_OPTIONS_SUCCESS_STATUS;
  if (!(typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 299)) {
    issues.push({
      option: 'optionsSuccessStatus',
      value: status,
      message: `${describeValue(status)} is not a 2xx status; browsers fail a preflight with any other`,
      hint: 'use 204 (or 200 for very old clients)',
    });
  }
  if (
    !(
      typeof originTimeout === 'number' &&
      Number.isFinite(originTimeout) &&
      originTimeout > 0 &&
      originTimeout <= MAX_ORIGIN_TIMEOUT
    )
  ) {
    issues.push({
      option: 'originTimeout',
      value: originTimeout,
      message: `${describeValue(originTimeout)} is not a positive number of milliseconds up to ${MAX_ORIGIN_TIMEOUT}`,
      hint: `e.g. originTimeout: ${DEFAULT_ORIGIN_TIMEOUT}`,
    });
  }
  if (input.onDecision !== undefined && typeof input.onDecision !== 'function') {
    issues.push({
      option: 'onDecision',
      value: input.onDecision,
      message: `${describeValue(input.onDecision)} is not a function`,
    });
  }
  const upgradeWithoutOrigin = input.upgradeWithoutOrigin ?? 'allow';
  if (upgradeWithoutOrigin !== 'allow' && upgradeWithoutOrigin !== 'refuse') {
    issues.push({
      option: 'upgradeWithoutOrigin',
      value: upgradeWithoutOrigin,
      message: `${describeValue(upgradeWithoutOrigin)} is not 'allow' or 'refuse'`,
      hint: "upgradeWithoutOrigin: 'refuse' to require Origin on WebSocket handshakes",
    });
  }
  const debug = input.debug;
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    issues.push({
      option: 'debug',
      value: debug,
      message: `${describeValue(debug)} is not a boolean or a function`,
    });
  }
  const reporting = compileReporting(input, issues);
  if (issues.length > 0) throw new CorsConfigError(issues);
  if (maxAge !== undefined) warnAboutMaxAge(maxAge, debugLogger(debug));

  // Every answer but those of `'*'` depends on the request's origin.
  const variesByOrigin = !origins.allowsAnyOrigin;
  const actualVary = variesByOrigin ? [ORIGIN] : [];
  const preflightVary = [REQUEST_METHOD, REQUEST_HEADERS];
  if (privateNetwork) preflightVary.push(REQUEST_PRIVATE_NETWORK);
  if (variesByOrigin) preflightVary.unshift(ORIGIN);
  // Frozen: every decision shares them, and mergeVary caches their joined form (headers.ts).
  Object.freeze(actualVary);
  Object.freeze(preflightVary);

  return {
    origins,
    credentials,
    exposedHeaders:
      exposedHeaders === '*' ? '*' : exposedHeaders?.length ? exposedHeaders.join(',') : undefined,
    maxAge: maxAge === undefined ? undefined : String(maxAge),
    // Fetch: with credentials, `*` is a literal name, so "any" must reflect the request.
    methods:
      methods === '*'
        ? { kind: 'any' }
        : { kind: 'list', names: new Set(methods), value: methods.join(',') },
    originTimeout,
    allowedHeaders,
    privateNetwork,
    preflightContinue,
    optionsSuccessStatus: status,
    actualVary,
    preflightVary,
    // The failed answer would have depended on the origin (a function is never `'*'`), and on
    // nothing else: the origin is checked before a preflight's other headers are read.
    errorVary: actualVary,
    upgradeWithoutOrigin,
    onDecision: input.onDecision,
    debug: debugLogger(debug),
    ...(reporting.reportOnly ? { grantAsAsked: compileOptions(grantAsAskedOptions(input)) } : {}),
    ...(reporting.candidate ? { candidate: reporting.candidate } : {}),
  };
}

/** The `debug` option as the function that logs a line: `true` logs with `console.warn`. */
export function debugLogger(debug: unknown): ((line: string) => void) | undefined {
  if (debug === true) return (line) => console.warn(line);
  return typeof debug === 'function' ? (debug as (line: string) => void) : undefined;
}

// Each sink (console.warn, or a `debug` function) hears about each too-long maxAge once, so an
// app that builds many policies from the same defaults (NestJS routes, reconfigurations) is not
// flooded.
const CONSOLE_WARNING = {};
const warnedMaxAges = new WeakMap<object, Set<number>>();

/**
 * A start-up warning, not an error (issue 20): a `maxAge` above what browsers honour works, it
 * is only cut short by the browser, which the user may not know.
 */
function warnAboutMaxAge(maxAge: number, debug: ((line: string) => void) | undefined): void {
  const { chromium, firefox } = BROWSER_MAX_AGE_CAPS;
  if (maxAge <= chromium) return;
  const sink = debug ?? CONSOLE_WARNING;
  const warned = warnedMaxAges.get(sink) ?? new Set<number>();
  if (warned.has(maxAge)) return;
  warned.add(maxAge);
  warnedMaxAges.set(sink, warned);
  const firefoxPart =
    maxAge > firefox
      ? `, Firefox at ${firefox} s (24 hours)`
      : ` (Firefox honours up to ${firefox} s)`;
  const line = `cors: maxAge ${maxAge} is longer than browsers cache a preflight: Chromium caps it at ${chromium} s (2 hours)${firefoxPart}. It is sent as written and browsers use their cap; set maxAge: ${chromium} to say what Chromium does`;
  if (!debug) return console.warn(line);
  try {
    debug(line);
  } catch {
    // A throwing `debug` function must not stop the server from starting over a warning.
    console.warn(line);
  }
}

function checkBoolean<Request>(
  input: CorsOptions<Request>,
  option: 'credentials' | 'privateNetwork' | 'preflightContinue',
  issues: CorsConfigIssue[],
): boolean {
  const value: unknown = input[option];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  issues.push({ option, value, message: `${describeValue(value)} is not true or false` });
  return false;
}

function compileMethods(value: unknown, issues: CorsConfigIssue[]): readonly string[] | '*' {
  if (value === undefined) return DEFAULT_METHODS;
  const names = compileList('methods', value, issues, "e.g. methods: ['GET', 'POST']");
  if (names === '*' || names === undefined) return names ?? DEFAULT_METHODS;
  // Sent as written (methods are case-sensitive), each spelling once.
  const methods: string[] = [];
  let valid = true;
  for (const name of names) {
    const upper = name.toUpperCase();
    if (NORMALIZED_METHODS.has(upper) && name !== upper) {
      valid = false;
      issues.push({
        option: 'methods',
        value: name,
        message: `${describeValue(name)} can never match: browsers always send ${upper} in uppercase and compare Access-Control-Allow-Methods case-sensitively`,
        hint: `write '${upper}'`,
      });
    } else if (!methods.includes(name)) {
      methods.push(name);
    }
  }
  return valid ? methods : DEFAULT_METHODS;
}

function compileAllowedHeaders(value: unknown, issues: CorsConfigIssue[]): AllowedHeadersRule {
  if (value === undefined) return { kind: 'reflect' };
  const names = compileHeaderNames('allowedHeaders', value, issues);
  if (names === '*') return { kind: 'any' };
  if (names === undefined) return { kind: 'reflect' };
  // Looked up lowercased (requested names are parsed lowercased), sent as written.
  return {
    kind: 'list',
    names: new Set(names.map((name) => name.toLowerCase())),
    value: names.join(','),
  };
}

function compileHeaderNames(
  option: 'allowedHeaders' | 'exposedHeaders',
  value: unknown,
  issues: CorsConfigIssue[],
): readonly string[] | '*' | undefined {
  if (value === undefined) return undefined;
  const names = compileList(
    option,
    value,
    issues,
    `e.g. ${option}: ['content-type', 'x-request-id']`,
  );
  if (names === '*' || names === undefined) return names;
  // Header names are case-insensitive: each name once, in the spelling the user wrote first
  // (users' own tests assert the exact value, as with the incumbents).
  const seen = new Set<string>();
  const distinct: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    distinct.push(name);
  }
  return distinct;
}

/** Checks `allowPublicSuffixWildcards`: a list of host names, normalized like origins. */
function compilePublicSuffixOptOut(value: unknown, issues: CorsConfigIssue[]): ReadonlySet<string> {
  const suffixes = new Set<string>();
  if (value === undefined) return suffixes;
  if (!Array.isArray(value)) {
    issues.push({
      option: 'allowPublicSuffixWildcards',
      value,
      message: `${describeValue(value)} is not an array of public suffixes`,
      hint: "e.g. allowPublicSuffixWildcards: ['github.io']",
    });
    return suffixes;
  }
  for (const entry of value) {
    const host = typeof entry === 'string' ? normalizeSuffix(entry) : undefined;
    if (host === undefined) {
      issues.push({
        option: 'allowPublicSuffixWildcards',
        value: entry,
        message: `${describeValue(entry)} is not a host name such as 'github.io' (no scheme, no '*.', no port)`,
      });
    } else {
      suffixes.add(host);
    }
  }
  return suffixes;
}

/** Checks `'*'` or an array of HTTP tokens; reports each bad entry. */
function compileList(
  option: string,
  value: unknown,
  issues: CorsConfigIssue[],
  example: string,
): readonly string[] | '*' | undefined {
  if (value === '*') return '*';
  if (typeof value === 'string') {
    issues.push({
      option,
      value,
      message: `${describeValue(value)} is a string; ${option} takes an array or '*'`,
      hint: `did you mean [${value
        .split(',')
        .map((part) => `'${part.trim()}'`)
        .join(', ')}]?`,
    });
    return undefined;
  }
  if (!Array.isArray(value)) {
    issues.push({
      option,
      value,
      message: `${describeValue(value)} is not an array or '*'`,
      hint: example,
    });
    return undefined;
  }
  let valid = true;
  for (const entry of value) {
    if (typeof entry === 'string' && entry !== '*' && isToken(entry)) continue;
    valid = false;
    issues.push({
      option,
      value: entry,
      message: `${describeValue(entry)} is not a valid HTTP token (letters, digits and !#$%&'*+-.^_\`|~ only)`,
      ...(entry === '*' ? { hint: `use ${option}: '*' instead of a list holding '*'` } : {}),
    });
  }
  return valid ? (value as string[]) : undefined;
}
