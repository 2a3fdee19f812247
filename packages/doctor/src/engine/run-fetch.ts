import type { BrowserRequest, PlannedFetch } from './browser-request.js';
import { planFetch } from './browser-request.js';
import { corsUnsafeRequestHeaderNames, isSafelistedMethod } from './fetch-rules.js';
import {
  TransportError,
  getHeader,
  isRedirectStatus,
  type HeaderPairs,
  type ReceivedResponse,
  type SentRequest,
  type Transport,
} from './http-types.js';
import {
  judgeCorsCheck,
  judgeExposedHeaders,
  judgePreflight,
  type JudgedRequest,
  type RuleCheck,
} from './judge.js';
import { RULES, type RuleId } from './rules.js';

/** How the page's `fetch()` ends. */
export type FetchOutcome =
  /** The script reads the response (and every header it asked for). */
  | 'readable'
  /** The script reads the response, but some header it reads is not exposed (it gets `null`). */
  | 'header-hidden'
  /** The actual request reached the server (the route ran) but the browser withheld the answer. */
  | 'withheld'
  /** The browser refused the preflight and never sent the actual request. */
  | 'blocked-at-preflight'
  /** No usable answer arrived (timeout, closed connection, too many redirects…). */
  | 'network-error';

/** One request the doctor sent, what came back, and the verdict on it. */
export interface CheckStep {
  readonly kind: 'preflight' | 'actual';
  readonly sent: SentRequest;
  /** `null` when no response arrived. */
  readonly received: ReceivedResponse | null;
  readonly ok: boolean;
  /** The rule that decided: the first that failed, else the last that passed. */
  readonly rule: RuleId;
  readonly ruleTitle: string;
  /** Link to the Fetch Standard section. */
  readonly spec: string;
  /** What the doctor saw, as a sentence. */
  readonly message: string;
  /** The fix in one line (`null` when the step passed). */
  readonly fix: string | null;
  /** Every rule applied, in order. */
  readonly checks: readonly RuleCheck[];
}

/** The doctor's verdict on one `fetch()`. */
export interface CorsCheck {
  readonly kind: 'check';
  /** Whether the browser would let the script read everything it asked for. */
  readonly ok: boolean;
  readonly outcome: FetchOutcome;
  readonly request: PlannedFetch;
  readonly steps: readonly CheckStep[];
  /**
   * How long the browser may reuse the granted preflight, in seconds (Fetch: 5 when there is
   * no `Access-Control-Max-Age`; Chromium caps it at 7200). `null` without a granted preflight.
   */
  readonly preflightCacheSeconds: number | null;
  readonly notes: readonly string[];
  /** One sentence for the whole fetch. */
  readonly summary: string;
}

/** Options of a single check. */
export interface RunOptions {
  /** Milliseconds each request may take before it counts as a network error. @default 10000 */
  readonly timeoutMs?: number;
}

/** The default per-request timeout (the CLI's `--timeout 10s`). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Fetch: more than 20 redirects is a network error. */
const MAX_REDIRECTS = 20;

/** Chromium's cap on `Access-Control-Max-Age` (seconds). */
const CHROMIUM_MAX_AGE_CAP = 7200;

const USER_AGENT = 'cors-doctor (like a browser fetch())';

