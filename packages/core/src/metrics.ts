import type { CorsDecision, CorsRequestKind, RefusalReason } from './decision.js';
import { isPromiseLike } from './origin/matcher.js';

/**
 * What a decision counts as: the answer sent (`allowed`, `refused`) or, for a report-only or
 * `report` candidate, what the candidate would have done (`would-allow`, `would-refuse`,
 * `would-fail`).
 */
export type CorsMetricOutcome =
  | 'allowed'
  | 'refused'
  | 'would-allow'
  | 'would-refuse'
  | 'would-fail';

/**
 * The labels of one count. Every value comes from a small fixed set (never the request's origin,
 * method or header names), so a metrics backend keeps a bounded number of series whatever
 * clients send: at most 4 kinds × 5 outcomes × 10 reasons (`other` included).
 */
export interface CorsMetricLabels {
  readonly kind: CorsRequestKind | 'other';
  readonly outcome: CorsMetricOutcome;
  /** Why it was (or would be) refused; `'none'` for a grant or a refusal without a reason. */
  readonly reason: RefusalReason | 'none' | 'other';
}

/** One count of `CorsMetrics.snapshot()`: its labels and how many decisions had them. */
export interface CorsMetricCount extends CorsMetricLabels {
  readonly count: number;
}

/** Counts of CORS decisions by kind, outcome and reason (see `corsMetrics`). */
export interface CorsMetrics {
  /** Pass as the `onDecision` option (or combine it with yours: `combineDecisionHooks`). */
  readonly onDecision: (decision: CorsDecision) => void;
  /** Every count so far, one entry per label set seen, in the order first seen. */
  snapshot(): readonly CorsMetricCount[];
  /** Sets every count back to zero. */
  reset(): void;
}

const KINDS: ReadonlySet<string> = new Set<CorsRequestKind>(['not-cors', 'actual', 'preflight']);
const REASONS: ReadonlySet<string> = new Set<RefusalReason>([
  'origin-not-allowed',
  'origin-malformed',
  'method-not-allowed',
  'method-malformed',
  'header-not-allowed',
  'headers-malformed',
  'route-ambiguous',
  'cors-disabled',
]);

// Every value is checked against a fixed set, so even a decision built by hand (or a reason
// added later) cannot put an unbounded value into a label.
const kindLabel = (kind: string): CorsMetricLabels['kind'] =>
  KINDS.has(kind) ? (kind as CorsRequestKind) : 'other';
const reasonLabel = (reason: string | undefined): CorsMetricLabels['reason'] =>
  reason === undefined ? 'none' : REASONS.has(reason) ? (reason as RefusalReason) : 'other';

/**
 * The labels a decision counts under: one set for the answer, and a second for its `report`
 * (report-only mode or a `report` candidate) when the candidate would have answered otherwise.
 * For your own counters (prom-client, OpenTelemetry): increment one per entry.
 *
 * @example
 * onDecision: (decision) => {
 *   for (const labels of corsMetricLabels(decision)) counter.inc({ ...labels });
 * }
 */
export function corsMetricLabels(decision: CorsDecision): readonly CorsMetricLabels[] {
  const kind = kindLabel(decision.kind);
  const answer: CorsMetricLabels = {
    kind,
    outcome: decision.allowed ? 'allowed' : 'refused',
    reason: decision.allowed ? 'none' : reasonLabel(decision.reason),
  };
  const report = decision.report;
  if (report === undefined) return [answer];
  return [answer, { kind, outcome: report.outcome, reason: reasonLabel(report.reason) }];
}

/**
 * A dependency-free counter of CORS decisions by kind (`preflight`, `actual`, `not-cors`),
 * outcome (`allowed`, `refused`, and `would-*` from report-only) and refusal reason. Origins are
 * never labels: their number is unbounded. Keep one per process and read `snapshot()` from a
 * metrics endpoint, or use `corsMetricLabels` to feed prom-client or OpenTelemetry directly.
 *
 * @example
 * const metrics = corsMetrics();
 * app.use(cors({ origin: ['https://app.example.com'], onDecision: metrics.onDecision }));
 * // later: metrics.snapshot() → [{ kind: 'actual', outcome: 'allowed', reason: 'none', count: 12 }, …]
 */
export function corsMetrics(): CorsMetrics {
  const counts = new Map<string, { labels: CorsMetricLabels; count: number }>();
  const onDecision = (decision: CorsDecision): void => {
    for (const labels of corsMetricLabels(decision)) {
      const key = `${labels.kind} ${labels.outcome} ${labels.reason}`;
      const entry = counts.get(key);
      if (entry) entry.count += 1;
      else counts.set(key, { labels, count: 1 });
    }
  };
  return {
    onDecision,
    snapshot: () => [...counts.values()].map(({ labels, count }) => ({ ...labels, count })),
    reset: () => counts.clear(),
  };
}

/**
 * One `onDecision` hook calling each of `hooks` in turn, e.g. metrics and your own logging.
 * Every hook is called even when an earlier one throws; the first error is then rethrown (the
 * policy reports it once and answers as usual). An async hook's rejection is passed on the
 * same way. `undefined` entries are skipped, so optional hooks can be listed as they are.
 *
 * @example
 * const metrics = corsMetrics();
 * cors({ origin, onDecision: combineDecisionHooks(metrics.onDecision, (d) => log.info(d)) });
 */
export function combineDecisionHooks<Request = unknown>(
  ...hooks: readonly (((decision: CorsDecision, request: Request) => unknown) | undefined)[]
): (decision: CorsDecision, request: Request) => void {
  const present = hooks.filter((hook) => hook !== undefined);
  return (decision, request) => {
    let failure: { readonly error: unknown } | undefined;
    const pending: PromiseLike<unknown>[] = [];
    for (const hook of present) {
      try {
        const result = hook(decision, request);
        if (isPromiseLike(result)) pending.push(result);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (pending.length === 0) {
      if (failure) throw failure.error;
      return;
    }
    // The policy catches a promise returned by its hook and reports the rejection once.
    return Promise.all(pending).then(() => {
      if (failure) throw failure.error;
    }) as unknown as void;
  };
}
