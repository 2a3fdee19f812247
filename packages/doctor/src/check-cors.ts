import { runAudit, type AuditInput, type AuditReport } from './engine/audit.js';
import type { BrowserRequest } from './engine/browser-request.js';
import {
  runPolicyCheck,
  type PolicyCheck,
  type PolicyInput,
  type ProgressListener,
} from './engine/policy-matrix.js';
import { runFetch, type CorsCheck } from './engine/run-fetch.js';
import { openTarget, type CorsTarget } from './target.js';

/** Options of `checkCors` and `auditCors`. */
export interface CheckOptions {
  /** Milliseconds each request may take before it counts as a network error. @default 10000 */
  readonly timeoutMs?: number;
  /** Called after each request of a policy matrix. @default none */
  readonly onProgress?: ProgressListener;
}

/**
 * Replays a page's `fetch()` against `target` exactly as a browser sends it (the preflight
 * when the Fetch Standard requires one, then the actual request) and judges each answer by the
 * Fetch Standard. With `{ policy }`, checks every request the policy implies instead.
 * Never rejects because of what the server does: timeouts, closed sockets, huge headers and
 * redirect loops are verdicts.
 *
 * @example
 * const result = await checkCors(app, { origin: 'https://app.example.com', method: 'PUT', credentials: true });
 * expect(result.ok).toBe(true); // result.steps say what was sent, what came back, and why
 */
export function checkCors(
  target: CorsTarget,
  request: BrowserRequest,
  options?: CheckOptions,
): Promise<CorsCheck>;
export function checkCors(
  target: CorsTarget,
  policy: PolicyInput,
  options?: CheckOptions,
): Promise<PolicyCheck>;
export async function checkCors(
  target: CorsTarget,
  input: BrowserRequest | PolicyInput,
  options: CheckOptions = {},
): Promise<CorsCheck | PolicyCheck> {
  const open = await openTarget(target);
  try {
    if ('policy' in input)
      return await runPolicyCheck(open.transport, input, open.baseUrl, options);
    return await runFetch(open.transport, input, open.baseUrl, options);
  } finally {
    await open.close();
  }
}

/**
 * Probes `target` for the misconfigurations that get servers breached or caches poisoned:
 * reflected look-alike origins, credentials granted to them, a missing `Vary: Origin`, refused
 * preflights that still run the route, grants on error responses, and the preflight's Max-Age.
 * `request.origin` is the origin that is meant to be allowed.
 *
 * @example
 * const report = await auditCors('https://api.example.com/me', { origin: 'https://app.example.com' });
 * // report.findings: [{ severity: 'critical', title: 'credentials granted to …', fix: '…' }]
 */
export async function auditCors(
  target: CorsTarget,
  request: AuditInput,
  options: CheckOptions = {},
): Promise<AuditReport> {
  const open = await openTarget(target);
  try {
    return await runAudit(open.transport, request, open.baseUrl, options);
  } finally {
    await open.close();
  }
}
