import { createCorsPolicy, type CorsDecision, type CorsOptions, type CorsPolicy } from '@cors/core';
import { planFetch, type BrowserRequest } from './browser-request.js';
import { isSafelistedMethod } from './fetch-rules.js';
import type { HeaderPairs, Transport } from './http-types.js';
import { judgeCorsCheck, judgeExposedHeaders, judgePreflight } from './judge.js';
import { lookAlikeOrigins, randomLabel } from './look-alikes.js';
import { runFetch, type CorsCheck, type FetchOutcome, type RunOptions } from './run-fetch.js';

/** One browser request the policy implies, what the policy says the browser gets, and what it got. */
export interface PolicyRow {
  /** Why this request is in the matrix ("allowed origin", "look-alike origin (suffix)", …). */
  readonly title: string;
  readonly request: BrowserRequest;
  /** What a server running exactly this policy with `@cors/core` would let the browser do. */
  readonly expected: FetchOutcome;
  readonly check: CorsCheck;
  readonly ok: boolean;
  /** Why the row fails, in one sentence (`null` when it passes). */
  readonly mismatch: string | null;
}

/** The result of checking a live server against a policy. */
export interface PolicyCheck {
  readonly kind: 'policy';
  readonly ok: boolean;
  readonly url: string;
  readonly rows: readonly PolicyRow[];
  /** Parts of the policy the matrix cannot turn into requests (functions, RegExps). */
  readonly notes: readonly string[];
}

/** A `CorsOptions` policy and where to check it. */
export interface PolicyInput {
  readonly policy: CorsOptions;
  /** The URL (or path) the matrix requests. @default the target URL */
  readonly url?: string;
}

/** Called after each request of a matrix (for a progress line). */
export type ProgressListener = (done: number, total: number, title: string) => void;

/** Methods a browser might ask for that a list may leave out (the "one not allowed" row). */
const CANDIDATE_UNLISTED_METHODS = ['PUT', 'PATCH', 'DELETE', 'PROPFIND'];
const UNLISTED_HEADER = 'X-Cors-Doctor-Unlisted';

/**
 * The browser requests a policy implies: each allowed origin and an instance of each pattern,
 * look-alikes that must be refused, each allowed method and header, and ones that are not
 * allowed. Validates the policy first (throws `CorsConfigError` like every adapter).
 */
export function buildPolicyMatrix(options: CorsOptions): {
  requests: Array<{ title: string; request: BrowserRequest }>;
  notes: string[];
} {
  createCorsPolicy(options);
  const notes: string[] = [];
  const credentials = options.credentials === true;
  const expose = Array.isArray(options.exposedHeaders) ? [...options.exposedHeaders] : [];
  const origins =
    options.origin === undefined
      ? ['*']
      : Array.isArray(options.origin)
        ? options.origin
        : [options.origin];
  const allowed: Array<{ title: string; origin: string }> = [];
  const exact: string[] = [];
  for (const entry of origins as ReadonlyArray<unknown>) {
    if (entry === '*') {
      allowed.push({ title: 'any origin (`*`)', origin: `https://${randomLabel()}.example.net` });
    } else if (typeof entry === 'string') {
      const instance = patternInstance(entry);
      if (instance === entry) exact.push(entry);
      allowed.push({
        title: instance === entry ? `allowed origin ${entry}` : `pattern ${entry}`,
        origin: instance,
      });
      if (instance !== entry) {
        const bare = bareDomain(entry);
        if (bare)
          allowed.push({ title: `pattern ${entry} never matches its bare domain`, origin: bare });
      }
    } else if (entry instanceof RegExp) {
      notes.push(
        `RegExp ${String(entry)}: no instance can be generated; only the look-alikes probe it`,
      );
    } else if (typeof entry === 'function') {
      notes.push(
        'origin function: the matrix cannot know which origins it allows; only the look-alikes probe it',
      );
    }
  }
  const requests: Array<{ title: string; request: BrowserRequest }> = [];
  const base = { credentials, ...(expose.length > 0 ? { expose } : {}) };
  for (const { title, origin } of allowed) {
    requests.push({ title: `${title}: simple GET`, request: { origin, method: 'GET', ...base } });
  }
  const first =
    allowed.find((entry) => !entry.title.includes('bare domain'))?.origin ??
    exact[0] ??
    'https://app.example.com';

  // Methods.
  const methods = options.methods ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
  const methodList =
    methods === '*'
      ? ['PUT', 'DELETE', 'PROPFIND']
      : methods.filter((method) => !isSafelistedMethod(method));
  for (const method of methodList) {
    requests.push({
      title: `allowed method ${method}`,
      request: { origin: first, method, credentials },
    });
  }
  if (methods !== '*') {
    const unlisted = CANDIDATE_UNLISTED_METHODS.find(
      (method) => !methods.some((listed) => listed.toUpperCase() === method),
    );
    if (unlisted)
      requests.push({
        title: `method not allowed: ${unlisted}`,
        request: { origin: first, method: unlisted, credentials },
      });
  }

  // Request headers.
  const headers = options.allowedHeaders;
  const headerList =
    headers === undefined
      ? ['X-Reflected-By-Default']
      : headers === '*'
        ? ['X-Anything', 'Authorization']
        : headers;
  for (const name of headerList) {
    requests.push({
      title: `allowed header ${name}`,
      request: {
        origin: first,
        method: 'GET',
        headers: { [name]: sampleValue(name) },
        credentials,
      },
    });
  }
  if (Array.isArray(headers)) {
    requests.push({
      title: `header not allowed: ${UNLISTED_HEADER}`,
      request: { origin: first, method: 'GET', headers: { [UNLISTED_HEADER]: '1' }, credentials },
    });
  }

  // Look-alikes of each exact origin (deduplicated; random and null once).
  const seen = new Set(allowed.map((entry) => entry.origin));
  for (const origin of exact.length > 0 ? exact : ['https://app.example.com']) {
    for (const probe of lookAlikeOrigins(origin)) {
      if (seen.has(probe.origin) || (probe.kind === 'random' && seen.has('random'))) continue;
      seen.add(probe.kind === 'random' ? 'random' : probe.origin);
      requests.push({
        title: `look-alike: ${probe.description}`,
        request: { origin: probe.origin, method: 'GET', ...base },
      });
    }
  }
  const preflighted = methodList[0] ?? 'PUT';
  requests.push({
    title: `random origin: preflighted ${preflighted}`,
    request: { origin: `https://${randomLabel()}.attacker.test`, method: preflighted, credentials },
  });
  return { requests, notes };
}

