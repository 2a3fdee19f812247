import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cors } from '@cors/node';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { countInOpenTelemetry } from './otel.js';

/** A reader that collects on demand, the way a test (or a pull exporter) reads the SDK. */
class OnDemandReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('the OpenTelemetry recipe', () => {
  it('adds each decision to the cors.decisions counter with kind, outcome and reason', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const handler = cors({
      origin: ['https://app.example.com'],
      mode: 'report-only',
      onDecision: countInOpenTelemetry(provider.getMeter('example-metrics')),
    });
    const server = createServer((req, res) => {
      if (handler(req, res) === true) return;
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await fetch(url, { headers: { origin: 'https://app.example.com' } });
      await fetch(url, { headers: { origin: 'https://old.example.com' } });
      await fetch(url, { headers: { origin: 'https://other.example.com' } });
    } finally {
      server.closeAllConnections();
      server.close();
    }

    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]?.metrics.find(
      (candidate) => candidate.descriptor.name === 'cors.decisions',
    );
    const points = Object.fromEntries(
      (metric?.dataPoints ?? []).map((point) => [
        `${point.attributes.kind} ${point.attributes.outcome} ${point.attributes.reason}`,
        point.value,
      ]),
    );
    expect(points).toEqual({
      'actual allowed none': 3,
      'actual would-refuse origin-not-allowed': 2,
    });
    await provider.shutdown();
  });
});
