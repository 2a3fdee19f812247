// Issue 14 point 1 and issue 18 point 3: CORS as one middleware among several, as rows of
// @cors/conformance, on Koa 3 and Koa 2.
import {
  ROUTE_BODY,
  ROUTE_VARY,
  compositionRows,
  rawWriteRows,
  sendCompositionRow,
  writeRawRoute,
  type CompositionDriver,
} from '@cors/conformance';
import Koa from 'koa';
import Koa2 from 'koa2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cors } from './index.js';

const onKoa =
  (KoaClass: typeof Koa): CompositionDriver =>
  async (row) => {
    const { setup } = row;
    const app = new KoaClass();
    app.silent = true; // the throwing rows would log their errors
    app.use(async (ctx, next) => {
      ctx.vary(setup.before.vary);
      ctx.set(...setup.before.header);
      await next();
    });
    app.use(cors(row.options));
    app.use((ctx) => {
      if (setup.route === 'throws') throw new Error('route failed');
      if (setup.route.startsWith('raw-')) {
        // Proxy middleware: Koa leaves the response alone, the route writes on Node's response.
        ctx.respond = false;
        writeRawRoute(ctx.res, setup.route);
        return;
      }
      if (setup.route === 'sets-vary') ctx.set('Vary', ROUTE_VARY);
      ctx.body = ROUTE_BODY;
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      return await sendCompositionRow(`http://127.0.0.1:${port}`, row);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  };

describe.each([
  ['Koa 3', onKoa(Koa)],
  ['Koa 2', onKoa(Koa2)],
])('CORS among other middleware on %s', (_name, drive) => {
  it.each([...compositionRows, ...rawWriteRows])('$name', async (row) => {
    expect(await drive(row)).toEqual(row.expected);
  });
});
