import { compileOptions, type CompiledPolicy } from './compile.js';
import { CorsConfigError, describeValue, type CorsConfigIssue } from './config-error.js';
import type { CorsDecision, RefusalReason } from './decision.js';
import { readOwnOptions } from './merge-options.js';
import type { CorsOptions } from './options.js';
import { isPromiseLike } from './origin/matcher.js';
import { explainRefusal } from './policy.js';

/** What a candidate policy would have done with a request its enforced policy answered. */
export type CorsReportOutcome = 'would-refuse' | 'would-allow' | 'would-fail';

/**
 * How the candidate (`report: options`, or the policy itself under `mode: 'report-only'`) would
 * have answered a CORS request differently from the answer that was sent. Found on the decision
 * `onDecision` receives, as `decision.report`.
 */
export interface CorsReport {
  /**
   * `would-refuse`: the answer granted the request, the candidate would refuse it.
   * `would-allow`: the answer refused it, the candidate would grant it.
   * `would-fail`: the candidate's `origin` function threw, rejected or timed out, so enforcing
   * it would have sent this request to the framework's error handling.
   */
  readonly outcome: CorsReportOutcome;
  /**
   * `would-refuse`: why the candidate would refuse. `would-allow`: why the answer refused (what
   * the candidate no longer refuses). Unset for `would-fail`.
   */
  readonly reason?: RefusalReason;
  /** The offending request value for `reason` (see `CorsDecision.detail`). For logs; never sent. */
  readonly detail?: string;
  /** The candidate's own decision (`would-refuse`, `would-allow`). */
  readonly candidate?: CorsDecision;
  /** What the candidate's `origin` function threw or rejected with (`would-fail`). */
  readonly error?: unknown;
}

/** The candidate's decision, or what its `origin` function failed with. */
type CandidateAnswer = CorsDecision | { readonly failed: unknown };

/** A policy's decision function: `evaluate`'s for requests, `checkUpgrade`'s for handshakes. */
type Decide<Input> = (input: Input) => CorsDecision | Promise<CorsDecision>;

/** What `compileReporting` found in the `mode` and `report` options. */
export interface CompiledReporting<Request> {
  /** `mode: 'report-only'`: requests are granted as asked, and the policy is the candidate. */
  readonly reportOnly: boolean;
  /** `report: options`, compiled: evaluated beside the policy, which answers. */
  readonly candidate: CompiledPolicy<Request> | undefined;
}

/**
 * Validates `mode` and `report` (the candidate like any policy, its problems named
 * `report.<option>`) into `issues`, and compiles the candidate.
 */
export function compileReporting<Request>(
  input: CorsOptions<Request>,
  issues: CorsConfigIssue[],
): CompiledReporting<Request> {
  const { mode, report } = input;
  if (mode !== undefined && mode !== 'enforce' && mode !== 'report-only') {
    issues.push({
      option: 'mode',
      value: mode,
      message: `${describeValue(mode)} is not 'enforce' or 'report-only'`,
      hint: "mode: 'report-only' grants every request and reports what the policy would refuse",
    });
  }
  const reportOnly = mode === 'report-only';
  if (!reportOnly && report === undefined) return { reportOnly, candidate: undefined };

  if (input.onDecision === undefined && (input.debug === undefined || input.debug === false)) {
    issues.push({
      option: reportOnly ? 'mode' : 'report',
      value: reportOnly ? mode : report,
      message: `${reportOnly ? "mode: 'report-only'" : 'a report candidate'} reports to onDecision and debug, and neither is set`,
      hint: 'set onDecision (e.g. corsMetrics().onDecision) or debug: true beside it',
    });
  }
  if (reportOnly && report !== undefined) {
    issues.push({
      option: 'report',
      value: report,
      message:
        "report is set together with mode: 'report-only', which already reports what this policy would refuse",
      hint: "use one: mode: 'report-only' to try this policy, or report: candidateOptions to try a candidate beside an enforced one",
    });
    return { reportOnly, candidate: undefined };
  }
  return {
    reportOnly,
    candidate: report === undefined ? undefined : compileCandidate(input, issues),
  };
}

function compileCandidate<Request>(
  input: CorsOptions<Request>,
  issues: CorsConfigIssue[],
): CompiledPolicy<Request> | undefined {
  const found: CorsConfigIssue[] = [];
  // Read like any options object (own, known properties only), then checked option by option.
  const read = readOwnOptions<Request>(input.report, found) as Record<string, unknown>;
  for (const hook of ['onDecision', 'debug'] as const) {
    // `report: { ...options, origin: [...] }` copies the enforced hooks: those are fine.
    if (read[hook] !== undefined && read[hook] !== input[hook]) {
      found.push({
        option: hook,
        value: read[hook],
        message: `the candidate's reports go to the enforced policy's ${hook}, so this one would never be called`,
        hint: `set ${hook} beside report, not inside it`,
      });
    }
    delete read[hook];
  }
  if (read.mode !== undefined && read.mode !== 'enforce') {
    found.push({
      option: 'mode',
      value: read.mode,
      message: 'a candidate is evaluated as the enforcing policy it would become',
      hint: 'remove mode from report',
    });
  }
  if (read.report !== undefined) {
    found.push({
      option: 'report',
      value: read.report,
      message: 'a candidate cannot have a candidate of its own',
      hint: 'remove report from report',
    });
  }
  delete read.mode;
  delete read.report;

  let candidate: CompiledPolicy<Request> | undefined;
  try {
    candidate = compileOptions<Request>(read as CorsOptions<Request>);
  } catch (error) {
    if (!(error instanceof CorsConfigError)) throw error;
    found.push(...error.issues);
  }
  for (const issue of found) {
    issues.push({
      ...issue,
      option: issue.option === 'options' ? 'report' : `report.${issue.option}`,
    });
  }
  return found.length === 0 ? candidate : undefined;
}

