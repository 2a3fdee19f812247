import { corsMetricLabels, type CorsDecision } from '@cors/core';
import type { Meter } from '@opentelemetry/api';

/**
 * The OpenTelemetry recipe: an `onDecision` hook adding each decision to a `cors.decisions`
 * counter, with the same bounded attributes as the Prometheus one (kind, outcome, reason).
 *
 * @example
 * import { metrics } from '@opentelemetry/api';
 * app.use(cors({ origin, onDecision: countInOpenTelemetry(metrics.getMeter('api')) }));
 */
export function countInOpenTelemetry(meter: Meter): (decision: CorsDecision) => void {
  const decisions = meter.createCounter('cors.decisions', {
    description: 'CORS decisions by request kind, outcome and refusal reason',
  });
  return (decision) => {
    for (const labels of corsMetricLabels(decision)) decisions.add(1, { ...labels });
  };
}
