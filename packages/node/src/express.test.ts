// What is Express's own: per-route mounting, OPTIONS routes, res.vary/res.append, errors with
// their own status and headers, error middleware. What every adapter does is in
// conformance.test.ts (rows, on Express 5 and 4).
import {
  APP,
  CREDENTIALED,
  CREDENTIALED_GRANT,
  CREDENTIALED_PREFLIGHT_GRANT,
  EVIL,
  failingOrigins,
  fetchAnswer,
  ORIGIN_FAILURE_MESSAGE,
  withServer,
} from '@cors/conformance';
import express5, { type ErrorRequestHandler } from 'express';
import express4 from 'express4';
import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { cors } from './index.js';

const policy = CREDENTIALED;
const grant = CREDENTIALED_GRANT;
const preflightGrant = CREDENTIALED_PREFLIGHT_GRANT;
const preflight = { origin: APP, 'access-control-request-method': 'PUT' };

const send = fetchAnswer;

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('on %s', (_name, express) => {
  it('applies to one route when given to that route, and nowhere else', async () => {
    const app = express();
    app.options('/open', cors(policy));
    app.get('/open', cors(policy), (_req, res) => void res.send('open'));
    app.get('/closed', (_req, res) => void res.send('closed'));
    await withServer(app, async (url) => {
      expect(await send(`${url}/open`, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'open',
        headers: { ...grant, vary: 'Origin' },
      });
      expect(await send(`${url}/open`, { method: 'OPTIONS', headers: preflight })).toEqual({
        status: 204,
        body: '',
        headers: preflightGrant,
      });
      expect(await send(`${url}/closed`, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'closed',
        headers: {},
      });
      // Express answers OPTIONS for /closed itself (Allow: GET, HEAD), without a grant.
      const closedPreflight = await send(`${url}/closed`, {
        method: 'OPTIONS',
        headers: preflight,
      });
      expect(closedPreflight.headers).toEqual({});
    });
  });

  it('lets OPTIONS without Access-Control-Request-Method reach the route, with the grant', async () => {
    const app = express();
    app.use(cors(policy));
    app.options(
      '/things',
      (_req, res) => void res.set('Allow', 'GET, OPTIONS').send('options route'),
    );
    await withServer(app, async (url) => {
      expect(await send(`${url}/things`, { method: 'OPTIONS', headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'options route',
        headers: { ...grant, vary: 'Origin' },
      });
    });
  });

  it.each([
    [
      'res.vary',
      (res: express5.Response) => res.vary('Accept-Encoding'),
      'Origin, Accept-Encoding',
    ],
    [
      'res.setHeader',
      (res: express5.Response) => res.setHeader('Vary', 'Accept-Encoding'),
      'Accept-Encoding, Origin',
    ],
    [
      'res.append',
      (res: express5.Response) => res.append('Vary', 'Accept-Encoding'),
      'Origin, Accept-Encoding',
    ],
  ])('keeps Origin in Vary when the route sets Vary with %s', async (_how, setVary, vary) => {
    const app = express();
    app.use(cors(policy));
    app.get('/', (_req, res) => {
      setVary(res);
      res.send('route');
    });
    await withServer(app, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary },
      });
      expect(await send(url, { headers: { origin: EVIL } })).toEqual({
        status: 200,
        body: 'route',
        headers: { vary },
      });
    });
  });

  it.each([
    [
      'an error with a status and headers',
      Object.assign(new Error('boom'), { status: 503, headers: { Vary: 'Accept-Language' } }),
      503,
      'Accept-Language, Origin',
    ],
  ])(
    "keeps the CORS headers on Express's default error response when a route throws %s",
    async (_what, error, status, vary) => {
      const app = express();
      app.use(cors(policy));
      app.get('/', () => {
        throw error;
      });
      await withServer(app, async (url) => {
        const answer = await send(url, { headers: { origin: APP } });
        expect(answer.status).toBe(status);
        expect(answer.headers).toEqual({ ...grant, vary });
      });
    },
  );

  it("keeps the CORS headers on a user's error middleware response when a route throws", async () => {
    const app = express();
    app.use(cors(policy));
    app.get('/', () => {
      throw new Error('boom');
    });
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.set('Vary', 'Accept');
      res.status(503).json({ error: error.message });
    };
    app.use(onError);
    await withServer(app, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 503,
        body: '{"error":"boom"}',
        headers: { ...grant, vary: 'Accept, Origin' },
      });
    });
  });

  it.each(failingOrigins)(
    "sends the error to Express's error handling with no grant when the origin function %s, and keeps serving",
    async (_how, failing) => {
      const errors: unknown[] = [];
      const app = express();
      app.use(
        cors({
          ...policy,
          origin: (origin: string) =>
            origin === 'https://flaky.example.com' ? failing() : origin === APP,
        }),
      );
      app.use((_req, res) => void res.send('route'));
      const onError: ErrorRequestHandler = (error, _req, _res, next) => {
        errors.push(error);
        next(error);
      };
      app.use(onError);
      await withServer(app, async (url) => {
        const flaky = { origin: 'https://flaky.example.com' };
        const actual = await send(url, { headers: flaky });
        expect([actual.status, actual.headers]).toEqual([500, { vary: 'Origin' }]);
        const refused = await send(url, { method: 'OPTIONS', headers: { ...preflight, ...flaky } });
        expect([refused.status, refused.headers]).toEqual([500, { vary: 'Origin' }]);
        expect(await send(url, { headers: { origin: APP } })).toEqual({
          status: 200,
          body: 'route',
          headers: { ...grant, vary: 'Origin' },
        });
      });
      expect(errors.map(String)).toEqual([
        `Error: ${ORIGIN_FAILURE_MESSAGE}`,
        `Error: ${ORIGIN_FAILURE_MESSAGE}`,
      ]);
    },
  );

  it.each(failingOrigins)(
    "merges Origin into a Vary set before the origin function %s, on Express's error response",
    async (_how, failing) => {
      const app = express();
      app.use((_req, res, next) => {
        res.setHeader('Vary', 'Accept-Encoding');
        next();
      });
      app.use(cors({ ...policy, origin: failing }));
      app.use((_req, res) => void res.send('route'));
      await withServer(app, async (url) => {
        for (const init of [{}, { method: 'OPTIONS', headers: preflight }]) {
          const answer = await send(url, { headers: { origin: APP }, ...init });
          expect([answer.status, answer.headers]).toEqual([
            500,
            { vary: 'Accept-Encoding, Origin' },
          ]);
        }
      });
    },
  );

  it('calls next in the same tick, creating no promise, when the decision is synchronous', async () => {
    const probes: { nextCalledAtOnce: boolean; promises: number }[] = [];
    const handler = cors(policy);
    const app = express();
    app.use((req, res, next) => {
      let nextCalled = false;
      let promises = 0;
      const hook = createHook({
        init(_id, type) {
          if (type === 'PROMISE') promises++;
        },
      });
      hook.enable();
      try {
        handler(req, res, () => {
          nextCalled = true;
        });
      } finally {
        hook.disable();
      }
      probes.push({ nextCalledAtOnce: nextCalled, promises });
      if (nextCalled) next();
    });
    app.use((_req, res) => void res.send('route'));
    await withServer(app, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Origin' },
      });
      expect((await send(url, { method: 'OPTIONS', headers: preflight })).status).toBe(204);
    });
    expect(probes).toEqual([
      { nextCalledAtOnce: true, promises: 0 },
      { nextCalledAtOnce: false, promises: 0 },
    ]);
  });
});

describe('on Express 5, which sends async route rejections to its error handling', () => {
  it('keeps the CORS headers when an async route rejects', async () => {
    const app = express5();
    app.use(cors(policy));
    app.get('/', async () => {
      throw new Error('boom');
    });
    await withServer(app, async (url) => {
      const answer = await send(url, { headers: { origin: APP } });
      expect(answer.status).toBe(500);
      expect(answer.headers).toEqual({ ...grant, vary: 'Origin' });
    });
  });
});
