import { combineDecisionHooks, corsMetricLabels, corsMetrics, type CorsDecision } from '@cors/core';
import { cors } from '@cors/node';
import express, { type Express } from 'express';
import { Counter, Registry } from 'prom-client';

/** What the app serves: origins allowed today, and the tightened list being tried in report mode. */
export interface AppConfig {
  readonly origins: readonly string[];
  readonly candidateOrigins: readonly string[];
  /** Where the `debug` lines go ("cors: would refuse request …"). Default: `console.warn`. */
  readonly log?: (line: string) => void;
}

/**
 * The API: `/api` answered by today's allowlist, with the tightened list evaluated beside it
 * (`report`), and every CORS decision counted twice over: by `corsMetrics()` (no dependency,
 * JSON on `/cors-metrics`) and by a prom-client counter (Prometheus text on `/metrics`).
 */
export function createApp(config: AppConfig): { app: Express; registry: Registry } {
  // prom-client: one counter, labelled only by kind, outcome and reason (never the origin).
  const registry = new Registry();
  const decisions = new Counter({
    name: 'cors_decisions_total',
    help: 'CORS decisions by request kind, outcome (allowed, refused, would-*) and refusal reason',
    labelNames: ['kind', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const countInPrometheus = (decision: CorsDecision): void => {
    for (const labels of corsMetricLabels(decision)) decisions.inc({ ...labels });
  };
  // The dependency-free counter, for a quick look without Prometheus.
  const metrics = corsMetrics();

  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/api',
    cors({
      origin: [...config.origins],
      credentials: true,
      // Tried, not enforced: each request it would answer differently is counted as would-*.
      report: { origin: [...config.candidateOrigins], credentials: true },
      onDecision: combineDecisionHooks(metrics.onDecision, countInPrometheus),
      debug: config.log ?? ((line) => console.warn(line)),
    }),
  );
  app.get('/api/items', (_req, res) => void res.json([{ id: 1, name: 'pen' }]));

  // For the scraper (same-origin, no CORS): the Prometheus text format.
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/cors-metrics', (_req, res) => void res.json(metrics.snapshot()));
  return { app, registry };
}
