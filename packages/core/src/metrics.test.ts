import { describe, expect, it, vi } from 'vitest';
import type { CorsDecision } from './decision.js';
import { combineDecisionHooks, corsMetricLabels, corsMetrics } from './metrics.js';
import type { CorsOptions } from './options.js';
import type { CorsRequest } from './policy.js';
import { createCorsPolicy } from './reconfigurable-policy.js';
import { actual, preflight } from './requests.test-support.js';

const APP = 'https://app.example.com';

/** Evaluates each request with a policy whose onDecision is `metrics.onDecision`. */
function count(
  options: CorsOptions,
  requests: readonly CorsRequest[],
): ReturnType<typeof corsMetrics> {
  const metrics = corsMetrics();
  const policy = createCorsPolicy({ ...options, onDecision: metrics.onDecision });
  for (const request of requests) policy.evaluate(request);
  return metrics;
}

describe('corsMetrics', () => {
  it('counts decisions by kind, outcome and reason', () => {
    const metrics = count({ origin: [APP], allowedHeaders: ['content-type'] }, [
      actual(APP),
      actual(APP),
      actual('https://evil.example.net'),
      actual('https://a.example.com/path'),
      actual(),
      preflight(APP),
      preflight(APP, 'PUT', 'x-token'),
      preflight(APP, 'PUT', 'x-token'),
    ]);
    expect(metrics.snapshot()).toEqual([
      { kind: 'actual', outcome: 'allowed', reason: 'none', count: 2 },
      { kind: 'actual', outcome: 'refused', reason: 'origin-not-allowed', count: 1 },
      { kind: 'actual', outcome: 'refused', reason: 'origin-malformed', count: 1 },
      { kind: 'not-cors', outcome: 'refused', reason: 'none', count: 1 },
      { kind: 'preflight', outcome: 'allowed', reason: 'none', count: 1 },
      { kind: 'preflight', outcome: 'refused', reason: 'header-not-allowed', count: 2 },
    ]);
  });

  it('counts a report-only request twice: the answer (allowed) and what the policy would do', () => {
    const metrics = count({ mode: 'report-only', origin: [APP] }, [
      actual('https://old.example.com'),
      actual(APP),
      preflight('https://old.example.com', 'PURGE'),
    ]);
    expect(metrics.snapshot()).toEqual([
      { kind: 'actual', outcome: 'allowed', reason: 'none', count: 2 },
      { kind: 'actual', outcome: 'would-refuse', reason: 'origin-not-allowed', count: 1 },
      { kind: 'preflight', outcome: 'allowed', reason: 'none', count: 1 },
      { kind: 'preflight', outcome: 'would-refuse', reason: 'origin-not-allowed', count: 1 },
    ]);
  });

  it('keeps the label set bounded: 10,000 distinct origins, methods and headers add no label', () => {
    const metrics = count({ origin: [APP], report: { origin: [] } }, [
      ...Array.from({ length: 10_000 }, (_, i) => actual(`https://tenant-${i}.example.com`)),
      ...Array.from({ length: 10_000 }, (_, i) => preflight(APP, `METHOD${i}`)),
      ...Array.from({ length: 10_000 }, (_, i) => preflight(APP, 'PUT', `x-header-${i}`)),
      ...Array.from({ length: 1_000 }, (_, i) => actual(`not an origin ${i}`)),
    ]);
    const snapshot = metrics.snapshot();
    expect(snapshot.map(({ kind, outcome, reason }) => `${kind} ${outcome} ${reason}`)).toEqual([
      'actual refused origin-not-allowed',
      'preflight refused method-not-allowed',
      'preflight allowed none',
      'preflight would-refuse origin-not-allowed',
      'actual refused origin-malformed',
    ]);
    expect(snapshot.reduce((total, entry) => total + entry.count, 0)).toBe(41_000);
    expect(JSON.stringify(snapshot)).not.toContain('tenant-');
  });

  it('starts from zero after reset', () => {
    const metrics = count({ origin: [APP] }, [actual(APP)]);
    metrics.reset();
    expect(metrics.snapshot()).toEqual([]);
    metrics.onDecision({
      kind: 'actual',
      allowed: true,
      headers: {},
      vary: [],
      action: 'continue',
    });
    expect(metrics.snapshot()).toEqual([
      { kind: 'actual', outcome: 'allowed', reason: 'none', count: 1 },
    ]);
  });

  it('hands out snapshots that later counts do not change', () => {
    const metrics = count({ origin: [APP] }, [actual(APP)]);
    const before = metrics.snapshot();
    metrics.onDecision({
      kind: 'actual',
      allowed: true,
      headers: {},
      vary: [],
      action: 'continue',
    });
    expect(before[0]?.count).toBe(1);
  });
});

