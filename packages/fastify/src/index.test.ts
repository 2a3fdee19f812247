// What is Fastify's own: error handlers and hooks, per-route policies, route-aware preflights,
// encapsulation. What every adapter does is in conformance.test.ts (rows).
import {
  ADMIN,
  APP,
  DEFAULT_METHODS,
  EVIL,
  PREFLIGHT_VARY as VARY_PREFLIGHT,
  pickCorsHeaders,
  ROUTE_BODY,
} from '@cors/conformance';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { GRANT, withServer } from './test-app.test-support.js';
import { cors, CorsConfigError, type CorsDecision, type FastifyCorsOptions } from './index.js';

interface Observed {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly raw: Headers;
}

async function send(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<Observed> {
  const response = await fetch(new URL(path, baseUrl), { method, headers });
  return {
    status: response.status,
    body: await response.text(),
    headers: pickCorsHeaders(response.headers),
    raw: response.headers,
  };
}

function preflight(requestMethod: string, origin = APP): Record<string, string> {
  return { origin, 'access-control-request-method': requestMethod };
}

const preflightGrant = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-allow-methods': DEFAULT_METHODS,
  vary: VARY_PREFLIGHT,
});

async function appWith(options?: FastifyCorsOptions): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(cors, options ?? {});
  return app;
}

describe('error responses keep their CORS headers', () => {
  const credentialed = { origin: [APP, ADMIN], credentials: true };
  const credentialedGrant = { ...GRANT, 'access-control-allow-credentials': 'true' };

  it('on the 500 of a route that throws, and of one that rejects', async () => {
    const app = await appWith(credentialed);
    app.get('/throws', () => {
      throw new Error('database down');
    });
    app.get('/rejects', async () => Promise.reject(new Error('database down')));
    await withServer(app, async (baseUrl) => {
      for (const path of ['/throws', '/rejects']) {
        const response = await send(baseUrl, path, { origin: APP });
        expect(response.status).toBe(500);
        expect(JSON.parse(response.body)).toMatchObject({ message: 'database down' });
        expect(response.headers).toEqual(credentialedGrant);
      }
    });
  });

  it("on reply.code(500), on the app's error handler and on a custom 404 handler", async () => {
    const app = await appWith(credentialed);
    app.setErrorHandler((error, _request, reply) => {
      void reply.code(422).send({ invalid: (error as Error).message });
    });
    app.setNotFoundHandler((_request, reply) => {
      void reply.code(404).send('no such page');
    });
    app.get('/code', (_request, reply) => reply.code(500).send('broken'));
    app.get('/invalid', () => {
      throw new Error('bad item');
    });
    await withServer(app, async (baseUrl) => {
      const code = await send(baseUrl, '/code', { origin: APP });
      expect([code.status, code.body, code.headers]).toEqual([500, 'broken', credentialedGrant]);
      const invalid = await send(baseUrl, '/invalid', { origin: APP });
      expect([invalid.status, invalid.headers]).toEqual([422, credentialedGrant]);
      const missing = await send(baseUrl, '/missing', { origin: APP });
      expect([missing.status, missing.body, missing.headers]).toEqual([
        404,
        'no such page',
        credentialedGrant,
      ]);
      expect((await send(baseUrl, '/missing', { origin: EVIL })).headers).toEqual({
        vary: 'Origin',
      });
    });
  });

  it('on the response of an earlier onRequest hook that refuses the request', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization === undefined) await reply.code(401).send('who are you?');
    });
    await app.register(cors, credentialed);
    app.get('/', () => ROUTE_BODY);
    await withServer(app, async (baseUrl) => {
      const refused = await send(baseUrl, '/', { origin: APP });
      expect([refused.status, refused.headers]).toEqual([401, credentialedGrant]);
    });
  });

  it("sends a failing origin function's error to Fastify's error handler with Vary: Origin and no grant", async () => {
    const errors: unknown[] = [];
    const app = await appWith({
      origin: async (origin) =>
        origin === EVIL ? Promise.reject(new Error('lookup failed')) : true,
    });
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      void reply.code(503).header('Vary', 'Accept-Language').send('try later');
    });
    app.get('/', () => ROUTE_BODY);
    await withServer(app, async (baseUrl) => {
      const failed = await send(baseUrl, '/', { origin: EVIL });
      expect([failed.status, failed.body, failed.headers]).toEqual([
        503,
        'try later',
        { vary: 'Accept-Language, Origin' },
      ]);
      expect((await send(baseUrl, '/', { origin: APP })).headers).toEqual(GRANT);
    });
    expect(errors).toEqual([new Error('lookup failed')]);
  });
});

