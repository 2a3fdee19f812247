import type { BrowserRequest } from './browser-request.js';
import { planFetch } from './browser-request.js';
import { isSafelistedMethod } from './fetch-rules.js';
import {
  TransportError,
  getHeader,
  isOkStatus,
  type ReceivedResponse,
  type SentRequest,
  type Transport,
} from './http-types.js';
import { clip, judgePreflight, parseMaxAge } from './judge.js';
import { lookAlikeOrigins, randomLabel } from './look-alikes.js';
import { DEFAULT_TIMEOUT_MS, runFetch, type CorsCheck, type RunOptions } from './run-fetch.js';

/** How bad a finding is. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Severities that fail an audit (exit code 1). */
export const FAILING_SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium'];

/** One misconfiguration (or notice) the audit found. */
export interface AuditFinding {
  readonly id:
    | 'origin-reflected'
    | 'credentials-to-any-origin'
    | 'wildcard-with-credentials'
    | 'allowed-origin-refused'
    | 'vary-origin-missing'
    | 'refused-preflight-reaches-route'
    | 'error-response-grants'
    | 'error-response-drops-grant'
    | 'max-age';
  readonly severity: Severity;
  readonly title: string;
  /** What was seen, with the probe that showed it. */
  readonly message: string;
  readonly fix: string;
  /** The exchange that shows it. */
  readonly evidence: readonly {
    readonly sent: SentRequest;
    readonly received: ReceivedResponse | null;
  }[];
}

/** The result of `auditCors`. */
export interface AuditReport {
  readonly kind: 'audit';
  /** No finding of severity medium or worse. */
  readonly ok: boolean;
  /** The origin the audit treats as legitimately allowed. */
  readonly origin: string;
  readonly url: string;
  readonly findings: readonly AuditFinding[];
  /** Every browser fetch the audit replayed (the legitimate origin first, then the look-alikes). */
  readonly probes: readonly CorsCheck[];
}

