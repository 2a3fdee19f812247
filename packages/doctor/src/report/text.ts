import type { AuditReport } from '../engine/audit.js';
import type { HeaderPairs } from '../engine/http-types.js';
import { clip } from '../engine/judge.js';
import type { PolicyCheck } from '../engine/policy-matrix.js';
import type { CorsCheck } from '../engine/run-fetch.js';
import { relevantHeaders, type DoctorResult } from './rows.js';

/** Text styles; all identity functions when colour is off. */
interface Paint {
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

function paint(colour: boolean): Paint {
  const style = (open: number, close: number) => (text: string) =>
    colour ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    red: style(31, 39),
    green: style(32, 39),
    yellow: style(33, 39),
    dim: style(2, 22),
    bold: style(1, 22),
  };
}

/** The human-readable report (the CLI's default output). `colour` only on a TTY. */
export function formatText(result: DoctorResult, options: { colour?: boolean } = {}): string {
  const p = paint(options.colour ?? false);
  switch (result.kind) {
    case 'check':
      return formatCheck(result, p);
    case 'audit':
      return formatAudit(result, p);
    case 'policy':
      return formatPolicy(result, p);
  }
}

function headerLines(label: string, headers: HeaderPairs, p: Paint, hidden = 0): string[] {
  const lines = headers.map(
    ([name, value], index) =>
      `   ${index === 0 ? label.padEnd(9) : ' '.repeat(9)} ${name}: ${clip(value)}`,
  );
  if (lines.length === 0) lines.push(`   ${label.padEnd(9)} ${p.dim('(no CORS headers)')}`);
  if (hidden > 0) lines.push(`   ${' '.repeat(9)} ${p.dim(`(+${hidden} other headers)`)}`);
  return lines;
}

function formatCheck(check: CorsCheck, p: Paint): string {
  const { request } = check;
  const lines = [
    p.bold(
      `cors-doctor: ${request.method} ${request.url} from ${request.origin}${request.credentials ? ' (credentials: include)' : ''}`,
    ),
  ];
  if (request.needsPreflight) {
    const why = [
      ...(['GET', 'HEAD', 'POST'].includes(request.method)
        ? []
        : [`${request.method} is not a CORS-safelisted method`]),
      ...(request.unsafeHeaderNames.length > 0
        ? [`${request.unsafeHeaderNames.join(', ')} not CORS-safelisted`]
        : []),
    ];
    lines.push(p.dim(`   a preflight comes first: ${why.join('; ')}`));
  } else if (!request.sameOrigin) {
    lines.push(p.dim('   no preflight: the method and headers are CORS-safelisted'));
  }
  for (const note of check.notes) lines.push(p.dim(`   note: ${note}`));
  check.steps.forEach((step, index) => {
    lines.push('');
    lines.push(
      p.bold(
        `${index + 1}. ${step.kind === 'preflight' ? 'preflight' : 'actual request'}  ${step.sent.method} ${step.sent.url}`,
      ),
    );
    lines.push(...headerLines('sent', step.sent.headers, p));
    if (step.received) {
      const shown = relevantHeaders(step.received.headers);
      lines.push(
        `   ${'received'.padEnd(9)} ${step.received.status} ${step.received.statusText}`.trimEnd(),
      );
      lines.push(...headerLines('', shown, p, step.received.headers.length - shown.length));
    } else {
      lines.push(`   ${'received'.padEnd(9)} ${p.red('nothing')}`);
    }
    lines.push(`   ${'verdict'.padEnd(9)} ${step.ok ? p.green('PASS') : p.red('FAIL')}`);
    lines.push(`   ${'rule'.padEnd(9)} ${step.ruleTitle} ${p.dim(`[${step.rule}]`)}`);
    lines.push(`   ${'why'.padEnd(9)} ${step.message}`);
    if (step.fix) lines.push(`   ${'fix'.padEnd(9)} ${p.yellow(step.fix)}`);
  });
  if (check.outcome === 'blocked-at-preflight') {
    lines.push(
      '',
      p.bold(`${check.steps.length + 1}. actual request`) +
        '  not sent: the browser stops at a refused preflight',
    );
  }
  if (check.preflightCacheSeconds !== null) {
    lines.push(
      '',
      p.dim(`the browser may reuse this preflight for ${check.preflightCacheSeconds} s`),
    );
  }
  lines.push('', check.ok ? p.green(`✓ ${check.summary}`) : p.red(`✗ ${check.summary}`));
  return lines.join('\n');
}

