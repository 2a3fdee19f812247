// Issue 14 point 1 and issue 18 point 3: CORS as one hook among several, as rows of
// @cors/conformance, over real HTTP. The earlier hook sets its headers Fastify's way
// (`reply.header`) or on Node's response (`reply.raw.setHeader`, as Node middleware run through
// Fastify does). The `raw-*` rows (a route that takes the response with `reply.hijack()` and
// writes `reply.raw` itself, as proxies do) run with the second only: a hijacked reply never
// writes what was set with `reply.header`, the earlier hook's headers included.
import {
  ROUTE_BODY,
  ROUTE_VARY,
  compositionRows,
  rawWriteRows,
  sendCompositionRow,
  writeRawRoute,
  type CompositionDriver,
} from '@cors/conformance';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { cors } from './index.js';

const onFastify =
  (earlier: 'reply.header' | 'reply.raw'): CompositionDriver =>
  async (row) => {
    const { setup } = row;
    const app = Fastify();
    app.addHook('onRequest', (_request, reply, done) => {
      if (earlier === 'reply.header') {
        reply.header('Vary', setup.before.vary);
        reply.header(...setup.before.header);
      } else {
        reply.raw.setHeader('Vary', setup.before.vary);
        reply.raw.setHeader(...setup.before.header);
      }
      done();
    });
    await app.register(cors, row.options);
    app.all('/', async (_request, reply) => {
      if (setup.route === 'throws') throw new Error('route failed');
      if (setup.route.startsWith('raw-')) {
        reply.hijack();
        writeRawRoute(reply.raw, setup.route);
        return reply;
      }
      if (setup.route === 'sets-vary') void reply.header('Vary', ROUTE_VARY);
      return ROUTE_BODY;
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      return await sendCompositionRow(address, row);
    } finally {
      await app.close();
    }
  };

describe('CORS among other hooks, the earlier one setting headers with reply.header', () => {
  const drive = onFastify('reply.header');
  it.each(compositionRows)('$name', async (row) => {
    expect(await drive(row)).toEqual(row.expected);
  });
});

describe("CORS among other hooks, the earlier one setting headers on Node's response", () => {
  const drive = onFastify('reply.raw');
  it.each([...compositionRows, ...rawWriteRows])('$name', async (row) => {
    expect(await drive(row)).toEqual(row.expected);
  });
});