describe('Vary set by routes and hooks', () => {
  it.each([
    ['an app-wide onSend hook added after the plugin', 'hook'],
    ["the route's own onSend hook", 'route-hook'],
  ] as const)('merges Origin into the Vary set by %s, never twice', async (_, where) => {
    const app = await appWith({ origin: APP });
    if (where === 'hook') {
      app.addHook('onSend', async (request, reply, payload) => {
        if (request.url === '/') reply.header('Vary', 'Accept-Language');
        return payload;
      });
    }
    const onSend =
      where === 'route-hook'
        ? async (
            _request: FastifyRequest,
            reply: { header: (n: string, v: string) => unknown },
            payload: unknown,
          ) => {
            reply.header('vary', 'Accept-Language');
            return payload;
          }
        : undefined;
    app.get('/', { onSend }, () => 'negotiated');
    app.get('/already', (_request, reply) => {
      reply.header('Vary', 'origin, Accept-Language');
      return 'already';
    });
    await withServer(app, async (baseUrl) => {
      expect((await send(baseUrl, '/', { origin: APP })).headers).toEqual({
        ...GRANT,
        vary: 'Accept-Language, Origin',
      });
      expect((await send(baseUrl, '/already', { origin: APP })).headers).toEqual({
        ...GRANT,
        vary: 'origin, Accept-Language',
      });
    });
  });
});

describe('grant headers the app removes', () => {
  it('stay removed, while Vary keeps Origin', async () => {
    const app = await appWith({ origin: APP, credentials: true });
    app.get('/', (_request, reply) => {
      // e.g. a route that must not be read cross-origin for this one answer
      reply.removeHeader('Access-Control-Allow-Origin');
      reply.removeHeader('Vary');
      return 'private';
    });
    await withServer(app, async (baseUrl) => {
      expect((await send(baseUrl, '/', { origin: APP })).headers).toEqual({
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      });
    });
  });
});

describe('Vary on answered preflights', () => {
  it('merges the preflight names into a Vary an app-wide onSend hook added after the plugin sets', async () => {
    const app = await appWith({ origin: APP });
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('Vary', 'Accept-Language');
      return payload;
    });
    app.put('/items', () => 'stored');
    await withServer(app, async (baseUrl) => {
      const answered = await send(
        baseUrl,
        '/items',
        { origin: APP, 'access-control-request-method': 'PUT' },
        'OPTIONS',
      );
      expect([answered.status, answered.headers.vary]).toEqual([
        204,
        'Accept-Language, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      ]);
    });
  });
});

