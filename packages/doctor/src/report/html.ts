import type { HeaderPairs } from '../engine/http-types.js';
import { clip } from '../engine/judge.js';
import {
  relevantHeaders,
  relevantSentHeaders,
  reportRows,
  type DoctorResult,
  type ReportRow,
} from './rows.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function headerList(headers: HeaderPairs): string {
  if (headers.length === 0) return '<span class="none">none</span>';
  return headers
    .map(([name, value]) => `<div><b>${escapeHtml(name)}</b>: ${escapeHtml(clip(value))}</div>`)
    .join('');
}

function row(entry: ReportRow, index: number): string {
  const sent = entry.sent
    ? `<div class="line">${escapeHtml(entry.sent.method)} ${escapeHtml(clip(entry.sent.url, 200))}</div>${headerList(relevantSentHeaders(entry.sent.headers))}`
    : '<span class="none">—</span>';
  const received = entry.received
    ? `<div class="line">${entry.received.status} ${escapeHtml(entry.received.statusText)}</div>${headerList(relevantHeaders(entry.received.headers))}`
    : '<span class="none">no response</span>';
  return `<tr class="${entry.ok ? 'ok' : 'failed'}" data-verdict="${escapeHtml(entry.verdict)}">
<td>${index + 1}</td>
<td class="title">${escapeHtml(entry.title)}</td>
<td class="headers">${sent}</td>
<td class="headers">${received}</td>
<td class="verdict"><span class="badge ${entry.ok ? 'pass' : 'fail'}">${escapeHtml(entry.verdict)}</span></td>
<td>${escapeHtml(entry.rule)}<div class="why">${escapeHtml(entry.message)}</div></td>
<td class="fix">${entry.fix ? escapeHtml(entry.fix) : ''}</td>
</tr>`;
}

function heading(result: DoctorResult): string {
  switch (result.kind) {
    case 'check':
      return `${result.request.method} ${result.request.url} from ${result.request.origin}`;
    case 'audit':
      return `audit of ${result.url} (allowed origin ${result.origin})`;
    case 'policy':
      return `policy check of ${result.url}`;
  }
}

/**
 * A one-page HTML report: each request a row with its headers, the verdict, the rule and the
 * fix, failed rows first. Self-contained: inline CSS, no script, no external asset.
 */
export function formatHtml(result: DoctorResult): string {
  const rows = reportRows(result);
  const failed = rows.filter((entry) => !entry.ok).length;
  const title = `cors-doctor: ${heading(result)}`;
  const verdict = result.ok ? 'a browser would succeed' : `${failed} of ${rows.length} rows failed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { margin: 0 0 16px; font-weight: 600; }
.summary.ok { color: #1a7f37; } .summary.failed { color: #cf222e; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
tr.failed { background: #fff5f5; }
table { table-layout: fixed; }
th:nth-child(1) { width: 2.5em; } th:nth-child(2) { width: 12%; } th:nth-child(3), th:nth-child(4) { width: 22%; }
th:nth-child(5) { width: 6em; } th:nth-child(6) { width: 22%; } th:nth-child(7) { width: 14%; }
td { overflow-wrap: anywhere; }
td.headers { font: 12px/1.4 ui-monospace, monospace; }
.line { font-weight: 600; margin-bottom: 2px; }
.none { color: #6e7781; }
.why { color: #57606a; margin-top: 4px; }
.fix { color: #9a6700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; }
.badge.pass { background: #1a7f37; } .badge.fail { background: #cf222e; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary ${result.ok ? 'ok' : 'failed'}">${escapeHtml(verdict)}</p>
<table>
<thead><tr><th>#</th><th>request</th><th>sent</th><th>received</th><th>verdict</th><th>rule</th><th>fix</th></tr></thead>
<tbody>
${rows.map(row).join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
