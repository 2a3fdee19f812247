import {
  allRows,
  configErrorRows,
  originFailureRows,
  ROUTE_BODY,
  sendRow,
  expectConfigError,
  burstPolicy,
  runBurst,
  MAX_BURST_HEAP_GROWTH,
} from '@cors/conformance';
import { All, Controller } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AllowOrigin, CorsConfigError, CorsModule } from './index.js';
import { platforms, startServer } from './test-app.js';
import { reportRows, runReportRow } from '@cors/conformance';

// `@AllowOrigin()` without arguments takes the module defaults as they are, so every row's
// options become this route's policy (undecorated routes only get defaults that name an origin).
@AllowOrigin()
@Controller()
class CatchAllController {
  @All('*')
  route(): string {
    return ROUTE_BODY;
  }
}

describe.each(platforms)('conformance rows over HTTP on %s', (platform) => {
  it.each([...allRows, ...originFailureRows])('$name', async (row) => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRoot(row.options)],
      controllers: [CatchAllController],
    });
    try {
      expect(await sendRow(server.url, row.request)).toEqual(row.expected);
    } finally {
      await server.close();
    }
  });

  it('answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth', async () => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRoot(burstPolicy)],
      controllers: [CatchAllController],
    });
    try {
      const result = await runBurst(server.url);
      expect(result.mismatches).toEqual([]);
      expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
    } finally {
      await server.close();
    }
  }, 60_000); // a hang guard for a loaded machine, not a speed assertion

  it.each(configErrorRows)('refuses to start with $name', async (row) => {
    await expectConfigError(
      () =>
        startServer(platform, {
          imports: [CorsModule.forRoot(row.options as never)],
          controllers: [CatchAllController],
        }),
      row,
      CorsConfigError,
    );
  });
});

describe.each(platforms)('report rows over HTTP on %s', (platform) => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, async (options) => {
      const server = await startServer(platform, {
        imports: [CorsModule.forRoot(options)],
        controllers: [CatchAllController],
      });
      try {
        return await sendRow(server.url, row.request);
      } finally {
        await server.close();
      }
    });
    expect(result).toEqual(row.expected);
  });
});
