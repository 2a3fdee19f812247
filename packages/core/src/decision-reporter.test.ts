import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDecisionReporter, refusePreflight } from './index.js';

describe('createDecisionReporter', () => {
  afterEach(() => vi.restoreAllMocks());
  const refusal = refusePreflight('cors-disabled', 'POST /webhook');

  it('logs the refusal and hands it to onDecision with the request', () => {
    const lines: string[] = [];
    const seen: unknown[] = [];
    const report = createDecisionReporter<string>({
      debug: (line) => lines.push(line),
      onDecision: (decision, request) => seen.push([decision, request]),
    });
    report(refusal, 'req');
    expect(lines).toEqual([expect.stringContaining('CORS is disabled for "POST /webhook"')]);
    expect(seen).toEqual([[refusal, 'req']]);
  });

  it('swallows hook errors and reports each hook once', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const report = createDecisionReporter({
      debug: () => {
        throw new Error('logger down');
      },
      onDecision: () => {
        throw new Error('metrics down');
      },
    });
    expect(() => {
      report(refusal, undefined);
      report(refusal, undefined);
    }).not.toThrow();
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('does nothing without hooks', () => {
    expect(() => createDecisionReporter({})(refusal, undefined)).not.toThrow();
  });
});