/** What to audit: the legitimate origin and, optionally, the request shape to probe with. */
export type AuditInput = BrowserRequest;

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Probes the misconfigurations that get servers breached or caches poisoned. */
export async function runAudit(
  transport: Transport,
  input: AuditInput,
  baseUrl: string,
  options: RunOptions = {},
): Promise<AuditReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const planned = planFetch(input, baseUrl);
  const findings: AuditFinding[] = [];
  const probes: CorsCheck[] = [];
  const raw = async (sent: SentRequest): Promise<ReceivedResponse | null> => {
    try {
      return await transport(sent, timeoutMs);
    } catch (error) {
      if (error instanceof TransportError) return null;
      throw error;
    }
  };
  const simpleGet = (url: string, origin: string | null): SentRequest => ({
    method: 'GET',
    url,
    headers: [...(origin === null ? [] : [['Origin', origin] as const]), ['Accept', '*/*']],
  });

  // The legitimate origin, as the page would fetch (with credentials: what matters is whether
  // a credentialed read would work, for the look-alikes below).
  const legitimate = await runFetch(
    transport,
    { ...input, credentials: input.credentials ?? false },
    baseUrl,
    options,
  );
  probes.push(legitimate);
  if (!legitimate.ok) {
    findings.push({
      id: 'allowed-origin-refused',
      severity: 'info',
      title: `${planned.origin} itself does not pass`,
      message: legitimate.summary,
      fix: 'run cors-doctor without --audit for the step-by-step reason',
      evidence: evidenceOf(legitimate),
    });
  }

  // Look-alike origins: each replayed as a credentialed fetch of the same shape.
  for (const probe of lookAlikeOrigins(planned.origin)) {
    const check = await runFetch(
      transport,
      { ...input, origin: probe.origin, credentials: true },
      baseUrl,
      options,
    );
    probes.push(check);
    const last = check.steps.at(-1);
    const allowOrigin = last?.received
      ? getHeader(last.received.headers, 'Access-Control-Allow-Origin')
      : null;
    if (check.outcome === 'readable' || check.outcome === 'header-hidden') {
      findings.push({
        id: 'credentials-to-any-origin',
        severity: 'critical',
        title: `credentials granted to ${probe.description}`,
        message: `a page on ${probe.origin} can read ${planned.url} with the user's cookies (Access-Control-Allow-Origin: ${clip(allowOrigin ?? '')}, Access-Control-Allow-Credentials: true)`,
        fix: 'compare the Origin with an exact allowlist (whole origin, not a prefix, suffix or unanchored RegExp) before echoing it',
        evidence: evidenceOf(check),
      });
    } else if (allowOrigin === probe.origin) {
      findings.push({
        id: 'origin-reflected',
        severity: 'high',
        title: `${probe.description} is reflected`,
        message: `the server answers Origin: ${probe.origin} with Access-Control-Allow-Origin: ${probe.origin}; any site can read it (without cookies)`,
        fix: 'compare the Origin with an exact allowlist before echoing it; never reflect it unchecked',
        evidence: evidenceOf(check),
      });
    } else if (allowOrigin === '*' && probe.kind === 'random') {
      const credentials = last?.received
        ? getHeader(last.received.headers, 'Access-Control-Allow-Credentials')
        : null;
      if (credentials === 'true') {
        findings.push({
          id: 'wildcard-with-credentials',
          severity: 'low',
          title:
            'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
          message:
            'browsers refuse every credentialed request to this answer; the credentials setting does nothing but mislead',
          fix: 'list the allowed origins (then credentials work for them), or drop credentials',
          evidence: evidenceOf(check),
        });
      }
    }
  }

  // Vary: when the grant depends on the Origin, every answer must say so to caches.
  const url = planned.url;
  const stranger = `https://${randomLabel()}.attacker.test`;
  const [forAllowed, forStranger, forNone] = await Promise.all([
    raw(simpleGet(url, planned.origin)),
    raw(simpleGet(url, stranger)),
    raw(simpleGet(url, null)),
  ]);
  if (forAllowed && forStranger) {
    const grantAllowed = getHeader(forAllowed.headers, 'Access-Control-Allow-Origin');
    const grantStranger = getHeader(forStranger.headers, 'Access-Control-Allow-Origin');
    const grantNone = forNone ? getHeader(forNone.headers, 'Access-Control-Allow-Origin') : null;
    const dependsOnOrigin = grantAllowed !== grantStranger || grantAllowed !== grantNone;
    if (dependsOnOrigin) {
      const lacking = (
        [
          [planned.origin, simpleGet(url, planned.origin), forAllowed],
          [stranger, simpleGet(url, stranger), forStranger],
          ['no Origin', simpleGet(url, null), forNone],
        ] as const
      ).filter(([, , received]) => received !== null && !variesOnOrigin(received));
      if (lacking.length > 0) {
        findings.push({
          id: 'vary-origin-missing',
          severity: 'medium',
          title: 'Vary: Origin missing on answers that depend on the Origin',
          message: `the grant differs by origin (${planned.origin} → ${grantAllowed ?? 'none'}, another origin → ${grantStranger ?? 'none'}), but the answer to ${lacking.map(([who]) => who).join(', ')} has no Vary: Origin, so a shared cache can hand one origin's answer to another`,
          fix: 'add Origin to Vary on every response of the route (allowed, refused and non-CORS)',
          evidence: lacking.map(([, sent, received]) => ({ sent, received })),
        });
      }
    }
  }

  // A refused preflight must not run the route.
  const probeMethod = isSafelistedMethod(planned.method) ? 'PUT' : planned.method;
  const refusedPreflight: SentRequest = {
    method: 'OPTIONS',
    url,
    headers: [
      ['Origin', stranger],
      ['Access-Control-Request-Method', probeMethod],
      ['Access-Control-Request-Headers', 'x-cors-doctor-probe'],
    ],
  };
  const refusedAnswer = await raw(refusedPreflight);
  if (refusedAnswer) {
    const verdict = judgePreflight(
      {
        origin: stranger,
        credentials: false,
        method: probeMethod,
        unsafeHeaderNames: ['x-cors-doctor-probe'],
      },
      refusedAnswer.status,
      refusedAnswer.headers,
    );
    const sameAsRoute =
      forNone !== null &&
      forNone.bodyPreview !== '' &&
      refusedAnswer.bodyPreview === forNone.bodyPreview;
    if (!verdict.grant && (sameAsRoute || refusedAnswer.status >= 500)) {
      findings.push({
        id: 'refused-preflight-reaches-route',
        severity: 'medium',
        title: 'a refused preflight still runs the route',
        message: sameAsRoute
          ? `the refused preflight got status ${refusedAnswer.status} and the route's own body ("${clip(refusedAnswer.bodyPreview, 60)}")`
          : `the refused preflight got status ${refusedAnswer.status}: the request reached code that failed on it`,
        fix: 'answer every OPTIONS preflight in the CORS layer, before routing (refused: 403, no body)',
        evidence: [{ sent: refusedPreflight, received: refusedAnswer }],
      });
    }
  }

  // Error responses: a missing route answered for the legitimate origin and a stranger.
  const missingUrl = new URL(
    `cors-doctor-missing-${randomLabel()}`,
    url.endsWith('/') ? url : `${url}/`,
  ).href;
  const [errorAllowed, errorStranger] = await Promise.all([
    raw(simpleGet(missingUrl, planned.origin)),
    raw(simpleGet(missingUrl, stranger)),
  ]);
  const routeGrantsStranger =
    forStranger !== null && getHeader(forStranger.headers, 'Access-Control-Allow-Origin') !== null;
  if (errorStranger && !isOkStatus(errorStranger.status) && !routeGrantsStranger) {
    const grant = getHeader(errorStranger.headers, 'Access-Control-Allow-Origin');
    if (grant === stranger) {
      findings.push({
        id: 'error-response-grants',
        severity: 'high',
        title: 'error responses grant any origin',
        message: `the route refuses other origins, but a ${errorStranger.status} answers ${stranger} with Access-Control-Allow-Origin: ${stranger}`,
        fix: "let the error handler keep the CORS layer's decision instead of setting its own Access-Control-Allow-Origin",
        evidence: [{ sent: simpleGet(missingUrl, stranger), received: errorStranger }],
      });
    }
  }
  const routeGrantsAllowed =
    forAllowed !== null && getHeader(forAllowed.headers, 'Access-Control-Allow-Origin') !== null;
  if (errorAllowed && !isOkStatus(errorAllowed.status) && routeGrantsAllowed) {
    if (getHeader(errorAllowed.headers, 'Access-Control-Allow-Origin') === null) {
      findings.push({
        id: 'error-response-drops-grant',
        severity: 'low',
        title: 'error responses lose their CORS headers',
        message: `a ${errorAllowed.status} for ${planned.origin} has no Access-Control-Allow-Origin, so the page sees a CORS error instead of the real ${errorAllowed.status}`,
        fix: 'run the CORS layer before routing and error handling, so error responses keep its headers',
        evidence: [{ sent: simpleGet(missingUrl, planned.origin), received: errorAllowed }],
      });
    }
  }

  // The preflight's Max-Age, from a preflight the legitimate origin would send.
  const preflightStep = legitimate.steps.find((step) => step.kind === 'preflight' && step.ok);
  const maxAgeSource =
    preflightStep ??
    (await (async () => {
      const sent: SentRequest = {
        method: 'OPTIONS',
        url,
        headers: [
          ['Origin', planned.origin],
          ['Access-Control-Request-Method', probeMethod],
        ],
      };
      const received = await raw(sent);
      return received &&
        judgePreflight(
          {
            origin: planned.origin,
            credentials: planned.credentials,
            method: probeMethod,
            unsafeHeaderNames: [],
          },
          received.status,
          received.headers,
        ).grant
        ? { sent, received }
        : undefined;
    })());
  if (maxAgeSource?.received) {
    const value = getHeader(maxAgeSource.received.headers, 'Access-Control-Max-Age');
    const seconds = parseMaxAge(value);
    const evidence = [{ sent: maxAgeSource.sent, received: maxAgeSource.received }];
    if (value === null) {
      findings.push({
        id: 'max-age',
        severity: 'info',
        title: 'no Access-Control-Max-Age on the preflight',
        message:
          'browsers keep the preflight for 5 seconds only, so most preflighted requests cost a second round trip',
        fix: 'send Access-Control-Max-Age (maxAge), e.g. 600; Chromium caps it at 7200',
        evidence,
      });
    } else if (seconds === null) {
      findings.push({
        id: 'max-age',
        severity: 'low',
        title: `Access-Control-Max-Age "${clip(value, 40)}" is not a number of seconds`,
        message: 'browsers ignore it and keep the preflight for 5 seconds',
        fix: 'send a non-negative integer number of seconds',
        evidence,
      });
    } else if (seconds > 7200) {
      findings.push({
        id: 'max-age',
        severity: 'info',
        title: `Access-Control-Max-Age is ${seconds} seconds`,
        message:
          'Chromium caps it at 7200 and Firefox at 86400; a changed policy reaches browsers only after that',
        fix: 'use at most 7200 (2 hours)',
        evidence,
      });
    }
  }

  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return {
    kind: 'audit',
    ok: !findings.some((finding) => FAILING_SEVERITIES.includes(finding.severity)),
    origin: planned.origin,
    url,
    findings,
    probes,
  };
}

function variesOnOrigin(response: ReceivedResponse): boolean {
  const vary = getHeader(response.headers, 'Vary') ?? '';
  return vary.split(',').some((name) => ['origin', '*'].includes(name.trim().toLowerCase()));
}

function evidenceOf(check: CorsCheck): AuditFinding['evidence'] {
  return check.steps.map(({ sent, received }) => ({ sent, received }));
}