/** Replays `request` through `transport` as a browser would, and judges each answer. */
export async function runFetch(
  transport: Transport,
  request: BrowserRequest,
  baseUrl: string,
  options: RunOptions = {},
): Promise<CorsCheck> {
  const planned = planFetch(request, baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const steps: CheckStep[] = [];
  const notes = [...planned.notes];
  const finish = (outcome: FetchOutcome, cacheSeconds: number | null): CorsCheck => ({
    kind: 'check',
    ok: outcome === 'readable',
    outcome,
    request: planned,
    steps,
    preflightCacheSeconds: cacheSeconds,
    notes,
    summary: summarize(planned, outcome, steps),
  });

  let url = planned.url;
  let origin = planned.origin;
  let method = planned.method;
  let headers = planned.headers;
  let body = planned.body;
  let cacheSeconds: number | null = null;

  for (let redirects = 0; ; redirects++) {
    const unsafeHeaderNames = corsUnsafeRequestHeaderNames(headers);
    const judged: JudgedRequest = {
      origin,
      credentials: planned.credentials,
      method,
      unsafeHeaderNames,
    };
    const sameOrigin = new URL(url).origin === origin;

    // Fetch main fetch: a preflight when the method or a header is not safelisted.
    if (!sameOrigin && (!isSafelistedMethod(method) || unsafeHeaderNames.length > 0)) {
      const sent: SentRequest = {
        method: 'OPTIONS',
        url,
        headers: [
          ['Origin', origin],
          ['Accept', '*/*'],
          ['Access-Control-Request-Method', method],
          // Fetch: the unsafe names, lowercased, sorted, joined with "," (no space).
          ...(unsafeHeaderNames.length > 0
            ? [['Access-Control-Request-Headers', unsafeHeaderNames.join(',')] as const]
            : []),
          ['Sec-Fetch-Mode', 'cors'],
          ['Sec-Fetch-Dest', 'empty'],
          ['User-Agent', USER_AGENT],
        ],
      };
      const answer = await send(transport, sent, timeoutMs);
      if (answer instanceof TransportError) {
        steps.push(networkErrorStep('preflight', sent, answer));
        return finish('network-error', null);
      }
      const { checks, grant } = judgePreflight(judged, answer.status, answer.headers);
      const diagnosed = grant
        ? checks
        : await diagnoseRefusal(transport, sent, judged, checks, timeoutMs);
      steps.push(makeStep('preflight', sent, answer, diagnosed));
      if (!grant) return finish('blocked-at-preflight', null);
      cacheSeconds = Math.min(grant.maxAge ?? 5, CHROMIUM_MAX_AGE_CAP);
    }

    const sent: SentRequest = {
      method,
      url,
      headers: [
        ...(sameOrigin ? [] : [['Origin', origin] as const]),
        ...(headers.some(([name]) => name.toLowerCase() === 'accept')
          ? []
          : [['Accept', '*/*'] as const]),
        ...headers,
        ['Sec-Fetch-Mode', 'cors'],
        ['Sec-Fetch-Dest', 'empty'],
        ['User-Agent', USER_AGENT],
      ],
      ...(body === undefined ? {} : { body }),
    };
    const answer = await send(transport, sent, timeoutMs);
    if (answer instanceof TransportError) {
      steps.push(networkErrorStep('actual', sent, answer));
      return finish('network-error', cacheSeconds);
    }
    // Fetch HTTP fetch: the CORS check applies to every response, redirects included.
    const corsChecks: RuleCheck[] = sameOrigin
      ? [{ rule: 'allow-origin', ok: true, message: 'same-origin response: no CORS check' }]
      : judgeCorsCheck(judged, answer.headers);
    if (corsChecks.some((check) => !check.ok)) {
      steps.push(makeStep('actual', sent, answer, corsChecks));
      return finish('withheld', cacheSeconds);
    }
    if (!isRedirectStatus(answer.status)) {
      const exposeChecks = judgeExposedHeaders(judged, answer.headers, planned.expose);
      steps.push(makeStep('actual', sent, answer, [...corsChecks, ...exposeChecks]));
      return finish(
        exposeChecks.some((check) => !check.ok) ? 'header-hidden' : 'readable',
        cacheSeconds,
      );
    }

    // Fetch HTTP-redirect fetch.
    const next = followRedirect(url, origin, method, answer.headers, answer.status, redirects);
    steps.push(makeStep('actual', sent, answer, [...corsChecks, next.check]));
    if (!next.check.ok || next.url === undefined) return finish('network-error', cacheSeconds);
    if (next.origin !== origin) {
      notes.push(`after the cross-origin redirect to ${next.url} the browser sends Origin: null`);
    }
    url = next.url;
    origin = next.origin;
    if (next.method !== method) {
      // Fetch: the body and its headers go when a redirect turns the request into a GET.
      headers = headers.filter(
        ([name]) =>
          !['content-type', 'content-encoding', 'content-language', 'content-location'].includes(
            name.toLowerCase(),
          ),
      );
      body = undefined;
      method = next.method;
    }
  }
}

/**
 * A server that refuses a preflight usually drops every CORS header, so the browser only says
 * "no Access-Control-Allow-Origin". Find the real cause with a few extra preflights (not part of
 * what the browser sends): without the request headers, each header alone, and for the origin.
 */
async function diagnoseRefusal(
  transport: Transport,
  sent: SentRequest,
  judged: JudgedRequest,
  checks: RuleCheck[],
  timeoutMs: number,
): Promise<RuleCheck[]> {
  const failed = checks.find((check) => !check.ok);
  if (failed?.rule !== 'allow-origin' || !failed.message.startsWith('the answer has no'))
    return checks;
  const grants = async (method: string, names: readonly string[]): Promise<boolean> => {
    const probe: SentRequest = {
      ...sent,
      headers: [
        ...sent.headers.filter(
          ([name]) => !/^access-control-request-(method|headers)$/i.test(name),
        ),
        ['Access-Control-Request-Method', method],
        ...(names.length > 0 ? [['Access-Control-Request-Headers', names.join(',')] as const] : []),
      ],
    };
    const answer = await send(transport, probe, timeoutMs);
    if (answer instanceof TransportError) return false;
    return (
      judgePreflight({ ...judged, method, unsafeHeaderNames: names }, answer.status, answer.headers)
        .grant !== undefined
    );
  };
  const replace = (check: RuleCheck): RuleCheck[] =>
    checks.map((entry) => (entry === failed ? check : entry));
  const prefix = 'the server refused the whole preflight (no Access-Control-Allow-Origin)';
  if (judged.unsafeHeaderNames.length > 0 && (await grants(judged.method, []))) {
    const refused: string[] = [];
    for (const name of judged.unsafeHeaderNames)
      if (!(await grants(judged.method, [name]))) refused.push(name);
    const names = refused.length > 0 ? refused : judged.unsafeHeaderNames;
    return replace({
      rule: names.includes('authorization') ? 'allow-headers-authorization' : 'allow-headers',
      ok: false,
      message: `${prefix}: it grants the same preflight without ${names.join(', ')}, so the preflight's answer lacks Access-Control-Allow-Headers: ${names.join(',')}`,
      fix: `add ${names.join(', ')} to Access-Control-Allow-Headers (allowedHeaders)`,
    });
  }
  if (!isSafelistedMethod(judged.method) && (await grants('GET', []))) {
    return replace({
      rule: 'allow-methods',
      ok: false,
      message: `${prefix}: it grants a preflight for GET but not for ${judged.method}`,
      fix: `add ${judged.method} to Access-Control-Allow-Methods (methods)`,
    });
  }
  return replace({
    ...failed,
    message: `${prefix}: it refuses the origin ${judged.origin} itself`,
  });
}

function followRedirect(
  url: string,
  origin: string,
  method: string,
  headers: HeaderPairs,
  status: number,
  redirects: number,
): { check: RuleCheck; url?: string; origin: string; method: string } {
  const location = getHeader(headers, 'Location');
  let target: URL | undefined;
  try {
    target = location === null ? undefined : new URL(location, url);
  } catch {
    target = undefined;
  }
  if (target === undefined || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
    return {
      origin,
      method,
      check: {
        rule: 'redirect-location',
        ok: false,
        message: `a ${status} redirect without a usable Location (${location ?? 'none'})`,
        fix: 'send an absolute http(s) URL in Location, or answer without redirecting',
      },
    };
  }
  const current = new URL(url);
  if ((target.username !== '' || target.password !== '') && target.origin !== current.origin) {
    return {
      origin,
      method,
      check: {
        rule: 'redirect-location',
        ok: false,
        message: `the redirect to ${target.origin} carries credentials in the URL`,
        fix: 'drop the user name and password from the Location URL',
      },
    };
  }
  if (redirects + 1 > MAX_REDIRECTS) {
    return {
      origin,
      method,
      check: {
        rule: 'redirect-limit',
        ok: false,
        message: `more than ${MAX_REDIRECTS} redirects (a redirect loop?); the last went to ${target.href}`,
        fix: 'stop the redirect loop: answer the URL the page fetches directly',
      },
    };
  }
  // Fetch: a cross-origin redirect of a request from another origin taints it: Origin: null.
  const tainted = target.origin !== current.origin && origin !== current.origin;
  const newMethod =
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
      ? 'GET'
      : method;
  return {
    url: target.href,
    origin: tainted ? 'null' : origin,
    method: newMethod,
    check: {
      rule: 'allow-origin',
      ok: true,
      message: `redirect ${status} to ${target.href}${tainted ? '; the browser follows it with Origin: null' : ''}`,
    },
  };
}

/** Sends with a hard timeout, whatever the transport does; never throws. */
async function send(
  transport: Transport,
  request: SentRequest,
  timeoutMs: number,
): Promise<ReceivedResponse | TransportError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<TransportError>((resolve) => {
    timer = setTimeout(
      () => resolve(new TransportError('timeout', `no answer within ${formatMs(timeoutMs)}`)),
      timeoutMs + 50,
    );
  });
  try {
    return await Promise.race([
      transport(request, timeoutMs).catch((error: unknown) =>
        error instanceof TransportError
          ? error
          : new TransportError('other', error instanceof Error ? error.message : String(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function makeStep(
  kind: 'preflight' | 'actual',
  sent: SentRequest,
  received: ReceivedResponse,
  checks: readonly RuleCheck[],
): CheckStep {
  const deciding = checks.find((check) => !check.ok) ?? checks.at(-1);
  const rule = deciding?.rule ?? 'allow-origin';
  return {
    kind,
    sent,
    received,
    ok: checks.every((check) => check.ok),
    rule,
    ruleTitle: RULES[rule].title,
    spec: RULES[rule].spec,
    message: deciding?.message ?? '',
    fix: deciding?.ok === false ? (deciding.fix ?? null) : null,
    checks,
  };
}

const NETWORK_FIXES: Record<TransportError['code'], string> = {
  timeout:
    'make the server answer (check it is up, and that OPTIONS is not left hanging by a route or proxy)',
  'connection-refused': 'start the server, or check the host and port',
  'connection-closed':
    'find what closes the connection without an answer (a crash, a proxy, a TLS mismatch)',
  'headers-too-large': 'send smaller response headers (browsers refuse header blocks over 256 KiB)',
  'invalid-response': 'answer with valid HTTP (status line and headers)',
  'handler-threw': 'the handler threw instead of answering: catch the error and answer 500',
  other: 'check the server is reachable and answers HTTP',
};

function networkErrorStep(
  kind: 'preflight' | 'actual',
  sent: SentRequest,
  error: TransportError,
): CheckStep {
  const fix = NETWORK_FIXES[error.code];
  const check: RuleCheck = {
    rule: 'network-error',
    ok: false,
    message: `${error.code}: ${error.message}`,
    fix,
  };
  return {
    kind,
    sent,
    received: null,
    ok: false,
    rule: 'network-error',
    ruleTitle: RULES['network-error'].title,
    spec: RULES['network-error'].spec,
    message: check.message,
    fix,
    checks: [check],
  };
}

function summarize(
  planned: PlannedFetch,
  outcome: FetchOutcome,
  steps: readonly CheckStep[],
): string {
  const what = `${planned.method} ${planned.url} from ${planned.origin}${planned.credentials ? ' with credentials' : ''}`;
  const failed = steps.find((step) => !step.ok);
  switch (outcome) {
    case 'readable':
      return `a browser lets the page read ${what}`;
    case 'header-hidden':
      return `a browser lets the page read ${what}, but not every header it reads: ${failed?.message ?? ''}`;
    case 'withheld':
      return `a browser sends ${what}, the route runs, and the page gets a CORS error: ${failed?.message ?? ''}`;
    case 'blocked-at-preflight':
      return `a browser refuses the preflight for ${what} and never sends it: ${failed?.message ?? ''}`;
    case 'network-error':
      return `a browser gets a network error for ${what}: ${failed?.message ?? ''}`;
  }
}

/** `10s`, `250ms`. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
