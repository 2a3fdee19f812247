import {
  NON_WILDCARD_REQUEST_HEADER,
  SAFELISTED_RESPONSE_HEADERS,
  isSafelistedMethod,
  parseAllowList,
} from './fetch-rules.js';
import { getHeader, isOkStatus, isRedirectStatus, type HeaderPairs } from './http-types.js';
import type { RuleId } from './rules.js';

/** One rule applied to one response. */
export interface RuleCheck {
  readonly rule: RuleId;
  readonly ok: boolean;
  /** What the doctor saw, as a sentence. */
  readonly message: string;
  /** The fix in one line (failures only). */
  readonly fix?: string;
}

/** What a page's request asks of the server, as the judging rules need it. */
export interface JudgedRequest {
  /** The serialized origin the browser sends (`null` after a cross-origin redirect). */
  readonly origin: string;
  /** Fetch credentials mode `include`: cookies go along and the answer must allow them. */
  readonly credentials: boolean;
  readonly method: string;
  /** Fetch "CORS-unsafe request-header names", lowercased and sorted. */
  readonly unsafeHeaderNames: readonly string[];
}

const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';

/** Fetch "CORS check": can the page read a response to `request`? One check per rule applied. */
export function judgeCorsCheck(request: JudgedRequest, headers: HeaderPairs): RuleCheck[] {
  const allowOrigin = getHeader(headers, ALLOW_ORIGIN);
  if (allowOrigin === null) {
    return [
      {
        rule: 'allow-origin',
        ok: false,
        message: `the answer has no ${ALLOW_ORIGIN} header`,
        fix: `allow ${request.origin} in the server's CORS origins (origin option) so it sends ${ALLOW_ORIGIN}: ${request.origin}`,
      },
    ];
  }
  // Fetch: without credentials, `*` is enough.
  if (allowOrigin === '*' && !request.credentials) {
    return [{ rule: 'allow-origin', ok: true, message: `${ALLOW_ORIGIN}: * allows every origin` }];
  }
  if (allowOrigin === '*') {
    return [
      {
        rule: 'allow-origin-credentials',
        ok: false,
        message: `${ALLOW_ORIGIN} is \`*\` but the request carries credentials`,
        fix: `list the allowed origins so the server answers ${ALLOW_ORIGIN}: ${request.origin} (with credentials, \`*\` is read literally)`,
      },
    ];
  }
  if (allowOrigin !== request.origin) {
    const several = allowOrigin.includes(',') || allowOrigin.includes(' ');
    return [
      {
        rule: 'allow-origin',
        ok: false,
        message: several
          ? `${ALLOW_ORIGIN} holds several values ("${clip(allowOrigin)}"); it must be exactly one origin`
          : `${ALLOW_ORIGIN} is "${clip(allowOrigin)}", not the request's origin ${request.origin}`,
        fix: several
          ? `send ${ALLOW_ORIGIN} once, with only the request's origin (look for two layers both setting it)`
          : `allow ${request.origin} in the server's CORS origins so it echoes exactly that origin`,
      },
    ];
  }
  const checks: RuleCheck[] = [
    { rule: 'allow-origin', ok: true, message: `${ALLOW_ORIGIN} is exactly ${request.origin}` },
  ];
  if (!request.credentials) return checks;
  // Fetch: with credentials, Access-Control-Allow-Credentials must be exactly `true`.
  const allowCredentials = getHeader(headers, ALLOW_CREDENTIALS);
  checks.push(
    allowCredentials === 'true'
      ? { rule: 'allow-credentials', ok: true, message: `${ALLOW_CREDENTIALS}: true` }
      : {
          rule: 'allow-credentials',
          ok: false,
          message:
            allowCredentials === null
              ? `the request carries credentials but the answer has no ${ALLOW_CREDENTIALS}`
              : `${ALLOW_CREDENTIALS} is "${clip(allowCredentials)}", not exactly \`true\``,
          fix: `send ${ALLOW_CREDENTIALS}: true (credentials: true), or fetch without credentials`,
        },
  );
  return checks;
}

