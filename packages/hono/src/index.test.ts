// In-process tests with `app.request()`, on the runtime's own `Response` (as on Bun, Deno and
// Workers). The same behaviour over real HTTP through @hono/node-server is in http.test.ts: a
// file of its own because serving replaces the global `Response` with node-server's.
import {
  allRows,
  configErrorRows,
  failingOrigins,
  observe,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  rejectingOrigin,
  throwingOrigin,
  pickCorsHeaders,
  ROUTE_BODY,
  expectConfigError,
} from '@cors/conformance';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamText } from 'hono/streaming';
import { describe, expect, it, vi } from 'vitest';
import { APP, EVIL, GRANT, routeApp, withErrorLog } from './test-app.test-support.js';
import { cors, CorsConfigError, type CorsDecision, type CorsOptions } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

function fromApp(origin = APP, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { origin, ...(init.headers as Record<string, string>) } };
}

describe('conformance rows, in-process', () => {
  it.each(allRows)('$name', async (row) => {
    const response = await routeApp(row.options).request('/', {
      method: row.request.method,
      headers: row.request.headers,
    });
    expect(await observe(response)).toEqual(row.expected);
  });

  it.each(originFailureRows)("$name (Hono's default error handler)", async (row) => {
    const [observed, logged] = await withErrorLog(async () => {
      const response = await routeApp(row.options).request('/', {
        method: row.request.method,
        headers: row.request.headers,
      });
      return observe(response);
    });
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });
});

describe('configuration errors', () => {
  it.each(configErrorRows)('cors() throws CorsConfigError at start-up for $name', async (row) => {
    await expectConfigError(() => cors(row.options as CorsOptions), row, CorsConfigError);
  });
});

describe('preflights', () => {
  it('answers a preflight with a fresh, bodiless response before later middleware runs', async () => {
    const app = new Hono();
    const later = vi.fn();
    app.use('*', cors({ origin: APP, maxAge: 600 }));
    app.use('*', async (c, next) => {
      later();
      c.header('X-Later', 'yes');
      await next();
    });
    app.put('/items', (c) => c.text('stored'));
    const response = await app.request('/items', {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'PUT' },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('x-later')).toBeNull();
    expect(later).not.toHaveBeenCalled();
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
  });

  it('answers a HEAD request with the same headers as the GET it mirrors', async () => {
    const app = routeApp({ origin: APP });
    const response = await app.request('/', fromApp(APP, { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });
});

describe('error and not-found responses', () => {
  it("puts the grant on app.onError's response when a route throws", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP, credentials: true, exposedHeaders: ['x-request-id'] }));
    app.get('/boom', () => {
      throw new Error('database down');
    });
    app.onError((error, c) => c.json({ error: error.message }, 500));
    const response = await app.request('/boom', fromApp());
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'database down' });
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-request-id',
      vary: 'Origin',
    });
  });

  it("puts the grant on Hono's default error response", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/boom', () => {
      throw new Error('database down');
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await app.request('/boom', fromApp());
      expect(response.status).toBe(500);
      expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
    } finally {
      logged.mockRestore();
    }
  });

  it('puts the grant on the response of an HTTPException thrown by a later middleware', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.use('/private/*', async () => {
      throw new HTTPException(401, { message: 'sign in first' });
    });
    app.get('/private/data', (c) => c.text('secret'));
    const response = await app.request('/private/data', fromApp());
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('sign in first');
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });

  it("puts the grant on app.notFound's response", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.notFound((c) => c.json({ error: 'no such page' }, 404));
    const response = await app.request('/missing', fromApp());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no such page' });
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });

  it("puts the grant on Hono's default not-found response", async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', (c) => c.text('home'));
    const response = await app.request('/missing', fromApp());
    expect(response.status).toBe(404);
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });

  it('gives no grant to the not-found response of a refused origin', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    const response = await app.request('/missing', fromApp(EVIL));
    expect(response.status).toBe(404);
    expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
  });
});

describe('Vary', () => {
  it('merges Origin into the Vary the route set with c.header()', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', (c) => {
      c.header('Vary', 'Accept-Encoding');
      return c.text('compressed');
    });
    const response = await app.request('/', fromApp());
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      vary: 'Accept-Encoding, Origin',
    });
  });

  it('merges Origin into the Vary of a Response the route built itself', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', () => new Response('hi', { headers: { Vary: 'Accept-Language, Cookie' } }));
    const response = await app.request('/', fromApp(EVIL));
    expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Accept-Language, Cookie, Origin' });
  });

  it('does not repeat Origin when the route already varies on it', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', (c) => c.text('hi', 200, { Vary: 'origin, Accept' }));
    const response = await app.request('/', fromApp());
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      vary: 'origin, Accept',
    });
  });

  it('leaves Vary: * as it is', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', (c) => c.text('hi', 200, { Vary: '*' }));
    const response = await app.request('/', fromApp());
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      vary: '*',
    });
  });
});