function formatAudit(report: AuditReport, p: Paint): string {
  const lines = [
    p.bold(`cors-doctor --audit: ${report.url} (allowed origin ${report.origin})`),
    '',
  ];
  lines.push(
    `probed ${report.probes.length} origins: ${report.probes.map((probe) => `${probe.request.origin} → ${probe.outcome}`).join(', ')}`,
  );
  if (report.findings.length === 0) lines.push('', p.green('✓ no findings'));
  for (const finding of report.findings) {
    const colour = ['critical', 'high'].includes(finding.severity)
      ? p.red
      : finding.severity === 'medium'
        ? p.yellow
        : p.dim;
    lines.push(
      '',
      colour(p.bold(`[${finding.severity.toUpperCase()}] ${finding.title}`)),
      `   ${finding.message}`,
    );
    const evidence = finding.evidence.at(-1);
    if (evidence) {
      const origin = evidence.sent.headers.find(([name]) => name === 'Origin')?.[1];
      lines.push(
        p.dim(
          `   shown by ${evidence.sent.method} ${evidence.sent.url}${origin ? ` with Origin: ${origin}` : ' without Origin'}`,
        ),
      );
      if (evidence.received) {
        lines.push(
          ...headerLines(
            'got',
            [
              [`status`, String(evidence.received.status)],
              ...relevantHeaders(evidence.received.headers),
            ],
            p,
          ),
        );
      }
    }
    lines.push(`   fix: ${p.yellow(finding.fix)}`);
  }
  lines.push(
    '',
    report.ok
      ? p.green('✓ nothing of severity medium or worse')
      : p.red('✗ findings of severity medium or worse'),
  );
  return lines.join('\n');
}

function formatPolicy(result: PolicyCheck, p: Paint): string {
  const lines = [
    p.bold(`cors-doctor --expect: ${result.url} (${result.rows.length} browser requests)`),
    '',
  ];
  for (const note of result.notes) lines.push(p.dim(`note: ${note}`));
  const ordered = [...result.rows.filter((row) => !row.ok), ...result.rows.filter((row) => row.ok)];
  for (const row of ordered) {
    const { request } = row;
    const head = `${row.ok ? p.green('✓') : p.red('✗')} ${row.title} ${p.dim(`(${request.method ?? 'GET'} from ${request.origin})`)}`;
    lines.push(head);
    if (!row.ok) {
      const failed = row.check.steps.find((step) => !step.ok) ?? row.check.steps.at(-1);
      lines.push(`   ${row.mismatch ?? ''}`);
      if (row.expected === row.check.outcome) {
        lines.push(
          `   fix: ${p.yellow('send the Access-Control-Max-Age the policy sets (maxAge)')}`,
        );
      } else if (failed) {
        lines.push(`   ${failed.kind}: ${failed.message}`);
        if (failed.fix && (row.expected === 'readable' || row.expected === 'header-hidden'))
          lines.push(`   fix: ${p.yellow(failed.fix)}`);
        else
          lines.push(
            `   fix: ${p.yellow('the server grants what the policy refuses: make it decide with the policy')}`,
          );
      }
    }
  }
  const failed = result.rows.filter((row) => !row.ok).length;
  lines.push(
    '',
    failed === 0
      ? p.green(`✓ the server answers all ${result.rows.length} requests as the policy says`)
      : p.red(
          `✗ ${failed} of ${result.rows.length} requests are answered differently from the policy`,
        ),
  );
  return lines.join('\n');
}
