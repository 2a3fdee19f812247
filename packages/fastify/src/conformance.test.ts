import {
  allRows,
  burstPolicy,
  configErrorRows,
  expectConfigError,
  MAX_BURST_HEAP_GROWTH,
  originFailureRows,
  runBurst,
  sendRow,
} from '@cors/conformance';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { routeApp, withServer } from './test-app.test-support.js';
import { cors, CorsConfigError, type FastifyCorsOptions } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

describe.each(['plugin', 'route'] as const)(
  'conformance rows over HTTP, policy on the %s',
  (place) => {
    it.each([...allRows, ...originFailureRows])('$name', async (row) => {
      const app = await routeApp(row.options, place);
      expect(await withServer(app, (baseUrl) => sendRow(baseUrl, row.request))).toEqual(
        row.expected,
      );
    });
  },
);

describe('a burst over HTTP', () => {
  it(
    'answers 3,000 mixed requests as the table says, with no hang and no heap growth',
    { timeout: 60_000 }, // a hang guard for a loaded machine, not a speed assertion
    async () => {
      const result = await withServer(await routeApp(burstPolicy), (baseUrl) => runBurst(baseUrl));
      expect(result.mismatches).toEqual([]);
      expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
    },
  );
});

describe('configuration errors', () => {
  it.each(configErrorRows)('the app fails to start with CorsConfigError for $name', async (row) => {
    const start = async (): Promise<void> => {
      const app = Fastify();
      await app.register(cors, row.options as FastifyCorsOptions);
      await app.ready();
    };
    await expectConfigError(start, row, CorsConfigError);
  });

  it.each(configErrorRows)(
    'adding a route whose config.cors has $name throws CorsConfigError at once',
    async (row) => {
      const app = Fastify();
      await app.register(cors);
      await expectConfigError(
        () => app.get('/', { config: { cors: row.options as FastifyCorsOptions } }, () => 'x'),
        row,
        CorsConfigError,
      );
    },
  );
});

describe.each(['plugin', 'route'] as const)('report rows over HTTP, policy on the %s', (place) => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, async (options) =>
      withServer(await routeApp(options, place), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(result).toEqual(row.expected);
  });
});