describe('responses the route built', () => {
  it('keeps the headers and the whole body of a streaming response', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP, exposedHeaders: ['x-stream'] }));
    app.get('/events', (c) => {
      c.header('X-Stream', 'on');
      return streamText(c, async (stream) => {
        for (const word of ['one', 'two', 'three']) {
          await stream.write(`${word}\n`);
          await stream.sleep(1);
        }
      });
    });
    const response = await app.request('/events', fromApp());
    expect(response.headers.get('x-stream')).toBe('on');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'x-stream',
      vary: 'Origin',
    });
    expect(await response.text()).toBe('one\ntwo\nthree\n');
  });

  it('copies a response whose headers are immutable (Response.redirect) to add the grant', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/old', () => Response.redirect('https://api.example.com/new', 308));
    const response = await app.request('/old', fromApp());
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('https://api.example.com/new');
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });

  it('keeps the status, body and other headers of the route', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.post('/items', (c) => c.json({ id: 7 }, 201, { Location: '/items/7' }));
    const response = await app.request('/items', fromApp(APP, { method: 'POST' }));
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/items/7');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ id: 7 });
  });
});

describe('an origin function', () => {
  it('receives the origin and the Context, and may be async', async () => {
    const app = new Hono<{ Variables: { tenantOrigins: string[] } }>();
    app.use('*', async (c, next) => {
      c.set('tenantOrigins', c.req.header('x-tenant') === 'acme' ? [APP] : []);
      await next();
    });
    const seen: string[] = [];
    app.use(
      '*',
      cors({
        origin: async (origin, c) => {
          seen.push(`${origin} ${c.req.path}`);
          await new Promise((resolve) => setTimeout(resolve, 1));
          return c.get('tenantOrigins').includes(origin);
        },
      }),
    );
    app.get('/data', (c) => c.text('data'));

    const granted = await app.request('/data', fromApp(APP, { headers: { 'x-tenant': 'acme' } }));
    expect(pickCorsHeaders(granted.headers)).toEqual(GRANT);
    const refused = await app.request('/data', fromApp(APP, { headers: { 'x-tenant': 'other' } }));
    expect(pickCorsHeaders(refused.headers)).toEqual({ vary: 'Origin' });
    expect(await refused.text()).toBe('data');
    expect(seen).toEqual([`${APP} /data`, `${APP} /data`]);
  });

  it.each([
    [
      'throws',
      (): boolean => {
        throw new Error('origin lookup failed');
      },
    ],
    [
      'rejects',
      async (): Promise<boolean> => {
        throw new Error('origin lookup failed');
      },
    ],
  ])(
    'that %s sends the error to app.onError with no grant but Vary: Origin, and the app keeps serving',
    async (_, failing) => {
      const app = new Hono();
      const errors: unknown[] = [];
      const route = vi.fn();
      app.use('*', cors({ origin: (origin) => (origin === EVIL ? failing() : origin === APP) }));
      app.get('/', (c) => {
        route();
        return c.text(ROUTE_BODY);
      });
      app.onError((error, c) => {
        errors.push(error);
        return c.text('failed', 500);
      });

      const failed = await app.request('/', fromApp(EVIL));
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe('failed');
      expect(pickCorsHeaders(failed.headers)).toEqual({ vary: 'Origin' });
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe('origin lookup failed');
      expect(route).not.toHaveBeenCalled();

      const next = await app.request('/', fromApp());
      expect(next.status).toBe(200);
      expect(pickCorsHeaders(next.headers)).toEqual(GRANT);
    },
  );
});

