// The same behaviour as index.test.ts, over real HTTP through @hono/node-server, whose
// lightweight `Response` (installed globally when it serves) is what Node users run.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import {
  allRows,
  configErrorRows,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  pickCorsHeaders,
  ROUTE_BODY,
  sendRow,
  expectConfigError,
  burstPolicy,
  runBurst,
  MAX_BURST_HEAP_GROWTH,
} from '@cors/conformance';
import { Hono } from 'hono';
import { streamText } from 'hono/streaming';
import { describe, expect, it, vi } from 'vitest';
import { APP, EVIL, GRANT, routeApp, withErrorLog } from './test-app.test-support.js';
import { cors, CorsConfigError, type CorsDecision, type CorsOptions } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

/** Serves `app` on a free loopback port for the length of `use`, then closes the server. */
async function withServer<T>(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port),
    );
  });
  try {
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve, reject) =>
      server?.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

function fromApp(origin = APP, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { origin, ...(init.headers as Record<string, string>) } };
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends a request with `node:http`, which (unlike fetch) can repeat a header or send any method. */
function sendRaw(
  baseUrl: string,
  method: string,
  headers: Record<string, string | string[]>,
): Promise<RawResponse> {
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

/** Writes a request line and headers on a raw socket; resolves with the response head. */
function sendRawLines(
  baseUrl: string,
  requestLine: string,
  headers: readonly string[],
): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `${requestLine}\r\nHost: ${hostname}\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`,
      );
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received.split('\r\n\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('conformance rows, over HTTP', () => {
  it.each(allRows)('$name', async (row) => {
    const observed = await withServer(routeApp(row.options), (baseUrl) =>
      sendRow(baseUrl, row.request),
    );
    expect(observed).toEqual(row.expected);
  });

  it.each(originFailureRows)("$name (Hono's default error handler)", async (row) => {
    const [observed, logged] = await withErrorLog(() =>
      withServer(routeApp(row.options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });
});

describe('configuration errors', () => {
  it.each(configErrorRows)(
    'throws CorsConfigError before the server starts for $name',
    async (row) => {
      const started = vi.fn();
      const start = (): void => {
        const app = new Hono();
        app.use('*', cors(row.options as CorsOptions));
        started();
        serve({ fetch: app.fetch, port: 0 }).close();
      };
      await expectConfigError(start, row, CorsConfigError);
      expect(started).not.toHaveBeenCalled();
    },
  );
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
  it('merges Origin into the Vary the route set', async () => {
    const app = new Hono();
    app.use('*', cors({ origin: APP }));
    app.get('/', (c) => {
      c.header('Vary', 'Accept-Encoding');
      return c.text('compressed');
    });
    await withServer(app, async (baseUrl) => {
      const response = await fetch(baseUrl, fromApp());
      expect(pickCorsHeaders(response.headers)).toEqual({
        'access-control-allow-origin': APP,
        vary: 'Accept-Encoding, Origin',
      });
    });
  });

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

describe('an origin function and onDecision, over HTTP', () => {
  it('receive the Context; the origin function may be async', async () => {
    const app = new Hono<{ Variables: { tenantOrigins: string[] } }>();
    app.use('*', async (c, next) => {
      c.set('tenantOrigins', c.req.header('x-tenant') === 'acme' ? [APP] : []);
      await next();
    });
    const calls: { decision: CorsDecision; context: unknown }[] = [];
    let routeContext: unknown;
    app.use(
      '*',
      cors({
        origin: async (origin, c) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return c.get('tenantOrigins').includes(origin);
        },
        onDecision: (decision, c) => calls.push({ decision, context: c }),
      }),
    );
    app.get('/', (c) => {
      routeContext = c;
      return c.text(ROUTE_BODY);
    });
    await withServer(app, async (baseUrl) => {
      const granted = await fetch(baseUrl, fromApp(APP, { headers: { 'x-tenant': 'acme' } }));
      expect(pickCorsHeaders(granted.headers)).toEqual(GRANT);
      const refused = await fetch(baseUrl, fromApp(APP, { headers: { 'x-tenant': 'other' } }));
      expect(pickCorsHeaders(refused.headers)).toEqual({ vary: 'Origin' });
    });
    expect(calls.map(({ decision }) => decision.allowed)).toEqual([true, false]);
    expect(calls[0]?.decision).toMatchObject({
      kind: 'actual',
      headers: { 'Access-Control-Allow-Origin': APP },
    });
    expect(calls[1]?.decision).toMatchObject({
      kind: 'actual',
      reason: 'origin-not-allowed',
      detail: APP,
    });
    expect(calls[1]?.context).toBe(routeContext);
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
        const response = await sendRaw(baseUrl, 'OPTIONS', {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
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
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
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

describe('hostile requests, over HTTP', () => {
  const policy: CorsOptions = { origin: [APP, 'https://admin.example.com'], credentials: true };

  it('gives no grant to two Origin header lines, even of allowed origins', async () => {
    await withServer(routeApp(policy), async (baseUrl) => {
      for (const origins of [
        [APP, 'https://admin.example.com'],
        [APP, APP],
        [EVIL, APP],
      ]) {
        const response = await sendRaw(baseUrl, 'GET', { Origin: origins });
        expect(response.status).toBe(200);
        expect(response.body).toBe(ROUTE_BODY);
        expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
      }
    });
  });

  it('refuses a preflight with two Origin header lines', async () => {
    await withServer(routeApp(policy), async (baseUrl) => {
      const response = await sendRaw(baseUrl, 'OPTIONS', {
        Origin: [APP, APP],
        'Access-Control-Request-Method': 'PUT',
      });
      expect(response.status).toBe(403);
      expect(response.body).toBe('');
      expect(pickCorsHeaders(response.headers)).toEqual({
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      });
    });
  });

  it('never echoes an 8 KB origin or a 12 KB Access-Control-Request-Headers', async () => {
    const longOrigin = `https://${'a'.repeat(8 * 1024)}.example.com`;
    const longHeaders = Array.from({ length: 1500 }, (_, i) => `x-h${i}`)
      .join(',')
      .slice(0, 12 * 1024);
    await withServer(routeApp(policy), async (baseUrl) => {
      const actual = await sendRaw(baseUrl, 'GET', { Origin: longOrigin });
      expect(actual.status).toBe(200);
      expect(pickCorsHeaders(actual.headers)).toEqual({ vary: 'Origin' });
      const preflight = await sendRaw(baseUrl, 'OPTIONS', {
        Origin: APP,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': longHeaders,
      });
      expect(preflight.status).toBe(403);
      expect(JSON.stringify(preflight.headers)).not.toContain('x-h1');
    });
  });

  it('lets Node refuse odd method casing itself (400, no grant) and compares requested methods as sent', async () => {
    await withServer(routeApp(policy), async (baseUrl) => {
      // Node's parser accepts only upper-case methods: the request never reaches the app.
      for (const method of ['options', 'OpTiOnS', 'get']) {
        const head = await sendRawLines(baseUrl, `${method} / HTTP/1.1`, [
          `Origin: ${APP}`,
          'Access-Control-Request-Method: PUT',
        ]);
        expect(head).toMatch(/^HTTP\/1\.1 400 /);
        expect(head.toLowerCase()).not.toContain('access-control-');
      }
      // Fetch: browsers upper-case only the standard methods; PATCH is listed, patch is not.
      for (const requested of ['patch', 'PaTcH']) {
        const refused = await sendRaw(baseUrl, 'OPTIONS', {
          Origin: APP,
          'Access-Control-Request-Method': requested,
        });
        expect(refused.status).toBe(403);
        expect(pickCorsHeaders(refused.headers)).toEqual({
          vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
        });
      }
      const allowed = await sendRaw(baseUrl, 'OPTIONS', {
        Origin: APP,
        'Access-Control-Request-Method': 'PATCH',
      });
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-methods']).toBe(
        'GET,HEAD,PUT,PATCH,POST,DELETE',
      );
    });
  });

  it(
    'answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth',
    { timeout: 60_000 }, // a hang guard for a loaded machine, not a speed assertion
    async () => {
      const result = await withServer(routeApp(burstPolicy), (baseUrl) => runBurst(baseUrl));
      expect(result.mismatches).toEqual([]);
      expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
    },
  );
});

describe('report rows, over HTTP', () => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, (options) =>
      withServer(routeApp(options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(result).toEqual(row.expected);
  });
});
