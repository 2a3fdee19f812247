// Over real HTTP through @hono/node-server, whose lightweight `Response` (installed globally
// when it serves) is what Node users run: every conformance row through the route driver, then
// what is Hono's own, as in index.test.ts.
import { getRequestListener } from '@hono/node-server';
import {
  APP,
  EVIL,
  PREFLIGHT_VARY,
  ORIGIN_FAILURE_MESSAGE,
  ROUTE_BODY,
  describeConformance,
  originFailureRows,
  pickCorsHeaders,
  sendRaw,
  sendRow,
  withServer as serve,
} from '@cors/conformance';
import { Hono } from 'hono';
import { streamText } from 'hono/streaming';
import { describe, expect, it } from 'vitest';
import { GRANT, honoDriver, routeApp, withErrorLog } from './test-app.test-support.js';
import { cors } from './index.js';

describeConformance('@hono/node-server', honoDriver('http'));

/** Serves `app` on a free loopback port for the length of `use`, then closes the server. */
function withServer<T>(app: Hono, use: (baseUrl: string) => Promise<T>): Promise<T> {
  return serve(getRequestListener(app.fetch), use);
}

function fromApp(origin = APP, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { origin, ...(init.headers as Record<string, string>) } };
}

describe('a failing origin function, over HTTP', () => {
  it.each(originFailureRows)("$name (Hono's default error handler)", async (row) => {
    const [observed, logged] = await withErrorLog(() =>
      withServer(routeApp(row.options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });
});

describe('error and not-found responses, over HTTP', () => {
  it("puts the grant on app.onError's response when a route throws", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP, credentials: true }));
    app.get('/boom', () => {
      throw new Error('database down');
    });
    app.onError((error, c) => c.json({ error: error.message }, 500));
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/boom`, fromApp());
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'database down' });
      expect(pickCorsHeaders(response.headers)).toEqual({
        ...GRANT,
        'access-control-allow-credentials': 'true',
      });
    });
  });

  it("puts the grant on app.notFound's response", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.notFound((c) => c.text('no such page', 404));
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/missing`, fromApp());
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('no such page');
      expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
    });
  });

  it('sends the error of an origin function that rejects to app.onError with no grant but Vary: Origin', async () => {
    const app = new Hono();
    const errors: unknown[] = [];
    app.use('*', async (c, next) => {
      c.header('Vary', 'Accept-Encoding');
      await next();
    });
    app.use(
      '*',
      cors({
        origin: async (origin) =>
          origin === EVIL ? Promise.reject(new Error('lookup failed')) : origin === APP,
      }),
    );
    app.get('/', (c) => c.text(ROUTE_BODY));
    app.onError((error, c) => {
      errors.push(error);
      return c.text('failed', 500);
    });
    await withServer(app, async (baseUrl) => {
      const failed = await fetch(baseUrl, fromApp(EVIL));
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe('failed');
      expect(pickCorsHeaders(failed.headers)).toEqual({ vary: 'Accept-Encoding, Origin' });
      expect((errors[0] as Error).message).toBe('lookup failed');
      const next = await fetch(baseUrl, fromApp());
      expect(await next.text()).toBe(ROUTE_BODY);
      expect(pickCorsHeaders(next.headers)).toEqual({ ...GRANT, vary: 'Accept-Encoding, Origin' });
    });
  });

  it('merges Origin into the Vary of a Response app.onError built for a failing origin function', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: () => Promise.reject(new Error('lookup failed')) }));
    app.get('/', (c) => c.text(ROUTE_BODY));
    app.onError(
      () => new Response('failed', { status: 503, headers: { Vary: 'Accept-Language' } }),
    );
    await withServer(app, async (baseUrl) => {
      const failed = await fetch(baseUrl, fromApp());
      expect([failed.status, await failed.text()]).toEqual([503, 'failed']);
      expect(pickCorsHeaders(failed.headers)).toEqual({ vary: 'Accept-Language, Origin' });
    });
  });
});

describe('responses the route built, over HTTP', () => {
  it('keeps every Set-Cookie line of the route', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP, credentials: true }));
    app.post('/session', (c) => {
      c.header('Set-Cookie', 'session=abc; HttpOnly', { append: true });
      c.header('Set-Cookie', 'theme=dark', { append: true });
      return c.text('signed in');
    });
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/session`, fromApp(APP, { method: 'POST' }));
      expect(response.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
      expect(pickCorsHeaders(response.headers)).toEqual({
        ...GRANT,
        'access-control-allow-credentials': 'true',
      });
    });
  });

  it('keeps the headers and the whole body of a streaming response', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP, exposedHeaders: ['x-stream'] }));
    app.get('/events', (c) => {
      c.header('X-Stream', 'on');
      return streamText(c, async (stream) => {
        for (const word of ['one', 'two', 'three']) {
          await stream.write(`${word}\n`);
          await stream.sleep(5);
        }
      });
    });
    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/events`, fromApp());
      expect(response.headers.get('x-stream')).toBe('on');
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      expect(pickCorsHeaders(response.headers)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'x-stream',
        vary: 'Origin',
      });
      expect(await response.text()).toBe('one\ntwo\nthree\n');
    });
  });
});

describe('preflight framing, over HTTP', () => {
  it.each([
    ['an answered preflight with the default 204', { origin: APP }, APP, 204, undefined],
    [
      'an answered preflight with optionsSuccessStatus 200',
      { origin: APP, optionsSuccessStatus: 200 },
      APP,
      200,
      '0',
    ],
    ['a refused preflight', { origin: APP }, EVIL, 403, '0'],
  ] as const)(
    'sends %s with an empty body that is not chunked',
    async (_, options, origin, status, length) => {
      await withServer(routeApp(options), async (baseUrl) => {
        const response = await sendRaw(baseUrl, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
        });
        expect(response.status).toBe(status);
        expect(response.body).toBe('');
        expect(response.headers['content-length']).toBe(length);
        expect(response.headers['transfer-encoding']).toBeUndefined();
      });
    },
  );
});

describe('mounting on a sub-path, over HTTP', () => {
  it('answers preflights and grants only under that path', async () => {
    const app = new Hono();
    app.use('/api/*', cors({ origin: APP }));
    app.get('/api/items', (c) => c.text('items'));
    app.get('/public', (c) => c.text('public'));
    const preflight = {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'DELETE' },
    };
    await withServer(app, async (baseUrl) => {
      const answered = await fetch(`${baseUrl}/api/items`, preflight);
      expect(answered.status).toBe(204);
      expect(await answered.text()).toBe('');
      expect(pickCorsHeaders(answered.headers)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        vary: PREFLIGHT_VARY,
      });
      expect(pickCorsHeaders((await fetch(`${baseUrl}/api/items`, fromApp())).headers)).toEqual(
        GRANT,
      );
      const outside = await fetch(`${baseUrl}/public`, fromApp());
      expect(pickCorsHeaders(outside.headers)).toEqual({});
      expect((await fetch(`${baseUrl}/public`, preflight)).status).toBe(404);
    });
  });
});
