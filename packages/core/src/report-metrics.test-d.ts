import { describe, expectTypeOf, it } from 'vitest';
import {
  combineDecisionHooks,
  corsMetricLabels,
  corsMetrics,
  createCorsPolicy,
  type CorsDecision,
  type CorsMetricCount,
  type CorsMetricLabels,
  type CorsOptions,
  type CorsReport,
  type CorsReportOutcome,
} from './index.js';

interface Ctx {
  readonly tenant: string;
}

describe('report-only and metrics types (issue 20)', () => {
  it('takes mode and a candidate of the same request type', () => {
    expectTypeOf<CorsOptions['mode']>().toEqualTypeOf<'enforce' | 'report-only' | undefined>();
    createCorsPolicy<Ctx>({
      origin: ['https://app.example.com'],
      report: { origin: (_origin, ctx) => ctx.tenant === 'a' },
      onDecision: (decision, ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<Ctx>();
        expectTypeOf(decision.report).toEqualTypeOf<CorsReport | undefined>();
      },
    });
    // @ts-expect-error: not a mode
    createCorsPolicy({ mode: 'shadow' });
  });

  it('describes a report', () => {
    expectTypeOf<CorsReport['outcome']>().toEqualTypeOf<CorsReportOutcome>();
    expectTypeOf<CorsReportOutcome>().toEqualTypeOf<
      'would-refuse' | 'would-allow' | 'would-fail'
    >();
  });

  it('gives metrics a hook that fits onDecision, and bounded labels', () => {
    const metrics = corsMetrics();
    createCorsPolicy<Ctx>({ onDecision: metrics.onDecision });
    expectTypeOf(metrics.snapshot()).toEqualTypeOf<readonly CorsMetricCount[]>();
    expectTypeOf(corsMetricLabels).returns.toEqualTypeOf<readonly CorsMetricLabels[]>();
    expectTypeOf<CorsMetricLabels['kind']>().toEqualTypeOf<
      'not-cors' | 'actual' | 'preflight' | 'other'
    >();
  });

  it('combines hooks of the same request type', () => {
    const combined = combineDecisionHooks<Ctx>(corsMetrics().onDecision, (_d, ctx) => ctx.tenant);
    expectTypeOf(combined).toEqualTypeOf<(decision: CorsDecision, request: Ctx) => void>();
    createCorsPolicy<Ctx>({ onDecision: combined });
  });
});