describe('per-route policies', () => {
  async function routesApp(): Promise<FastifyInstance> {
    const app = await appWith({ origin: APP });
    app.get('/items', () => 'items');
    app.put('/items/:id', { config: { cors: { origin: ADMIN, maxAge: 60 } } }, () => 'stored');
    app.post('/webhook', { config: { cors: false } }, () => 'received');
    app.get('/users/:id', () => 'a user');
    app.delete('/users/me', { config: { cors: { origin: ADMIN } } }, () => 'deleted');
    return app;
  }

  it("merges a route's config.cors over the plugin's, option by option", async () => {
    await withServer(await routesApp(), async (baseUrl) => {
      expect((await send(baseUrl, '/items', { origin: APP })).headers).toEqual(GRANT);
      const admin = await send(baseUrl, '/items/7', { origin: ADMIN }, 'PUT');
      expect(admin.headers).toEqual({ 'access-control-allow-origin': ADMIN, vary: 'Origin' });
      expect((await send(baseUrl, '/items/7', { origin: APP }, 'PUT')).headers).toEqual({
        vary: 'Origin',
      });
    });
  });

  it('answers a preflight with the policy of the route that serves the requested method', async () => {
    await withServer(await routesApp(), async (baseUrl) => {
      const put = await send(baseUrl, '/items/7', preflight('PUT', ADMIN), 'OPTIONS');
      expect([put.status, put.headers]).toEqual([
        204,
        { ...preflightGrant(ADMIN), 'access-control-max-age': '60' },
      ]);
      const refused = await send(baseUrl, '/items/7', preflight('PUT', APP), 'OPTIONS');
      expect([refused.status, refused.headers]).toEqual([403, { vary: VARY_PREFLIGHT }]);
      // A static segment wins over a parameter, as Fastify routes it.
      const me = await send(baseUrl, '/users/me', preflight('DELETE', ADMIN), 'OPTIONS');
      expect([me.status, me.headers]).toEqual([204, preflightGrant(ADMIN)]);
      // No DELETE route on /users/42: the plugin's policy.
      const other = await send(baseUrl, '/users/42', preflight('DELETE', APP), 'OPTIONS');
      expect([other.status, other.headers]).toEqual([204, preflightGrant(APP)]);
      const nowhere = await send(baseUrl, '/no/such/path?x=1', preflight('PATCH'), 'OPTIONS');
      expect([nowhere.status, nowhere.headers]).toEqual([204, preflightGrant(APP)]);
    });
  });

  it('gives a route with config.cors false no CORS headers and refuses preflights to it', async () => {
    const decisions: CorsDecision[] = [];
    const app = await appWith({ origin: APP, onDecision: (decision) => decisions.push(decision) });
    app.post('/webhook', { config: { cors: false } }, () => 'received');
    await withServer(app, async (baseUrl) => {
      const actual = await send(baseUrl, '/webhook', { origin: APP }, 'POST');
      expect([actual.body, actual.headers]).toEqual(['received', {}]);
      const refused = await send(baseUrl, '/webhook', preflight('POST'), 'OPTIONS');
      expect([refused.status, refused.body, refused.headers]).toEqual([
        403,
        '',
        { vary: VARY_PREFLIGHT },
      ]);
    });
    expect(decisions).toEqual([
      expect.objectContaining({ kind: 'preflight', reason: 'cors-disabled' }),
    ]);
  });

  it('hands a refused preflight to a route with CORS off on with preflightContinue, as any refusal', async () => {
    const decisions: CorsDecision[] = [];
    const app = await appWith({
      origin: APP,
      preflightContinue: true,
      onDecision: (decision) => decisions.push(decision),
    });
    app.post('/webhook', { config: { cors: false } }, () => 'received');
    app.options('/own', { config: { cors: false } }, () => 'own OPTIONS');
    app.put('/own', { config: { cors: false } }, () => 'put');
    await withServer(app, async (baseUrl) => {
      const notFound = await send(baseUrl, '/webhook?token=1', preflight('POST'), 'OPTIONS');
      expect([notFound.status, notFound.headers]).toEqual([404, { vary: VARY_PREFLIGHT }]);
      const own = await send(baseUrl, '/own', preflight('PUT'), 'OPTIONS');
      expect([own.status, own.body, own.headers]).toEqual([
        200,
        'own OPTIONS',
        { vary: VARY_PREFLIGHT },
      ]);
    });
    expect(decisions.map(({ action, reason, detail }) => [action, reason, detail])).toEqual([
      ['continue', 'cors-disabled', 'POST /webhook'],
      ['continue', 'cors-disabled', 'PUT /own'],
    ]);
  });

  it('answers a refused preflight to a route with CORS off even when onDecision and debug throw', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = await appWith({
        origin: APP,
        onDecision: () => {
          throw new Error('metrics down');
        },
        debug: () => {
          throw new Error('logger down');
        },
      });
      app.post('/webhook', { config: { cors: false } }, () => 'received');
      await withServer(app, async (baseUrl) => {
        for (let i = 0; i < 2; i++) {
          const refused = await send(baseUrl, '/webhook', preflight('POST'), 'OPTIONS');
          expect([refused.status, refused.headers]).toEqual([403, { vary: VARY_PREFLIGHT }]);
        }
      });
      // Reported once per hook, not once per request.
      expect(error).toHaveBeenCalledTimes(2);
    } finally {
      error.mockRestore();
    }
  });

  it("matches preflights with the app's router settings (trailing slash, case)", async () => {
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true, caseSensitive: false } });
    await app.register(cors, { origin: APP });
    app.put('/Items/:id', { config: { cors: { origin: ADMIN } } }, () => 'stored');
    await withServer(app, async (baseUrl) => {
      const answered = await send(baseUrl, '/items/7/', preflight('PUT', ADMIN), 'OPTIONS');
      expect([answered.status, answered.headers]).toEqual([204, preflightGrant(ADMIN)]);
    });
  });

  it('refuses a preflight when routes only a version tells apart have different policies', async () => {
    const app = await appWith({ origin: APP });
    app.put('/v', { constraints: { version: '1.0.0' } }, () => 'v1');
    app.put(
      '/v',
      { constraints: { version: '2.0.0' }, config: { cors: { origin: ADMIN } } },
      () => 'v2',
    );
    app.put('/same', { constraints: { version: '1.0.0' } }, () => 'v1');
    app.put('/same', { constraints: { version: '2.0.0' } }, () => 'v2');
    await withServer(app, async (baseUrl) => {
      const ambiguous = await send(baseUrl, '/v', preflight('PUT'), 'OPTIONS');
      expect([ambiguous.status, ambiguous.headers]).toEqual([403, { vary: VARY_PREFLIGHT }]);
      const same = await send(baseUrl, '/same', preflight('PUT'), 'OPTIONS');
      expect([same.status, same.headers]).toEqual([204, preflightGrant(APP)]);
    });
  });

  it('tells routes apart by their host constraint, which a preflight carries', async () => {
    const app = await appWith({ origin: APP });
    app.put(
      '/h',
      { constraints: { host: 'api.example.test' }, config: { cors: { origin: ADMIN } } },
      () => 'api',
    );
    app.put('/h', () => 'any host');
    await withServer(app, async (baseUrl) => {
      const local = await send(baseUrl, '/h', preflight('PUT'), 'OPTIONS');
      expect([local.status, local.headers]).toEqual([204, preflightGrant(APP)]);
      const injected = await app.inject({
        method: 'OPTIONS',
        url: '/h',
        headers: { ...preflight('PUT', ADMIN), host: 'api.example.test' },
      });
      expect(injected.statusCode).toBe(204);
      expect(injected.headers['access-control-allow-origin']).toBe(ADMIN);
    });
  });
});

