import type { AuditReport } from '../engine/audit.js';
import type { HeaderPairs, ReceivedResponse, SentRequest } from '../engine/http-types.js';
import type { PolicyCheck, PolicyRow } from '../engine/policy-matrix.js';
import { RULES } from '../engine/rules.js';
import type { CheckStep, CorsCheck } from '../engine/run-fetch.js';

/** Whatever the doctor produced: one fetch's check, an audit, or a policy check. */
export type DoctorResult = CorsCheck | AuditReport | PolicyCheck;

/** One request, flattened for a report row. */
export interface ReportRow {
  readonly title: string;
  readonly ok: boolean;
  /** `pass`, `fail`, or an audit severity. */
  readonly verdict: string;
  readonly sent: SentRequest | null;
  readonly received: ReceivedResponse | null;
  readonly rule: string;
  readonly message: string;
  readonly fix: string | null;
}

/** The response headers worth showing: CORS, Vary, Location and the content type. */
export function relevantHeaders(headers: HeaderPairs): HeaderPairs {
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return (
      lower.startsWith('access-control-') || ['vary', 'location', 'content-type'].includes(lower)
    );
  });
}

/** The request headers worth showing: all but the ones every fetch() sends (Accept, Sec-Fetch-*, User-Agent). */
export function relevantSentHeaders(headers: HeaderPairs): HeaderPairs {
  return headers.filter(([name, value]) => {
    const lower = name.toLowerCase();
    return !(
      lower.startsWith('sec-fetch-') ||
      lower === 'user-agent' ||
      (lower === 'accept' && value === '*/*')
    );
  });
}

function stepRow(title: string, step: CheckStep): ReportRow {
  return {
    title,
    ok: step.ok,
    verdict: step.ok ? 'pass' : 'fail',
    sent: step.sent,
    received: step.received,
    rule: `${step.rule}: ${step.ruleTitle}`,
    message: step.message,
    fix: step.fix,
  };
}

/** Every request of a result as rows, failed rows first (stable otherwise). */
export function reportRows(result: DoctorResult): ReportRow[] {
  const rows: ReportRow[] = [];
  if (result.kind === 'check') {
    for (const step of result.steps)
      rows.push(stepRow(step.kind === 'preflight' ? 'preflight' : 'actual request', step));
  } else if (result.kind === 'policy') {
    for (const row of result.rows) {
      const cacheOnly = !row.ok && row.expected === row.check.outcome;
      const failed = cacheOnly
        ? row.check.steps.find((step) => step.kind === 'preflight')
        : (row.check.steps.find((step) => !step.ok) ?? row.check.steps.at(-1));
      const rule = cacheOnly ? 'preflight-cache' : failed?.rule;
      rows.push({
        title: row.title,
        ok: row.ok,
        verdict: row.ok ? 'pass' : 'fail',
        sent: failed?.sent ?? null,
        received: failed?.received ?? null,
        rule: rule ? `${rule}: ${RULES[rule].title}` : '',
        message: `${row.mismatch ?? `as the policy says: ${row.expected}`}${failed && !failed.ok ? `: ${failed.message}` : ''}`,
        fix: row.ok ? null : policyFix(row, failed ?? null),
      });
    }
  } else {
    for (const finding of result.findings) {
      const evidence = finding.evidence.at(-1);
      rows.push({
        title: finding.title,
        ok: !['critical', 'high', 'medium'].includes(finding.severity),
        verdict: finding.severity,
        sent: evidence?.sent ?? null,
        received: evidence?.received ?? null,
        rule: `audit: ${finding.id}`,
        message: finding.message,
        fix: finding.fix,
      });
    }
    for (const probe of result.probes) {
      const last = probe.steps.at(-1);
      if (!last) continue;
      rows.push({
        title: `probe from ${probe.request.origin}`,
        ok: true,
        verdict: probe.outcome,
        sent: last.sent,
        received: last.received,
        rule: `${last.rule}: ${last.ruleTitle}`,
        message: probe.summary,
        fix: null,
      });
    }
  }
  return [...rows.filter((row) => !row.ok), ...rows.filter((row) => row.ok)];
}

function policyFix(row: PolicyRow, step: CheckStep | null): string {
  const { expected } = row;
  if (expected === row.check.outcome)
    return 'send the Access-Control-Max-Age the policy sets (maxAge)';
  if (expected === 'readable' || expected === 'header-hidden') {
    return step?.fix ?? 'make the server grant this request as the policy says';
  }
  return expected === 'blocked-at-preflight'
    ? 'the server grants a preflight the policy refuses: tighten its origins, methods or allowedHeaders'
    : 'the server grants a request the policy refuses: tighten its origin list';
}
