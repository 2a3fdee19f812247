import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { attackRows, hostilePolicy } from './attack-rows.js';
import { sendRow } from './observe.js';
import type { ConformanceRow, Observation } from './rows.js';
import type { ServedApp } from './serve.js';

const EXAMPLE = 'https://example.com';

/** The policy a burst runs against: serve it (with the conformance route) at the burst's URL. */
export const burstPolicy = hostilePolicy;

/** Every hostile row of `burstPolicy`, mixed with an allowed actual request and preflight. */
export const burstRows: readonly ConformanceRow[] = [
  ...attackRows.filter((row) => row.options === hostilePolicy),
  {
    name: 'allowed actual request',
    options: hostilePolicy,
    request: { method: 'POST', headers: { origin: EXAMPLE } },
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': EXAMPLE,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'allowed preflight',
    options: hostilePolicy,
    request: {
      method: 'OPTIONS',
      headers: { origin: EXAMPLE, 'access-control-request-method': 'PUT' },
    },
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': EXAMPLE,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    },
  },
];

/**
 * The heap growth a burst may show: far below what a server keeping anything per request would
 * add over 3,000 requests (keeping just each Node request object adds about 5 MB), well above the
 * noise of a collected heap (0.3 to 1 MB measured).
 */
export const MAX_BURST_HEAP_GROWTH = 2 * 1024 * 1024;

/** What a burst saw. */
export interface BurstResult {
  /** Requests sent (and answered: a hung request keeps the burst from finishing). */
  readonly sent: number;
  /** Names of the rows whose answer differed from the row's expectation, once per miss. */
  readonly mismatches: readonly string[];
  /** Heap growth in bytes across the measured burst, after a full garbage collection. */
  readonly heapGrowth: number;
}

/**
 * Sends `burstRows` round-robin to a server in this process: a warm-up burst, then a measured
 * one of `total` requests, `concurrency` at a time, comparing every answer with its row. The
 * heap is measured after a full collection before and after the measured burst, so memory that
 * the server keeps per request shows as growth.
 */
export async function runBurst(
  baseUrl: string | Pick<ServedApp, 'fetch'>,
  { total = 3000, concurrency = 16 }: { total?: number; concurrency?: number } = {},
): Promise<BurstResult> {
  const collect = garbageCollector();
  await sendBurst(baseUrl, 1000, concurrency);
  collect();
  const before = process.memoryUsage().heapUsed;
  const mismatches = await sendBurst(baseUrl, total, concurrency);
  collect();
  const heapGrowth = process.memoryUsage().heapUsed - before;
  return { sent: total, mismatches, heapGrowth };
}

async function sendBurst(
  baseUrl: string | Pick<ServedApp, 'fetch'>,
  total: number,
  concurrency: number,
): Promise<string[]> {
  const mismatches: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const row = burstRows[next++ % burstRows.length] as ConformanceRow;
      const observed = await sendRow(baseUrl, row.request);
      if (!isSameObservation(observed, row.expected)) mismatches.push(row.name);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return mismatches;
}

/** Same status, same route outcome, and exactly the same CORS headers. */
function isSameObservation(observed: Observation, expected: Observation): boolean {
  const names = Object.keys(observed.headers);
  return (
    observed.status === expected.status &&
    observed.routeRuns === expected.routeRuns &&
    names.length === Object.keys(expected.headers).length &&
    names.every((name) => observed.headers[name] === expected.headers[name])
  );
}

/** A full collection, even when the process was not started with `--expose-gc`. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