/** What a passing preflight lets the browser remember. */
export interface PreflightGrant {
  /** `Access-Control-Max-Age` in seconds, or `null` when absent or invalid (Fetch: 5 s then). */
  readonly maxAge: number | null;
}

/**
 * Fetch "CORS-preflight fetch" steps after the response arrives: ok status, CORS check, then
 * methods and headers. Stops at the first failure, as the browser does.
 */
export function judgePreflight(
  request: JudgedRequest,
  status: number,
  headers: HeaderPairs,
): { checks: RuleCheck[]; grant?: PreflightGrant } {
  const checks: RuleCheck[] = [];
  const fail = (check: RuleCheck): { checks: RuleCheck[] } => ({ checks: [...checks, check] });

  // Fetch: a preflight is never redirected; its answer needs a CORS check and an ok status.
  if (isRedirectStatus(status)) {
    return fail({
      rule: 'redirect-preflight',
      ok: false,
      message: `the preflight was answered with a redirect (${status}); browsers never follow one`,
      fix: 'answer OPTIONS at the URL the page fetches (no redirect, e.g. add or drop the trailing slash in the page)',
    });
  }
  const corsChecks = judgeCorsCheck(request, headers);
  checks.push(...corsChecks);
  if (corsChecks.some((check) => !check.ok)) return { checks };
  if (!isOkStatus(status)) {
    return fail({
      rule: 'preflight-ok-status',
      ok: false,
      message: `the preflight's status is ${status}, not 200-299`,
      fix: 'answer the OPTIONS preflight with 204 (or any 2xx) before auth checks and routing reject it',
    });
  }
  checks.push({
    rule: 'preflight-ok-status',
    ok: true,
    message: `status ${status} is an ok status`,
  });

  const methods = parseAllowList(getHeader(headers, 'Access-Control-Allow-Methods'));
  if (methods === null) {
    return fail({
      rule: 'allow-methods-syntax',
      ok: false,
      message: 'Access-Control-Allow-Methods holds something that is not a method token',
      fix: 'send Access-Control-Allow-Methods as comma-separated method names, e.g. GET,PUT,DELETE',
    });
  }
  const headerNames = parseAllowList(getHeader(headers, 'Access-Control-Allow-Headers'));
  if (headerNames === null) {
    return fail({
      rule: 'allow-headers-syntax',
      ok: false,
      message: 'Access-Control-Allow-Headers holds something that is not a header name',
      fix: 'send Access-Control-Allow-Headers as comma-separated header names, e.g. content-type,x-custom',
    });
  }

  // Fetch: methods are compared case-sensitively; `*` counts only without credentials.
  const { method } = request;
  const methodListed = methods.includes(method);
  const methodByWildcard = !request.credentials && methods.includes('*');
  if (methodListed || methodByWildcard || isSafelistedMethod(method)) {
    checks.push({
      rule: 'allow-methods',
      ok: true,
      message: methodListed
        ? `${method} is listed in Access-Control-Allow-Methods`
        : methodByWildcard
          ? `Access-Control-Allow-Methods: * covers ${method}`
          : `${method} is a CORS-safelisted method`,
    });
  } else {
    const caseOnly = methods.some((listed) => listed.toLowerCase() === method.toLowerCase());
    return fail({
      rule: 'allow-methods',
      ok: false,
      message:
        methods.includes('*') && request.credentials
          ? `Access-Control-Allow-Methods is \`*\`, which with credentials means the method named "*", not ${method}`
          : caseOnly
            ? `Access-Control-Allow-Methods lists ${method} only in another case (methods are case-sensitive)`
            : methods.length === 0
              ? `the answer has no Access-Control-Allow-Methods, so ${method} is not allowed`
              : `${method} is not in Access-Control-Allow-Methods (${methods.join(',')})`,
      fix: `add ${method} to Access-Control-Allow-Methods (methods option)`,
    });
  }

  const lowerNames = new Set(headerNames.map((name) => name.toLowerCase()));
  // Fetch: Authorization must be named, whatever `*` says.
  if (
    request.unsafeHeaderNames.includes(NON_WILDCARD_REQUEST_HEADER) &&
    !lowerNames.has(NON_WILDCARD_REQUEST_HEADER)
  ) {
    return fail({
      rule: 'allow-headers-authorization',
      ok: false,
      message: lowerNames.has('*')
        ? 'Access-Control-Allow-Headers is `*`, which never covers Authorization'
        : "the preflight's answer lacks authorization in Access-Control-Allow-Headers",
      fix: 'name authorization in Access-Control-Allow-Headers (add it to allowedHeaders)',
    });
  }
  const headerByWildcard = !request.credentials && lowerNames.has('*');
  const missing = request.unsafeHeaderNames.filter(
    (name) => !lowerNames.has(name) && !(headerByWildcard && name !== NON_WILDCARD_REQUEST_HEADER),
  );
  if (missing.length > 0) {
    return fail({
      rule: 'allow-headers',
      ok: false,
      message:
        lowerNames.has('*') && request.credentials
          ? `Access-Control-Allow-Headers is \`*\`, which with credentials means the header named "*", not ${missing.join(', ')}`
          : `the preflight's answer lacks Access-Control-Allow-Headers: ${missing.join(',')}`,
      fix: `add ${missing.join(', ')} to Access-Control-Allow-Headers (allowedHeaders)`,
    });
  }
  if (request.unsafeHeaderNames.length > 0) {
    checks.push({
      rule: 'allow-headers',
      ok: true,
      message: `Access-Control-Allow-Headers covers ${request.unsafeHeaderNames.join(', ')}`,
    });
  }
  return { checks, grant: { maxAge: parseMaxAge(getHeader(headers, 'Access-Control-Max-Age')) } };
}