// Every well-formed origin (and `null`) is granted; a malformed `Origin` still gets no grant,
// since it must never be echoed (SPEC).
const grantEveryOrigin = (): boolean => true;

/**
 * The options of the policy that answers under `mode: 'report-only'`: the same options granting
 * what is asked (every origin reflected, any method, the requested headers reflected), with the
 * policy's own `credentials`, `exposedHeaders`, `maxAge` and the rest.
 */
export function grantAsAskedOptions<Request>(input: CorsOptions<Request>): CorsOptions<Request> {
  return {
    ...input,
    origin: grantEveryOrigin,
    methods: '*',
    allowedHeaders: undefined,
    allowPublicSuffixWildcards: undefined,
    mode: undefined,
    report: undefined,
    onDecision: undefined,
    debug: undefined,
  };
}

/**
 * The `evaluate` of a policy with a candidate: the request is answered by `answering` and
 * decided by `candidate` too; `notify` gets the answer, with a `report` when the two differ.
 * The candidate never delays or fails the answer: when its `origin` function is async, the
 * report (and so the `onDecision` call for that request) comes when it settles; when it throws
 * or rejects, the report says `would-fail`.
 */
export function createReportingEvaluate<Request, Input extends { readonly request?: Request }>(
  answering: Decide<Input>,
  candidate: Decide<Input>,
  notify: (decision: CorsDecision, request: Request) => void,
): Decide<Input> {
  const decideCandidate = (request: Input): CandidateAnswer | Promise<CandidateAnswer> => {
    try {
      const decision = candidate(request);
      return isPromiseLike<CorsDecision>(decision)
        ? decision.then(
            (settled): CandidateAnswer => settled,
            (failed: unknown): CandidateAnswer => ({ failed }),
          )
        : decision;
    } catch (failed) {
      return { failed };
    }
  };

  const notifyWhenKnown = (
    answer: CorsDecision,
    candidateAnswer: CandidateAnswer | Promise<CandidateAnswer>,
    request: Request,
  ): void => {
    if (isPromiseLike<CandidateAnswer>(candidateAnswer)) {
      void candidateAnswer.then((settled) => notify(withReport(answer, settled), request));
    } else {
      notify(withReport(answer, candidateAnswer), request);
    }
  };

  return (request) => {
    // The answer first: if it throws (its own `origin` function), the request fails as without
    // a candidate, and the candidate is not asked.
    const answer = answering(request);
    const candidateAnswer = decideCandidate(request);
    if (isPromiseLike<CorsDecision>(answer)) {
      return answer.then((settled) => {
        notifyWhenKnown(settled, candidateAnswer, request.request as Request);
        return settled;
      });
    }
    notifyWhenKnown(answer, candidateAnswer, request.request as Request);
    return answer;
  };
}

/** The answer, with a `report` when the candidate would have answered the CORS request otherwise. */
function withReport(answer: CorsDecision, candidate: CandidateAnswer): CorsDecision {
  // A request without `Origin` is not CORS: browsers need no grant for it.
  if (answer.kind === 'not-cors') return answer;
  if ('failed' in candidate) {
    return { ...answer, report: { outcome: 'would-fail', error: candidate.failed } };
  }
  if (answer.allowed && !candidate.allowed) {
    return {
      ...answer,
      report: {
        outcome: 'would-refuse',
        reason: candidate.reason,
        detail: candidate.detail,
        candidate,
      },
    };
  }
  if (!answer.allowed && candidate.allowed) {
    return {
      ...answer,
      report: { outcome: 'would-allow', reason: answer.reason, detail: answer.detail, candidate },
    };
  }
  return answer;
}

/**
 * One line saying what the candidate would have done, for the `debug` log.
 *
 * @example explainReport(decision) // 'cors: would refuse request (origin-not-allowed): origin "https://old.example.com" is not allowed; …'
 */
export function explainReport(decision: CorsDecision): string {
  const report = decision.report;
  const what = decision.kind === 'preflight' ? 'preflight' : 'request';
  switch (report?.outcome) {
    case 'would-refuse':
      return `cors: would refuse ${what} (${report.reason ?? 'refused'}): ${refusalText(report.candidate ?? decision)} (reported only, not enforced)`;
    case 'would-allow':
      return `cors: would allow ${what} refused now (${report.reason ?? 'refused'}: ${JSON.stringify(report.detail ?? '')})`;
    case 'would-fail':
      return `cors: would fail ${what}: the candidate's origin function failed (${describeError(report.error)}), so nothing would be granted and the request would reach error handling`;
    default:
      return `cors: ${what} answered as the candidate would`;
  }
}

/** `explainRefusal`'s explanation, without its "cors: refused request:" prefix. */
function refusalText(decision: CorsDecision): string {
  return explainRefusal(decision).replace(/^cors: refused (?:preflight|request): ?/, '');
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'a value that is not an Error';
}
