// Issue 14 point 1 and issue 18 point 3: CORS as one middleware among several, as rows of
// @cors/conformance, through `app.request` and over real HTTP through @hono/node-server. The
// `raw-*` rows are for Node responses; Hono's routes return a `Response`.
import { serve } from '@hono/node-server';
import {
  ROUTE_BODY,
  ROUTE_VARY,
  compositionRows,
  observeComposition,
  sendCompositionRow,
  type CompositionDriver,
  type CompositionRow,
} from '@cors/conformance';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { cors } from './index.js';

function compositionApp({ options, setup }: CompositionRow): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    c.header('Vary', setup.before.vary);
    c.header(...setup.before.header);
    await next();
  });
  app.use('*', cors(options));
  app.all('/', (c) => {
    if (setup.route === 'throws') throw new Error('route failed');
    if (setup.route === 'sets-vary') c.header('Vary', ROUTE_VARY);
    return c.text(ROUTE_BODY);
  });
  return app;
}

const inProcess: CompositionDriver = async (row) => {
  const response = await compositionApp(row).request('/', {
    method: row.request.method,
    headers: row.request.headers,
  });
  return observeComposition(row, response);
};

const overHttp: CompositionDriver = async (row) => {
  const app = compositionApp(row);
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port),
    );
  });
  try {
    return await sendCompositionRow(`http://127.0.0.1:${port}`, row);
  } finally {
    await new Promise<void>((resolve, reject) =>
      server?.close((error) => (error ? reject(error) : resolve())),
    );
  }
};

describe.each([
  ['app.request', inProcess],
  ['@hono/node-server', overHttp],
])('CORS among other middleware through %s', (_name, drive) => {
  it.each(compositionRows)('$name', async (row) => {
    // Hono's default error handler logs the throwing rows' errors.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await drive(row)).toEqual(row.expected);
    } finally {
      quiet.mockRestore();
    }
  });
});