/** Checks that the server at `baseUrl` answers every request of the policy's matrix as the policy says. */
export async function runPolicyCheck(
  transport: Transport,
  input: PolicyInput,
  baseUrl: string,
  options: RunOptions & { readonly onProgress?: ProgressListener } = {},
): Promise<PolicyCheck> {
  const { requests, notes } = buildPolicyMatrix(input.policy);
  const policy = createCorsPolicy(input.policy);
  const url = new URL(input.url ?? baseUrl, baseUrl).href;
  const rows: PolicyRow[] = [];
  for (const [index, { title, request }] of requests.entries()) {
    const withUrl = { ...request, url };
    const check = await runFetch(transport, withUrl, baseUrl, options);
    const { outcome: expected, preflightCacheSeconds } = await expectedAnswer(
      policy,
      withUrl,
      baseUrl,
    );
    const mismatch =
      expected !== check.outcome
        ? `the policy says ${expected}, the browser gets ${check.outcome}`
        : preflightCacheSeconds !== check.preflightCacheSeconds
          ? `the policy lets the browser keep the preflight ${preflightCacheSeconds} s, the server ${check.preflightCacheSeconds} s (Access-Control-Max-Age, maxAge)`
          : null;
    rows.push({ title, request: withUrl, expected, check, ok: mismatch === null, mismatch });
    options.onProgress?.(index + 1, requests.length, title);
  }
  return { kind: 'policy', ok: rows.every((row) => row.ok), url, rows, notes };
}

/**
 * What a browser gets from a server that answers exactly as `@cors/core` decides for `policy`,
 * and how long it may keep the preflight.
 */
export async function expectedAnswer(
  policy: CorsPolicy,
  request: BrowserRequest,
  baseUrl: string,
): Promise<{ outcome: FetchOutcome; preflightCacheSeconds: number | null }> {
  const planned = planFetch(request, baseUrl);
  const judged = {
    origin: planned.origin,
    credentials: planned.credentials,
    method: planned.method,
    unsafeHeaderNames: planned.unsafeHeaderNames,
  };
  let preflightCacheSeconds: number | null = null;
  if (planned.needsPreflight) {
    const decision = await policy.evaluate({
      method: 'OPTIONS',
      origin: planned.origin,
      requestMethod: planned.method,
      requestHeaders:
        planned.unsafeHeaderNames.length > 0 ? planned.unsafeHeaderNames.join(',') : null,
    });
    // A preflight handed on (`preflightContinue`) is answered by the route: 204 here.
    const status = decision.action === 'respond' ? decision.status : 204;
    const { grant } = judgePreflight(judged, status, pairs(decision));
    if (!grant) return { outcome: 'blocked-at-preflight', preflightCacheSeconds: null };
    preflightCacheSeconds = Math.min(grant.maxAge ?? 5, 7200);
  }
  const decision = await policy.evaluate({ method: planned.method, origin: planned.origin });
  const headers = pairs(decision);
  if (judgeCorsCheck(judged, headers).some((check) => !check.ok))
    return { outcome: 'withheld', preflightCacheSeconds };
  // The exposed headers are judged as if the server sends every one of them.
  const hidden = judgeExposedHeaders(judged, headers, planned.expose).some((check) => !check.ok);
  return { outcome: hidden ? 'header-hidden' : 'readable', preflightCacheSeconds };
}

function pairs(decision: CorsDecision): HeaderPairs {
  return Object.entries(decision.headers);
}

/** `https://*.example.com` → `https://doctor.example.com`; `http://localhost:*` → `http://localhost:5173`. */
function patternInstance(pattern: string): string {
  return pattern.replace('://*.', '://doctor-probe.').replace(/:\*$/, ':5173');
}

function bareDomain(pattern: string): string | null {
  return pattern.includes('://*.') ? pattern.replace('://*.', '://').replace(/:\*$/, '') : null;
}

function sampleValue(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'content-type') return 'application/json';
  if (lower === 'authorization') return 'Bearer cors-doctor';
  return 'cors-doctor';
}
