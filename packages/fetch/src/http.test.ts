// Over real HTTP: the wrapped handler served on Node by @hono/node-server, as the example
// serves it. Every conformance row through the route driver, then what is withCors's own, as in
// index.test.ts.
import {
  APP,
  EVIL,
  describeConformance,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  pickCorsHeaders,
  sendRaw,
  sendRow,
} from '@cors/conformance';
import { describe, expect, it } from 'vitest';
import {
  GRANT,
  fetchDriver,
  routeHandler,
  withErrorLog,
  withServer,
} from './test-handler.test-support.js';
import { withCors } from './index.js';

describeConformance('a Fetch handler over HTTP', fetchDriver('http'));

describe('a failing origin function, over HTTP', () => {
  it.each(originFailureRows)('$name (the default onError)', async (row) => {
    const [observed, logged] = await withErrorLog(() =>
      withServer(routeHandler(row.options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });
});

describe('handlers, over HTTP', () => {
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
        const response = await sendRaw(baseUrl, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
        });
        expect([response.status, response.body]).toEqual([status, '']);
        expect(response.headers['content-length']).toBe(length);
        expect(response.headers['transfer-encoding']).toBeUndefined();
      });
    },
  );
});