describe('corsMetricLabels', () => {
  it('maps a value outside the fixed sets (a hand-built decision) to other, never to the value', () => {
    const decision = {
      kind: 'websocket',
      allowed: false,
      headers: {},
      vary: [],
      action: 'continue',
      reason: 'https://evil.example.net',
    } as unknown as CorsDecision;
    expect(corsMetricLabels(decision)).toEqual([
      { kind: 'other', outcome: 'refused', reason: 'other' },
    ]);
  });

  it('labels a would-fail report with no reason', () => {
    const decision: CorsDecision = {
      kind: 'actual',
      allowed: true,
      headers: {},
      vary: [],
      action: 'continue',
      report: { outcome: 'would-fail', error: new Error('down') },
    };
    expect(corsMetricLabels(decision)).toEqual([
      { kind: 'actual', outcome: 'allowed', reason: 'none' },
      { kind: 'actual', outcome: 'would-fail', reason: 'none' },
    ]);
  });
});

describe('combineDecisionHooks', () => {
  const decision: CorsDecision = {
    kind: 'actual',
    allowed: true,
    headers: {},
    vary: [],
    action: 'continue',
  };

  it('calls every hook in order with the decision and the request, skipping undefined ones', () => {
    const calls: string[] = [];
    const combined = combineDecisionHooks<string>(
      (seen, request) => calls.push(`first ${seen.kind} ${request}`),
      undefined,
      (seen, request) => calls.push(`second ${seen.kind} ${request}`),
    );
    combined(decision, 'req');
    expect(calls).toEqual(['first actual req', 'second actual req']);
  });

  it('calls the later hooks when one throws, then rethrows the first error', () => {
    const later = vi.fn();
    const combined = combineDecisionHooks(() => {
      throw new Error('first');
    }, later);
    expect(() => combined(decision, undefined)).toThrow('first');
    expect(later).toHaveBeenCalledTimes(1);
  });

  it("passes an async hook's rejection on as a rejected promise", async () => {
    const combined = combineDecisionHooks(() => Promise.reject(new Error('async')), vi.fn());
    await expect(combined(decision, undefined) as unknown as Promise<void>).rejects.toThrow(
      'async',
    );
  });

  it('counts with corsMetrics next to your own hook in one policy', () => {
    const metrics = corsMetrics();
    const mine = vi.fn();
    const policy = createCorsPolicy({
      origin: [APP],
      onDecision: combineDecisionHooks(metrics.onDecision, mine),
    });
    policy.evaluate(actual(APP));
    expect(mine).toHaveBeenCalledTimes(1);
    expect(metrics.snapshot()).toEqual([
      { kind: 'actual', outcome: 'allowed', reason: 'none', count: 1 },
    ]);
  });

  it("keeps counting when the user's hook throws (the policy reports the error once)", () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const metrics = corsMetrics();
      const policy = createCorsPolicy({
        origin: [APP],
        onDecision: combineDecisionHooks(() => {
          throw new Error('mine');
        }, metrics.onDecision),
      });
      policy.evaluate(actual(APP));
      policy.evaluate(actual(APP));
      expect(metrics.snapshot()[0]?.count).toBe(2);
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      error.mockRestore();
    }
  });
});