/** `Access-Control-Max-Age` as browsers read it: digits only, else ignored. */
export function parseMaxAge(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * Can the page read each of `names` on a readable response? Safelisted response headers
 * always; others only when listed in `Access-Control-Expose-Headers` (or `*` without
 * credentials).
 */
export function judgeExposedHeaders(
  request: JudgedRequest,
  headers: HeaderPairs,
  names: readonly string[],
): RuleCheck[] {
  if (names.length === 0) return [];
  const exposed = (parseAllowList(getHeader(headers, 'Access-Control-Expose-Headers')) ?? []).map(
    (name) => name.toLowerCase(),
  );
  return names.map((name): RuleCheck => {
    const lower = name.toLowerCase();
    const present = getHeader(headers, name) !== null;
    const absentNote = present ? '' : ' (and this response does not carry it)';
    if (SAFELISTED_RESPONSE_HEADERS.has(lower)) {
      return {
        rule: 'expose-headers',
        ok: true,
        message: `${name} is a CORS-safelisted response header${absentNote}`,
      };
    }
    if (exposed.includes(lower)) {
      return {
        rule: 'expose-headers',
        ok: true,
        message: `${name} is listed in Access-Control-Expose-Headers${absentNote}`,
      };
    }
    if (exposed.includes('*') && !request.credentials) {
      return {
        rule: 'expose-headers',
        ok: true,
        message: `Access-Control-Expose-Headers: * exposes ${name}${absentNote}`,
      };
    }
    return {
      rule: 'expose-headers',
      ok: false,
      message: exposed.includes('*')
        ? `Access-Control-Expose-Headers is \`*\`, which with credentials exposes only a header named "*", not ${name}`
        : `${name} is not in Access-Control-Expose-Headers, so the script reads null`,
      fix: `add ${name} to Access-Control-Expose-Headers (exposedHeaders)`,
    };
  });
}

/** Cuts a server-sent value for a message (a hostile server may send megabytes). */
export function clip(value: string, length = 120): string {
  return value.length > length ? `${value.slice(0, length)}… (${value.length} characters)` : value;
}
