import {
  allRows,
  configErrorRows,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  type ConformanceRow,
  type Observation,
  expectConfigError,
} from '@cors/conformance';
import { describe, expect, it } from 'vitest';
import { CorsConfigError } from './config-error.js';
import type { CorsDecision } from './decision.js';
import { mergeVary } from './headers.js';
import { isPromiseLike } from './origin/matcher.js';
import { createCorsPolicy, type CorsPolicy } from './policy.js';

/** Plays a decision the way an adapter would, in front of a route that answers 200 `route`. */
function play(decision: CorsDecision): Observation {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(decision.headers)) headers[name.toLowerCase()] = value;
  const vary = mergeVary(undefined, decision.vary);
  if (vary !== '') headers.vary = vary;
  return decision.action === 'respond'
    ? { status: decision.status, routeRuns: false, headers }
    : { status: 200, routeRuns: true, headers };
}

async function evaluate(policy: CorsPolicy, row: ConformanceRow): Promise<CorsDecision> {
  const { request } = row;
  const decision = policy.evaluate({
    method: request.method,
    origin: request.headers.origin,
    requestMethod: request.headers['access-control-request-method'],
    requestHeaders: request.headers['access-control-request-headers'],
    requestPrivateNetwork: request.headers['access-control-request-private-network'],
  });
  // Only a user's origin function may make the answer asynchronous.
  if (isPromiseLike(decision) && typeof row.options.origin !== 'function') {
    throw new Error('a policy without an origin function returned a promise');
  }
  return decision;
}

/** What an adapter sends when `evaluate` fails: the framework's error response (500 by default). */
function playFailure(policy: CorsPolicy): Observation {
  const vary = mergeVary(undefined, policy.errorVary);
  return { status: 500, routeRuns: false, headers: vary === '' ? {} : { vary } };
}

describe('conformance rows, in-process', () => {
  it.each(allRows)('$name', async (row) => {
    const policy = createCorsPolicy(row.options);
    const observed = await Promise.resolve(evaluate(policy, row)).then(play, () =>
      playFailure(policy),
    );
    expect(observed).toEqual(row.expected);
  });
});

describe('origin function failures, in-process', () => {
  // What an adapter sends when `evaluate` fails: the framework's error response (500 by default),
  // with the policy's `errorVary` merged into its Vary and no grant.
  it.each(originFailureRows)('$name', async (row) => {
    const policy = createCorsPolicy(row.options);
    await expect(evaluate(policy, row)).rejects.toThrow(ORIGIN_FAILURE_MESSAGE);
    expect(playFailure(policy)).toEqual(row.expected);
  });
});

describe('configuration errors', () => {
  it.each(configErrorRows)('throws CorsConfigError for $name', async (row) => {
    await expectConfigError(() => createCorsPolicy(row.options as never), row, CorsConfigError);
  });
});
