import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_BURST_HEAP_GROWTH,
  allRows,
  burstPolicy,
  configErrorRows,
  originFailureRows,
  expectConfigError,
  runBurst,
  pickCorsHeaders,
  ROUTE_BODY,
  sendRow,
} from '@cors/conformance';
import Router from '@koa/router';
import Koa, { type Context, type Middleware } from 'koa';
import Koa2 from 'koa2';
import { describe, expect, it } from 'vitest';
import { cors, CorsConfigError, type CorsDecision } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const credentialed = {
  origin: [APP, ADMIN],
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
};
const credentialedGrant = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
  vary: 'Origin',
};

const preflightHeaders = { origin: APP, 'access-control-request-method': 'PUT' };

/** The conformance route: 200 with a body that shows it ran, for every method. */
const route: Middleware = (ctx) => {
  ctx.status = 200;
  ctx.body = ROUTE_BODY;
};

/** A Koa app that records what reaches Koa's error handling instead of logging it. */
function createApp(KoaClass: typeof Koa): { app: Koa; errors: unknown[] } {
  const app = new KoaClass();
  const errors: unknown[] = [];
  app.on('error', (error: unknown) => errors.push(error));
  return { app, errors };
}

/** Serves `app` on a free loopback port for the length of `use`, then closes it. */
async function withServer<T>(app: Koa, use: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function get(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, string>; raw: Headers }> {
  const response = await fetch(new URL(path, baseUrl), { method, headers });
  return {
    status: response.status,
    body: await response.text(),
    headers: pickCorsHeaders(response.headers),
    raw: response.headers,
  };
}

/** Sends a request with `node:http`, which can repeat a header line (`fetch` cannot). */
async function rawRequest(
  baseUrl: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  const req = httpRequest(new URL('/', baseUrl), { method: 'GET' });
  for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, body, headers: res.headers };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('configuration errors', () => {
  it.each(configErrorRows)('cors() throws CorsConfigError at start-up for $name', async (row) => {
    await expectConfigError(() => cors(row.options as never), row, CorsConfigError);
  });
});

describe.each([
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const)('on %s', (_version, KoaClass) => {
  describe('conformance rows over HTTP', () => {
    it.each([...allRows, ...originFailureRows])('$name', async (row) => {
      const { app } = createApp(KoaClass);
      app.use(cors(row.options)).use(route);
      await withServer(app, async (baseUrl) => {
        expect(await sendRow(baseUrl, row.request)).toEqual(row.expected);
      });
    });
  });

  describe('preflight answers', () => {
    it.each([
      ['an answered preflight with the default 204', {}, preflightHeaders, 204],
      [
        'an answered preflight with optionsSuccessStatus 200',
        { optionsSuccessStatus: 200 },
        preflightHeaders,
        200,
      ],
      ['a refused preflight', {}, { ...preflightHeaders, origin: EVIL }, 403],
    ])(
      'ends %s without a body (even after an earlier middleware set a JSON type) and runs nothing after it',
      async (_name, extra, headers, status) => {
        const { app } = createApp(KoaClass);
        let laterRuns = 0;
        app.use((ctx, next) => {
          ctx.type = 'json';
          return next();
        });
        app.use(cors({ origin: APP, ...extra })).use((ctx) => {
          laterRuns++;
          ctx.body = ROUTE_BODY;
        });
        await withServer(app, async (baseUrl) => {
          const response = await get(baseUrl, '/', headers, 'OPTIONS');
          expect(response.status).toBe(status);
          expect(response.body).toBe('');
          expect(response.raw.get('content-type')).toBeNull();
          expect(laterRuns).toBe(0);
        });
      },
    );

    it('decides a preflight without a promise and hands an actual request on in the same tick', async () => {
      const { app } = createApp(KoaClass);
      const middleware = cors({ origin: APP });
      const seen: { returned: unknown; routeRanFirst: boolean }[] = [];
      let routeRan = false;
      app.use((ctx, next) => {
        routeRan = false;
        const returned: unknown = middleware(ctx, next);
        seen.push({ returned, routeRanFirst: routeRan });
        return returned;
      });
      app.use((ctx) => {
        routeRan = true;
        ctx.body = ROUTE_BODY;
      });
      await withServer(app, async (baseUrl) => {
        await get(baseUrl, '/', preflightHeaders, 'OPTIONS');
        await get(baseUrl, '/', { origin: APP });
      });
      expect(seen[0]).toEqual({ returned: undefined, routeRanFirst: false });
      expect(seen[1]?.returned).toBeInstanceOf(Promise);
      expect(seen[1]?.routeRanFirst).toBe(true);
    });
  });

  describe('errors thrown by routes', () => {
    it('keeps the grant on the 500 of a route that throws', async () => {
      const { app, errors } = createApp(KoaClass);
      const failure = new Error('database down');
      app.use(cors(credentialed)).use(() => {
        throw failure;
      });
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(500);
        expect(response.body).toBe('Internal Server Error');
        expect(response.headers).toEqual(credentialedGrant);
      });
      expect(errors).toEqual([failure]);
    });

    it('keeps the grant on ctx.throw(401)', async () => {
      const { app } = createApp(KoaClass);
      app.use(cors(credentialed)).use((ctx) => ctx.throw(401));
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(401);
        expect(response.body).toBe('Unauthorized');
        expect(response.headers).toEqual(credentialedGrant);
      });
    });

    it("keeps the error's own headers, merges its Vary and never changes a shared headers object", async () => {
      const { app } = createApp(KoaClass);
      const shared = { 'WWW-Authenticate': 'Bearer', vary: 'Accept-Language' };
      app.use(cors(credentialed)).use((ctx) => ctx.throw(401, { headers: shared }));
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(401);
        expect(response.raw.get('www-authenticate')).toBe('Bearer');
        expect(response.headers).toEqual({ ...credentialedGrant, vary: 'Accept-Language, Origin' });
        const other = await get(baseUrl, '/', { origin: ADMIN });
        expect(other.headers['access-control-allow-origin']).toBe(ADMIN);
      });
      expect(shared).toEqual({ 'WWW-Authenticate': 'Bearer', vary: 'Accept-Language' });
    });

    it('gives the error of a refused origin no grant but still varies it on Origin', async () => {
      const { app } = createApp(KoaClass);
      app.use(cors(credentialed)).use(() => {
        throw new Error('boom');
      });
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: EVIL });
        expect(response.status).toBe(500);
        expect(response.headers).toEqual({ vary: 'Origin' });
      });
    });

    it("keeps the grant and Vary when a user's error middleware in front of cors answers", async () => {
      const { app } = createApp(KoaClass);
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          ctx.status = (error as { status?: number }).status ?? 500;
          ctx.body = { error: (error as Error).message };
        }
      });
      app.use(cors(credentialed)).use((ctx) => {
        ctx.set('Vary', 'Accept-Encoding');
        ctx.throw(422, 'invalid item');
      });
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(422);
        expect(response.body).toBe('{"error":"invalid item"}');
        expect(response.headers).toEqual({ ...credentialedGrant, vary: 'Accept-Encoding, Origin' });
      });
    });

    it("keeps the grant when a user's error middleware after cors answers", async () => {
      const { app } = createApp(KoaClass);
      app.use(cors(credentialed));
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch {
          ctx.status = 503;
          ctx.body = 'try later';
        }
      });
      app.use(() => {
        throw new Error('boom');
      });
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(503);
        expect(response.headers).toEqual(credentialedGrant);
      });
    });

    it('keeps the grant on the error of a route behind an async origin function', async () => {
      const { app } = createApp(KoaClass);
      app
        .use(
          cors({
            ...credentialed,
            origin: async (origin) => {
              await tick();
              return origin === APP;
            },
          }),
        )
        .use((ctx) => ctx.throw(403, 'not yours'));
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.status).toBe(403);
        expect(response.headers).toEqual(credentialedGrant);
      });
    });
  });

  describe('Vary set by routes', () => {
    it.each([
      [
        "ctx.set('Vary', 'Accept-Encoding')",
        (ctx: Context) => ctx.set('Vary', 'Accept-Encoding'),
        'Accept-Encoding, Origin',
      ],
      [
        "ctx.vary('Accept-Encoding')",
        (ctx: Context) => ctx.vary('Accept-Encoding'),
        'Origin, Accept-Encoding',
      ],
      [
        "ctx.set('Vary', 'origin, Accept')",
        (ctx: Context) => ctx.set('Vary', 'origin, Accept'),
        'origin, Accept',
      ],
      ["ctx.remove('Vary')", (ctx: Context) => ctx.remove('Vary'), 'Origin'],
    ])('keeps Origin in Vary when the route calls %s', async (_name, setVary, expected) => {
      const { app } = createApp(KoaClass);
      app.use(cors({ origin: APP })).use((ctx) => {
        setVary(ctx);
        ctx.body = ROUTE_BODY;
      });
      await withServer(app, async (baseUrl) => {
        for (const origin of [APP, EVIL]) {
          const response = await get(baseUrl, '/', { origin });
          expect(response.raw.get('vary')).toBe(expected);
        }
      });
    });

    it("leaves a route's Vary alone under a '*' policy", async () => {
      const { app } = createApp(KoaClass);
      app.use(cors({ origin: '*' })).use((ctx) => {
        ctx.set('Vary', 'Accept-Encoding');
        ctx.body = ROUTE_BODY;
      });
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect(response.headers).toEqual({
          'access-control-allow-origin': '*',
          vary: 'Accept-Encoding',
        });
      });
    });
  });

  describe('an async origin function', () => {
    /** Tenants, each with its own allowed origins, picked from the path by earlier middleware. */
    function tenantApp(): Koa {
      const { app } = createApp(KoaClass);
      const tenants: Record<string, string[]> = { acme: [APP], globex: [ADMIN] };
      app.use((ctx, next) => {
        ctx.state.tenant = ctx.path.split('/')[1];
        return next();
      });
      app.use(
        cors({
          origin: async (origin, ctx) => {
            await tick();
            return tenants[ctx.state.tenant as string]?.includes(origin) ?? false;
          },
          credentials: true,
        }),
      );
      app.use(route);
      return app;
    }

    it('receives the Koa ctx and grants the origins it allows', async () => {
      await withServer(tenantApp(), async (baseUrl) => {
        const allowed = await get(baseUrl, '/acme/items', { origin: APP });
        expect(allowed.body).toBe(ROUTE_BODY);
        expect(allowed.headers).toEqual({
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          vary: 'Origin',
        });
        const refused = await get(baseUrl, '/globex/items', { origin: APP });
        expect(refused.body).toBe(ROUTE_BODY);
        expect(refused.headers).toEqual({ vary: 'Origin' });
      });
    });

    it('answers and refuses preflights without running the route', async () => {
      await withServer(tenantApp(), async (baseUrl) => {
        const answered = await get(
          baseUrl,
          '/globex/items',
          { ...preflightHeaders, origin: ADMIN },
          'OPTIONS',
        );
        expect([answered.status, answered.body]).toEqual([204, '']);
        expect(answered.headers).toEqual({
          'access-control-allow-origin': ADMIN,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': DEFAULT_METHODS,
          vary: VARY_PREFLIGHT,
        });
        const refused = await get(
          baseUrl,
          '/acme/items',
          { ...preflightHeaders, origin: ADMIN },
          'OPTIONS',
        );
        expect([refused.status, refused.body]).toEqual([403, '']);
        expect(refused.headers).toEqual({ vary: VARY_PREFLIGHT });
      });
    });
  });

  describe('an origin function that fails', () => {
    it.each([
      [
        'throws',
        (): boolean => {
          throw new Error('allowlist unavailable');
        },
      ],
      [
        'rejects',
        async (): Promise<boolean> => {
          await tick();
          throw new Error('allowlist unavailable');
        },
      ],
    ])(
      'gives no grant but Vary: Origin when it %s, hands the error to Koa (500) and keeps serving',
      async (_name, origin) => {
        const { app, errors } = createApp(KoaClass);
        let routeRuns = 0;
        app.use(cors({ origin, credentials: true })).use((ctx) => {
          routeRuns++;
          ctx.body = ROUTE_BODY;
        });
        await withServer(app, async (baseUrl) => {
          for (const method of ['GET', 'OPTIONS']) {
            const response = await get(baseUrl, '/', preflightHeaders, method);
            expect(response.status).toBe(500);
            expect(response.body).toBe('Internal Server Error');
            expect(response.headers).toEqual({ vary: 'Origin' });
          }
          const next = await get(baseUrl, '/');
          expect([next.status, next.body]).toEqual([200, ROUTE_BODY]);
        });
        expect(routeRuns).toBe(1);
        expect(errors).toHaveLength(2);
        expect((errors[0] as Error).message).toBe('allowlist unavailable');
      },
    );

    it("merges Origin into the failing function's error's own Vary, without changing its shared headers", async () => {
      const { app, errors } = createApp(KoaClass);
      const shared = { 'Retry-After': '30', vary: 'Accept-Encoding' };
      const failure = Object.assign(new Error('allowlist unavailable'), {
        status: 503,
        expose: true,
        headers: shared,
      });
      app.use(cors({ origin: () => Promise.reject(failure) })).use(route);
      await withServer(app, async (baseUrl) => {
        for (const method of ['GET', 'OPTIONS']) {
          const response = await get(baseUrl, '/', preflightHeaders, method);
          expect([response.status, response.body]).toEqual([503, 'allowlist unavailable']);
          expect(response.raw.get('retry-after')).toBe('30');
          expect(response.headers).toEqual({ vary: 'Accept-Encoding, Origin' });
        }
      });
      expect(shared).toEqual({ 'Retry-After': '30', vary: 'Accept-Encoding' });
      expect(errors).toEqual([failure, failure]);
    });

    it('merges Origin into a Vary set before the failure when an error middleware in front answers', async () => {
      const { app } = createApp(KoaClass);
      app.use(async (ctx, next) => {
        ctx.set('Vary', 'Accept-Encoding');
        try {
          await next();
        } catch (error) {
          ctx.status = 502;
          ctx.body = { error: (error as Error).message };
        }
      });
      app
        .use(
          cors({
            origin: () => {
              throw new Error('allowlist unavailable');
            },
          }),
        )
        .use(route);
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        expect([response.status, response.body]).toEqual([
          502,
          '{"error":"allowlist unavailable"}',
        ]);
        expect(response.headers).toEqual({ vary: 'Accept-Encoding, Origin' });
      });
    });

    it('hands a thrown string on as it is, which Koa answers with a 500 that still varies on Origin', async () => {
      const { app, errors } = createApp(KoaClass);
      app.use(cors({ origin: () => Promise.reject('no allowlist') })).use(route);
      await withServer(app, async (baseUrl) => {
        const response = await get(baseUrl, '/', { origin: APP });
        // Koa wraps a non-error in an Error of its own and keeps only that error's headers; the
        // Vary it would drop is merged back in when the head is written.
        expect([response.status, response.headers]).toEqual([500, { vary: 'Origin' }]);
      });
      expect(String(errors[0])).toContain('no allowlist');
    });
  });

  describe('onDecision', () => {
    it('receives every decision with the Koa ctx of its request', async () => {
      const { app } = createApp(KoaClass);
      const calls: { decision: CorsDecision; ctx: Context }[] = [];
      const contexts: Context[] = [];
      app.use((ctx, next) => {
        contexts.push(ctx);
        return next();
      });
      app
        .use(cors({ origin: APP, onDecision: (decision, ctx) => calls.push({ decision, ctx }) }))
        .use(route);
      await withServer(app, async (baseUrl) => {
        await get(baseUrl, '/items', { origin: APP });
        await get(baseUrl, '/items', { ...preflightHeaders, origin: EVIL }, 'OPTIONS');
      });
      expect(calls).toHaveLength(2);
      expect(calls[0]?.ctx).toBe(contexts[0]);
      expect(calls[0]?.ctx.path).toBe('/items');
      expect(calls[0]?.decision).toEqual({
        kind: 'actual',
        allowed: true,
        headers: { 'Access-Control-Allow-Origin': APP },
        vary: ['Origin'],
        action: 'continue',
      });
      expect(calls[1]?.ctx).toBe(contexts[1]);
      expect(calls[1]?.decision).toMatchObject({
        kind: 'preflight',
        allowed: false,
        action: 'respond',
        status: 403,
        reason: 'origin-not-allowed',
        detail: EVIL,
      });
    });
  });

  describe('@koa/router', () => {
    /** A public route with no CORS, and an `/api` router with a credentialed policy. */
    function routerApp(mountApiCors: (api: Router) => void): { app: Koa; apiRuns: () => number } {
      const { app } = createApp(KoaClass);
      const open = new Router();
      open.get('/public', route);
      let apiRuns = 0;
      const api = new Router({ prefix: '/api' });
      mountApiCors(api);
      api.get('/items', (ctx) => {
        apiRuns++;
        ctx.body = ROUTE_BODY;
      });
      app.use(open.routes()).use(api.routes()).use(api.allowedMethods());
      return { app, apiRuns: () => apiRuns };
    }

    it('router.use(cors()) grants only the routes of that router', async () => {
      const { app } = routerApp((api) => api.use(cors(credentialed)));
      await withServer(app, async (baseUrl) => {
        expect((await get(baseUrl, '/api/items', { origin: APP })).headers).toEqual(
          credentialedGrant,
        );
        expect((await get(baseUrl, '/api/items', { origin: EVIL })).headers).toEqual({
          vary: 'Origin',
        });
        expect((await get(baseUrl, '/public', { origin: APP })).headers).toEqual({});
      });
    });

    it("router.all('{/*path}', cors()) also answers the router's preflights", async () => {
      const { app, apiRuns } = routerApp((api) => api.all('{/*path}', cors(credentialed)));
      await withServer(app, async (baseUrl) => {
        expect((await get(baseUrl, '/api/items', { origin: APP })).headers).toEqual(
          credentialedGrant,
        );
        const answered = await get(baseUrl, '/api/items', preflightHeaders, 'OPTIONS');
        expect([answered.status, answered.body]).toEqual([204, '']);
        expect(answered.headers).toEqual({
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': DEFAULT_METHODS,
          vary: VARY_PREFLIGHT,
        });
        const refused = await get(
          baseUrl,
          '/api/items',
          { ...preflightHeaders, origin: EVIL },
          'OPTIONS',
        );
        expect([refused.status, refused.body, refused.headers]).toEqual([
          403,
          '',
          { vary: VARY_PREFLIGHT },
        ]);
        expect((await get(baseUrl, '/public', { origin: APP })).headers).toEqual({});
      });
      expect(apiRuns()).toBe(1);
    });

    it('a single route with cors() and its OPTIONS route is granted and answers its preflights', async () => {
      const { app } = createApp(KoaClass);
      const router = new Router();
      const itemCors = cors({ origin: APP, methods: ['GET', 'PUT'], maxAge: 600 });
      router.get('/items', itemCors, route);
      router.options('/items', itemCors);
      router.get('/other', route);
      app.use(router.routes());
      await withServer(app, async (baseUrl) => {
        const actual = await get(baseUrl, '/items', { origin: APP });
        expect([actual.body, actual.headers]).toEqual([
          ROUTE_BODY,
          { 'access-control-allow-origin': APP, vary: 'Origin' },
        ]);
        const answered = await get(baseUrl, '/items', preflightHeaders, 'OPTIONS');
        expect([answered.status, answered.body]).toEqual([204, '']);
        expect(answered.headers).toEqual({
          'access-control-allow-origin': APP,
          'access-control-allow-methods': 'GET,PUT',
          'access-control-max-age': '600',
          vary: VARY_PREFLIGHT,
        });
        expect((await get(baseUrl, '/other', { origin: APP })).headers).toEqual({});
      });
    });
  });

  describe('hostile requests', () => {
    it.each([
      ['the allowed origin twice', [APP, APP]],
      ['an allowed and a foreign origin', [APP, EVIL]],
    ])(
      'gives two Origin header lines (%s) no grant and never echoes them',
      async (_name, origins) => {
        const { app } = createApp(KoaClass);
        app.use(cors({ origin: APP, credentials: true })).use(route);
        await withServer(app, async (baseUrl) => {
          const response = await rawRequest(baseUrl, { Origin: origins });
          expect(response.status).toBe(200);
          expect(response.body).toBe(ROUTE_BODY);
          expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
        });
      },
    );

    it('answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth', async () => {
      const { app, errors } = createApp(KoaClass);
      app.use(cors(burstPolicy)).use(route);
      const result = await withServer(app, (baseUrl) => runBurst(baseUrl));
      expect(result.mismatches).toEqual([]);
      expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
      expect(errors).toEqual([]);
    }, 60_000); // a hang guard for a loaded machine, not a speed assertion
  });
});

describe.each([
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const)('report rows over HTTP on %s', (_version, KoaClass) => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, (options) => {
      const { app } = createApp(KoaClass);
      app.use(cors(options)).use(route);
      return withServer(app, (baseUrl) => sendRow(baseUrl, row.request));
    });
    expect(result).toEqual(row.expected);
  });
});
