// One shape for every adapter's tests: a route driver builds the adapter's app for a row's
// options and route behaviour; `describeConformance` runs every row through it.
import type { CorsOptions, ReconfigurableCorsPolicy } from '@cors/core';
import { describe, expect, it } from 'vitest';
import { MAX_BURST_HEAP_GROWTH, burstPolicy, runBurst } from './burst.js';
import { cachedOriginRows } from './cached-origin-rows.js';
import { compositionRows, rawWriteRows } from './composition-rows.js';
import { expectConfigError } from './config-error-check.js';
import { specConfigErrorRows } from './config-error-rows.js';
import { hardeningConfigErrorRows, hardeningRows } from './hardening-rows.js';
import { methodCaseRows } from './method-case-rows.js';
import { attackRows } from './attack-rows.js';
import { pickCorsHeaders, ROUTE_BODY, sendRow } from './observe.js';
import { originFailureRows } from './origin-failure-rows.js';
import { observeRaw, sendRaw } from './raw-request.js';
import { rawRequestRows } from './raw-request-rows.js';
import { reconfigurablePolicy, runReconfiguration } from './reconfiguration.js';
import { reportConfigErrorRows, reportRows, runReportRow } from './report-rows.js';
import {
  fromCompositionRow,
  routeRows,
  type RouteBehaviour,
  type RouteObservation,
  type RouteRow,
} from './route-rows.js';
import { requestRows } from './rows.js';
import type { ServedApp } from './serve.js';

/**
 * What an adapter's tests write once: how to build and serve the adapter's app for a row. The
 * rest (every row, the reconfiguration run, the burst, the configuration errors) is
 * `describeConformance`'s.
 */
export interface RouteDriver {
  /**
   * Builds the app around the adapter's CORS (`cors(options)`, `withCors(route, options)`,
   * `app.register(cors, options)`) with the route `route` describes (see `RouteBehaviour`;
   * `{}` is the conformance route: 200 `ROUTE_BODY` for every method and path), and serves it.
   * Building the app must throw a bad configuration's `CorsConfigError`.
   */
  serve(options: CorsOptions | ReconfigurableCorsPolicy, route: RouteBehaviour): Promise<ServedApp>;
  /** `'http'`: served over real HTTP (also runs the raw-request rows and the burst). */
  readonly transport: 'http' | 'in-process';
  /** The route can write Node's `http.ServerResponse` (`RouteBehaviour.raw`): runs `rawWriteRows`. */
  readonly nodeResponse?: boolean;
  /**
   * Rows this app cannot build, by name, each with why (e.g. a Fetch handler has no response
   * for an earlier layer to set `Vary` on before the route replaces it). The suite checks that
   * each names a row.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /** The adapter's `CorsConfigError` (its re-export of the core's). */
  readonly CorsConfigError: abstract new (...args: never[]) => Error;
}

/** Builds and serves a row's app with `driver`, sends its request, and returns what the client saw. */
export async function runRow(driver: RouteDriver, row: RouteRow): Promise<RouteObservation> {
  row.probe?.reset();
  const app = await driver.serve(row.options, row.route ?? {});
  try {
    const response = await app.fetch('/', {
      method: row.request.method,
      headers: row.request.headers,
    });
    const observed = await observeRow(row, response);
    return row.probe ? { ...observed, requests: row.probe.describe() } : observed;
  } finally {
    await app.close();
  }
}

/**
 * What the client sees of a row's response: status, whether the route ran, every
 * `access-control-*` and `vary` header, and the earlier middleware's other header (except on
 * error responses: which other headers those keep is the framework's business).
 */
export async function observeRow(row: RouteRow, response: Response): Promise<RouteObservation> {
  const body = await response.text();
  const headers = pickCorsHeaders(response.headers);
  const before = row.route?.before;
  if (before !== undefined && row.expected.status < 500) {
    const [name] = before.header;
    const other = response.headers.get(name);
    if (other !== null) headers[name.toLowerCase()] = other;
  }
  return { status: response.status, routeRuns: body === ROUTE_BODY, headers };
}

/**
 * Every row an app served by a driver runs, in order (the cached-origin rows rely on it): the
 * SPEC's table, the hostile and hardening rows, failing and cached `origin` functions, the
 * route behaviours (`routeRows`), CORS among other middleware, and, for a driver on Node's
 * response, the raw-write rows.
 */
export function rowsFor(driver: Pick<RouteDriver, 'nodeResponse'>): readonly RouteRow[] {
  return [
    ...requestRows,
    ...attackRows,
    ...hardeningRows,
    ...methodCaseRows,
    ...originFailureRows,
    ...cachedOriginRows,
    ...routeRows,
    ...compositionRows.map(fromCompositionRow),
    ...(driver.nodeResponse === true ? rawWriteRows.map(fromCompositionRow) : []),
  ];
}

/**
 * Registers (with vitest's `describe`/`it`) the whole conformance suite for one adapter on
 * one framework: every row of `rowsFor(driver)`, the configuration errors, a reconfiguration
 * run, and, over HTTP, the raw-request rows and a burst. An adapter's `conformance.test.ts`
 * is then `describeConformance('Koa 3', koaDriver(Koa))`.
 */
export function describeConformance(name: string, driver: RouteDriver): void {
  describe(`conformance on ${name}`, () => {
    const skip = driver.skip ?? {};
    const all = rowsFor(driver);
    const rows = all.filter((row) => !(row.name in skip));

    it.each(rows)('$name', async (row) => {
      expect(await runRow(driver, row)).toEqual(row.expected);
    });

    if (Object.keys(skip).length > 0) {
      it('skips only rows that exist, each for a reason', () => {
        const names = new Set(all.map((row) => row.name));
        for (const [row, reason] of Object.entries(skip)) {
          expect(names.has(row), row).toBe(true);
          expect(reason.length).toBeGreaterThan(0);
        }
      });
    }

    // Report-only mode and report candidates (issue 20): answered as enforced, reported apart.
    it.each(reportRows)('$name', async (row) => {
      const result = await runReportRow(row, async (options) => {
        const app = await driver.serve(options, {});
        try {
          return await sendRow(app, row.request);
        } finally {
          await app.close();
        }
      });
      expect(result).toEqual(row.expected);
    });

    it.each([...specConfigErrorRows, ...hardeningConfigErrorRows, ...reportConfigErrorRows])(
      'refuses to start with $name',
      async (row) => {
        const start = async (): Promise<void> => {
          const app = await driver.serve(row.options as CorsOptions, {});
          await app.close();
        };
        await expectConfigError(start, row, driver.CorsConfigError);
      },
    );

    it('follows policy.reconfigure(), atomically', async () => {
      const policy = reconfigurablePolicy();
      const app = await driver.serve(policy, {});
      try {
        expect(await runReconfiguration(app, policy)).toEqual([]);
      } finally {
        await app.close();
      }
    });

    if (driver.transport === 'http') {
      it.each(rawRequestRows)('$name (raw bytes)', async (row) => {
        const app = await driver.serve(row.options, {});
        try {
          expect(observeRaw(await sendRaw(app.url as string, row.request))).toEqual(row.expected);
        } finally {
          await app.close();
        }
      });

      it(
        'answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth',
        { timeout: 60_000 }, // a hang guard for a loaded machine, not a speed assertion
        async () => {
          const app = await driver.serve(burstPolicy, {});
          try {
            const result = await runBurst(app);
            expect(result.mismatches).toEqual([]);
            expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
          } finally {
            await app.close();
          }
        },
      );
    }
  });
}
