// The same behaviour as index.test.ts, over real HTTP: the wrapped handler served on Node by
// @hono/node-server, as the example serves it.
import { request as httpRequest } from 'node:http';
import { serve } from '@hono/node-server';
import {
  allRows,
  burstPolicy,
  configErrorRows,
  expectConfigError,
  MAX_BURST_HEAP_GROWTH,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  pickCorsHeaders,
  ROUTE_BODY,
  runBurst,
  sendRow,
} from '@cors/conformance';
import { describe, expect, it, vi } from 'vitest';
import {
  APP,
  EVIL,
  GRANT,
  routeHandler,
  withErrorLog,
  withServer,
} from './test-handler.test-support.js';
import { CorsConfigError, withCors, type CorsDecision, type WithCorsOptions } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

/** Sends a request with `node:http`, which (unlike fetch) can repeat a header line. */
function sendRaw(
  baseUrl: string,
  method: string,
  headers: Record<string, string | string[]>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL('/', baseUrl), { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.on('error', reject);
    req.end();
  });
}

describe('conformance rows, over HTTP', () => {
  it.each(allRows)('$name', async (row) => {
    const observed = await withServer(routeHandler(row.options), (baseUrl) =>
      sendRow(baseUrl, row.request),
    );
    expect(observed).toEqual(row.expected);
  });

  it.each(originFailureRows)('$name (the default onError)', async (row) => {
    const [observed, logged] = await withErrorLog(() =>
      withServer(routeHandler(row.options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });

  it(
    'answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth',
    { timeout: 60_000 }, // a hang guard for a loaded machine, not a speed assertion
    async () => {
      const result = await withServer(routeHandler(burstPolicy), (baseUrl) => runBurst(baseUrl));
      expect(result.mismatches).toEqual([]);
      expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
    },
  );
});

describe('configuration errors', () => {
  it.each(configErrorRows)(
    'throws CorsConfigError before the server starts for $name',
    async (row) => {
      const started = vi.fn();
      const start = (): void => {
        const fetch = withCors(() => new Response(), row.options as WithCorsOptions);
        started();
        serve({ fetch, port: 0 }).close();
      };
      await expectConfigError(start, row, CorsConfigError);
      expect(started).not.toHaveBeenCalled();
    },
  );
});

describe('handlers, over HTTP', () => {
  it('keeps the grant on the 500 of a handler that throws', async () => {
    const fetch = withCors(
      async () => {
        throw new Error('database down');
      },
      {
        origin: APP,
        credentials: true,
        onError: () => Response.json({ error: 'down' }, { status: 500 }),
      },
    );
    await withServer(fetch, async (baseUrl) => {
      const response = await globalThis.fetch(baseUrl, { headers: { origin: APP } });
      expect([response.status, await response.json()]).toEqual([500, { error: 'down' }]);
      expect(pickCorsHeaders(response.headers)).toEqual({
        ...GRANT,
        'access-control-allow-credentials': 'true',
      });
    });
  });

  it('merges Origin into the Vary the handler set', async () => {
    const fetch = withCors(() => new Response('zipped', { headers: { Vary: 'Accept-Encoding' } }), {
      origin: APP,
    });
    await withServer(fetch, async (baseUrl) => {
      const response = await globalThis.fetch(baseUrl, { headers: { origin: APP } });
      expect(pickCorsHeaders(response.headers)).toEqual({
        ...GRANT,
        vary: 'Accept-Encoding, Origin',
      });
    });
  });

  it('copies a proxied upstream response, whose headers are immutable, and adds the grant', async () => {
    await withServer(
      () => new Response('upstream body', { headers: { 'X-Upstream': 'yes' } }),
      async (upstreamUrl) => {
        const proxy = withCors(() => globalThis.fetch(upstreamUrl), { origin: APP });
        await withServer(proxy, async (baseUrl) => {
          const response = await globalThis.fetch(baseUrl, { headers: { origin: APP } });
          expect(await response.text()).toBe('upstream body');
          expect(response.headers.get('x-upstream')).toBe('yes');
          expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
        });
      },
    );
  });

  it('gives an async origin function and onDecision the Request', async () => {
    const calls: [CorsDecision, string | null][] = [];
    const fetch = withCors(() => new Response(ROUTE_BODY), {
      origin: async (origin, request) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return origin === APP && request.headers.get('x-tenant') === 'acme';
      },
      onDecision: (decision, request) => calls.push([decision, request.headers.get('x-tenant')]),
    });
    await withServer(fetch, async (baseUrl) => {
      const granted = await globalThis.fetch(baseUrl, {
        headers: { origin: APP, 'x-tenant': 'acme' },
      });
      expect(pickCorsHeaders(granted.headers)).toEqual(GRANT);
      const refused = await globalThis.fetch(baseUrl, {
        headers: { origin: EVIL, 'x-tenant': 'acme' },
      });
      expect(pickCorsHeaders(refused.headers)).toEqual({ vary: 'Origin' });
    });
    expect(calls.map(([decision, tenant]) => [decision.allowed, tenant])).toEqual([
      [true, 'acme'],
      [false, 'acme'],
    ]);
  });

  it('gives no grant to two Origin header lines, even of allowed origins', async () => {
    await withServer(
      routeHandler({ origin: [APP, 'https://admin.example.com'] }),
      async (baseUrl) => {
        const response = await sendRaw(baseUrl, 'GET', {
          Origin: [APP, 'https://admin.example.com'],
        });
        expect([response.status, response.body]).toEqual([200, ROUTE_BODY]);
        expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
      },
    );
  });

  it.each([
    ['an answered preflight with the default 204', {}, APP, 204, undefined],
    [
      'an answered preflight with optionsSuccessStatus 200',
      { optionsSuccessStatus: 200 },
      APP,
      200,
      '0',
    ],
    ['a refused preflight', {}, EVIL, 403, '0'],
  ] as const)(
    'sends %s with an empty body that is not chunked',
    async (_, extra, origin, status, length) => {
      await withServer(routeHandler({ origin: APP, ...extra }), async (baseUrl) => {
        const response = await sendRaw(baseUrl, 'OPTIONS', {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
        });
        expect([response.status, response.body]).toEqual([status, '']);
        expect(response.headers['content-length']).toBe(length);
        expect(response.headers['transfer-encoding']).toBeUndefined();
      });
    },
  );
});

describe('report rows, over HTTP', () => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, (options) =>
      withServer(routeHandler(options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(result).toEqual(row.expected);
  });
});