describe('route options are checked when the route is added', () => {
  it.each([
    ['a misspelt option', { orign: APP }, 'orign'],
    [
      'a JSON __proto__ key',
      JSON.parse(
        '{"__proto__": {"credentials": true}, "origin": "https://app.example.com"}',
      ) as object,
      '__proto__',
    ],
    ['true', true, 'config.cors'],
    ['a string', APP, 'config.cors'],
  ])('throws CorsConfigError for %s, naming the route', async (_, options, option) => {
    const app = await appWith({ origin: [APP] });
    let error: unknown;
    try {
      app.get('/things/:id', { config: { cors: options as FastifyCorsOptions } }, () => 'x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).issues[0]?.option).toBe(option);
    expect((error as CorsConfigError).message).toContain('GET /things/:id');
  });

  it('fails app start-up for a bad route declared in a plugin', async () => {
    const app = await appWith({ origin: [APP] });
    app.register(async (child) => {
      child.get('/', { config: { cors: { origin: '*', credentials: true } } }, () => 'x');
    });
    await expect(app.ready()).rejects.toBeInstanceOf(CorsConfigError);
  });

  it('never lets a __proto__ key grant credentials', async () => {
    const app = await appWith({ origin: [APP] });
    const config = JSON.parse('{"__proto__": {"credentials": true}}') as FastifyCorsOptions;
    expect(() => app.get('/', { config: { cors: config } }, () => 'x')).toThrow(/__proto__/);
  });
});

describe('mounting', () => {
  it('covers only an encapsulated plugin when registered inside it, with preflights under its prefix', async () => {
    const app = Fastify();
    await app.register(
      async (api) => {
        await api.register(cors, { origin: APP });
        api.get('/items', () => 'items');
      },
      { prefix: '/api' },
    );
    app.get('/public', () => 'public');
    await withServer(app, async (baseUrl) => {
      expect((await send(baseUrl, '/api/items', { origin: APP })).headers).toEqual(GRANT);
      const answered = await send(baseUrl, '/api/items', preflight('DELETE'), 'OPTIONS');
      expect([answered.status, answered.headers]).toEqual([204, preflightGrant(APP)]);
      expect((await send(baseUrl, '/public', { origin: APP })).headers).toEqual({});
      const outside = await send(baseUrl, '/public', preflight('GET'), 'OPTIONS');
      expect([outside.status, outside.headers]).toEqual([404, {}]);
    });
  });

  it('answers preflights to routes of plugins registered after it, with no OPTIONS route declared', async () => {
    const app = await appWith({ origin: APP });
    app.register(
      async (child) => {
        child.patch('/deep/:id', { config: { cors: { origin: ADMIN } } }, () => 'patched');
      },
      { prefix: '/v1' },
    );
    await withServer(app, async (baseUrl) => {
      const answered = await send(baseUrl, '/v1/deep/1', preflight('PATCH', ADMIN), 'OPTIONS');
      expect([answered.status, answered.headers]).toEqual([204, preflightGrant(ADMIN)]);
    });
  });

  it('compares a requested method as sent, and takes a lower-case one for no route', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
    });
    await app.register(cors, { origin: APP, methods: '*' });
    app.put('/seen', { config: { cors: { origin: ADMIN } } }, () => 'seen');
    await withServer(app, async (baseUrl) => {
      // No `put` route (Fastify routes `PUT` only): the plugin's policy, which allows any method.
      const lower = await send(baseUrl, '/seen', preflight('put'), 'OPTIONS');
      expect([lower.status, lower.headers['access-control-allow-methods']]).toEqual([204, '*']);
    });
    expect(lines).toEqual([]);
  });

  it('gives no preflight grant to a route declared before the plugin loaded, and logs the fix once', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
    });
    app.register(cors, { origin: APP });
    app.put('/early', () => 'early'); // not awaited: Fastify adds it before the plugin loads
    await withServer(app, async (baseUrl) => {
      for (let i = 0; i < 2; i++) {
        const refused = await send(baseUrl, '/early', preflight('PUT'), 'OPTIONS');
        expect(refused.status).toBe(403);
      }
      // Without options of its own, its actual requests get the plugin's policy.
      expect((await send(baseUrl, '/early', { origin: APP }, 'PUT')).headers).toEqual(GRANT);
    });
    expect(lines.filter((line) => line.includes('await app.register(cors'))).toHaveLength(1);
  });
});