describe('the error response of a failing origin function', () => {
  /** An app whose earlier middleware sets `Vary: Accept-Encoding` before cors() fails. */
  function appWithVary(origin: () => boolean | Promise<boolean>): Hono {
    const app = new Hono();
    app.use('*', async (c, next) => {
      c.header('Vary', 'Accept-Encoding');
      await next();
    });
    app.use('*', cors({ origin, credentials: true }));
    app.get('/', (c) => c.text(ROUTE_BODY));
    return app;
  }

  it.each(failingOrigins)(
    "merges Origin into a Vary set before the function %s, on Hono's default error response",
    async (_how, origin) => {
      const [response] = await withErrorLog(() =>
        Promise.resolve(appWithVary(origin).request('/', fromApp())),
      );
      expect(response.status).toBe(500);
      expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Accept-Encoding, Origin' });
    },
  );

  it.each([
    [
      'c.json() with the Vary set before',
      (_: Error, c: Context) => c.json({ error: 'failed' }, 500),
      500,
      'Accept-Encoding, Origin',
    ],
    [
      'c.text() with a Vary of its own',
      (_: Error, c: Context) => c.text('failed', 500, { Vary: 'Accept-Language' }),
      500,
      'Accept-Language, Origin',
    ],
    [
      'new Response() with a Vary of its own',
      () => new Response('failed', { status: 503, headers: { Vary: 'Accept-Language' } }),
      503,
      'Accept-Language, Origin',
    ],
    [
      'Response.redirect(), whose headers are immutable',
      () => Response.redirect('https://app.example.com/status', 302),
      302,
      'Origin',
    ],
  ])('varies on Origin when app.onError answers with %s', async (_how, onError, status, vary) => {
    const app = appWithVary(rejectingOrigin);
    app.onError(onError);
    const response = await app.request('/', fromApp());
    expect(response.status).toBe(status);
    expect(pickCorsHeaders(response.headers)).toEqual({ vary });
  });

  it('varies on Origin when cors() is the only handler for the path', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: throwingOrigin }));
    const [response] = await withErrorLog(() =>
      Promise.resolve(app.request('/missing', fromApp())),
    );
    expect(response.status).toBe(500);
    expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
  });

  it("varies on Origin in a sub-app mounted with app.route(), with that sub-app's onError", async () => {
    const api = new Hono();
    api.use('*', cors({ origin: rejectingOrigin }));
    api.get('/items', (c) => c.text('items'));
    api.onError(() => new Response('api failed', { status: 503 }));
    const app = new Hono();
    app.route('/api', api);
    const response = await app.request('/api/items', fromApp());
    expect([response.status, await response.text()]).toEqual([503, 'api failed']);
    expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
  });

  it("answers as if no hook were set when onDecision throws under a '*' policy (the core reports the error)", async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = new Hono();
      app.use(
        '*',
        cors({
          origin: '*',
          onDecision: () => {
            throw new Error('log sink down');
          },
        }),
      );
      app.get('/', (c) => c.text(ROUTE_BODY));
      app.onError((_, c) => c.text('failed', 500));
      const response = await app.request('/', fromApp());
      expect([response.status, await response.text()]).toEqual([200, ROUTE_BODY]);
      expect(pickCorsHeaders(response.headers)).toEqual({ 'access-control-allow-origin': '*' });
      expect(consoleError).toHaveBeenCalledOnce();
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('onDecision', () => {
  it('receives every decision and the Context the route sees', async () => {
    const app = new Hono();
    const calls: { decision: CorsDecision; path: string; context: unknown }[] = [];
    let routeContext: unknown;
    app.use(
      '*',
      cors({
        origin: APP,
        onDecision: (decision, c) => calls.push({ decision, path: c.req.path, context: c }),
      }),
    );
    app.get('/who', (c) => {
      routeContext = c;
      return c.text('me');
    });
    await app.request('/who', fromApp());
    await app.request('/who', {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });

    expect(calls).toHaveLength(2);
    expect(calls[0]?.context).toBe(routeContext);
    expect(calls[0]?.decision).toMatchObject({
      kind: 'actual',
      allowed: true,
      headers: { 'Access-Control-Allow-Origin': APP },
    });
    expect(calls[1]?.path).toBe('/who');
    expect(calls[1]?.decision).toMatchObject({
      kind: 'preflight',
      allowed: false,
      reason: 'origin-not-allowed',
      detail: EVIL,
    });
  });
});

describe('mounting', () => {
  it('applies only under the sub-path it is mounted on', async () => {
    const app = new Hono();
    app.use('/api/*', cors({ origin: APP }));
    app.get('/api/items', (c) => c.text('items'));
    app.get('/public', (c) => c.text('public'));

    const api = await app.request('/api/items', fromApp());
    expect(pickCorsHeaders(api.headers)).toEqual(GRANT);
    const outside = await app.request('/public', fromApp());
    expect(await outside.text()).toBe('public');
    expect(pickCorsHeaders(outside.headers)).toEqual({});

    const preflight = {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'DELETE' },
    };
    const answered = await app.request('/api/items', preflight);
    expect(answered.status).toBe(204);
    const unanswered = await app.request('/public', preflight);
    expect(unanswered.status).toBe(404);
    expect(pickCorsHeaders(unanswered.headers)).toEqual({});
  });

  it('works in a sub-app mounted with app.route(), with that sub-app’s onError', async () => {
    const api = new Hono();
    api.use('*', cors({ origin: APP }));
    api.get('/items', (c) => c.text('items'));
    api.get('/boom', () => {
      throw new Error('broken');
    });
    api.onError((_, c) => c.text('api failed', 503));
    const app = new Hono();
    app.route('/api', api);

    const items = await app.request('/api/items', fromApp());
    expect(await items.text()).toBe('items');
    expect(pickCorsHeaders(items.headers)).toEqual(GRANT);
    const boom = await app.request('/api/boom', fromApp());
    expect(boom.status).toBe(503);
    expect(pickCorsHeaders(boom.headers)).toEqual(GRANT);
  });

  it('runs with different policies on different paths of one app', async () => {
    const app = new Hono();
    app.use('/public/*', cors());
    app.use('/account/*', cors({ origin: APP, credentials: true }));
    app.get('/public/news', (c) => c.text('news'));
    app.get('/account/me', (c) => c.text('me'));

    const news = await app.request('/public/news', fromApp(EVIL));
    expect(pickCorsHeaders(news.headers)).toEqual({ 'access-control-allow-origin': '*' });
    const me = await app.request('/account/me', fromApp());
    expect(pickCorsHeaders(me.headers)).toEqual({
      ...GRANT,
      'access-control-allow-credentials': 'true',
    });
  });
});

describe('report rows, in-process', () => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, async (options) =>
      observe(
        await routeApp(options).request('/', {
          method: row.request.method,
          headers: row.request.headers,
        }),
      ),
    );
    expect(result).toEqual(row.expected);
  });
});