describe('preflights', () => {
  it('end with an empty body, before later hooks and the handler run', async () => {
    const later = vi.fn();
    const app = await appWith({ origin: APP, optionsSuccessStatus: 200 });
    app.addHook('preHandler', async () => later());
    app.options('/own', () => 'own OPTIONS handler');
    await withServer(app, async (baseUrl) => {
      const answered = await send(baseUrl, '/own', preflight('GET'), 'OPTIONS');
      expect([answered.status, answered.body, answered.raw.get('content-length')]).toEqual([
        200,
        '',
        '0',
      ]);
      // OPTIONS that is not a preflight reaches the app's own OPTIONS route.
      const own = await send(baseUrl, '/own', { origin: APP }, 'OPTIONS');
      expect([own.body, own.headers]).toEqual(['own OPTIONS handler', GRANT]);
    });
    expect(later).toHaveBeenCalledOnce();
  });

  it("are answered with the target route's policy even on an OPTIONS route with CORS off", async () => {
    const app = await appWith({ origin: APP });
    app.options('/x', { config: { cors: false } }, () => 'own OPTIONS');
    app.put('/x', () => 'x');
    await withServer(app, async (baseUrl) => {
      const answered = await send(baseUrl, '/x', preflight('PUT'), 'OPTIONS');
      expect([answered.status, answered.headers]).toEqual([204, preflightGrant(APP)]);
      const own = await send(baseUrl, '/x', { origin: APP }, 'OPTIONS');
      expect([own.body, own.headers]).toEqual(['own OPTIONS', {}]);
    });
  });

  it('hand on to the 404 with preflightContinue when no OPTIONS route exists, keeping the grant', async () => {
    const app = await appWith({ origin: APP, preflightContinue: true });
    app.put('/x', () => 'x');
    await withServer(app, async (baseUrl) => {
      const response = await send(baseUrl, '/x', preflight('PUT'), 'OPTIONS');
      expect([response.status, response.headers]).toEqual([404, preflightGrant(APP)]);
    });
  });

  it.each([
    ['a list', APP, false],
    ['an async function', async (origin: string) => origin === APP, true],
  ] as const)(
    'with %s as origin, hands on to the next hook in the same tick unless async (%s)',
    async (_, origin, async) => {
      const app = Fastify();
      let microtaskRan = false;
      const seen: boolean[] = [];
      app.addHook('onRequest', (_request, _reply, done) => {
        microtaskRan = false;
        queueMicrotask(() => (microtaskRan = true));
        done();
      });
      await app.register(cors, { origin });
      app.addHook('onRequest', (_request, _reply, done) => {
        seen.push(microtaskRan);
        done();
      });
      app.get('/', () => ROUTE_BODY);
      const response = await app.inject({ url: '/', headers: { origin: APP } });
      expect(response.headers['access-control-allow-origin']).toBe(APP);
      expect(seen).toEqual([async]);
    },
  );
});
