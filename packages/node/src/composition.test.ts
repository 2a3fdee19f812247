// How @cors/node keeps Origin in Vary on Node's response without replacing its methods: a
// sub-app that swaps the response prototype, a writeHead replaced before cors, other responses
// of the same server. CORS among other middleware is in conformance.test.ts (rows).
import { APP, ROUTE_BODY, ROUTE_VARY, withServer } from '@cors/conformance';
import express5 from 'express';
import express4 from 'express4';
import type { RequestListener } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cors } from './index.js';

describe('keeping Vary without replacing methods on the response', () => {
  it.each([
    ['Express 5', express5],
    ['Express 4', express4],
  ])(
    'keeps Origin on %s when a sub-app mounted after cors (which swaps the response prototype) replaces Vary',
    async (_name, express) => {
      const sub = express();
      sub.get('/', (_req, res) => void res.set('Vary', ROUTE_VARY).send(ROUTE_BODY));
      const app = express();
      app.use(cors({ origin: APP }));
      app.use('/sub', sub);
      await withServer(app, async (url) => {
        const response = await fetch(`${url}/sub`, { headers: { origin: APP } });
        expect(response.headers.get('vary')).toBe(`${ROUTE_VARY}, Origin`);
        expect(await response.text()).toBe(ROUTE_BODY);
      });
    },
  );

  it('keeps Origin when something replaced the response’s own writeHead before cors, and still calls it', async () => {
    const handler = cors({ origin: APP });
    let calls = 0;
    const listener: RequestListener = (req, res) => {
      // As `on-headers` (morgan, response-time) does before the CORS layer runs.
      const original = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof original>) {
        calls++;
        return original.apply(this, args);
      } as typeof original;
      if (!handler(req, res)) res.writeHead(200, { Vary: ROUTE_VARY }).end(ROUTE_BODY);
    };
    await withServer(listener, async (url) => {
      const response = await fetch(url, { headers: { origin: APP } });
      expect(response.headers.get('vary')).toBe(`${ROUTE_VARY}, Origin`);
    });
    expect(calls).toBe(1);
  });

  it('keeps Origin on Express when a middleware before cors replaced the response’s own writeHead', async () => {
    const app = express5();
    let calls = 0;
    // As `on-headers` does, on a response whose prototype Express replaced.
    app.use((_req, res, next) => {
      const original = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof original>) {
        calls++;
        return original.apply(this, args);
      } as typeof original;
      next();
    });
    app.use(cors({ origin: APP }));
    app.get('/', (_req, res) => void res.writeHead(200, { Vary: ROUTE_VARY }).end(ROUTE_BODY));
    await withServer(app, async (url) => {
      for (let request = 0; request < 2; request++) {
        const response = await fetch(url, { headers: { origin: APP } });
        expect(response.headers.get('vary')).toBe(`${ROUTE_VARY}, Origin`);
      }
    });
    expect(calls).toBe(2);
  });

  it('leaves the Vary of a response that no cors() handled as its route wrote it', async () => {
    // The same process serves CORS responses (which wrap the inherited writeHead) and others.
    const handler = cors({ origin: APP });
    const listener: RequestListener = (req, res) => {
      if (req.url === '/plain') {
        res.writeHead(200, ['Vary', ROUTE_VARY]).end(ROUTE_BODY);
        return;
      }
      if (!handler(req, res)) res.end(ROUTE_BODY);
    };
    await withServer(listener, async (url) => {
      expect((await fetch(url, { headers: { origin: APP } })).headers.get('vary')).toBe('Origin');
      const plainResponse = await fetch(`${url}/plain`, { headers: { origin: APP } });
      expect(plainResponse.headers.get('vary')).toBe(ROUTE_VARY);
    });
  });

  it('does not change a headers object given to writeHead', async () => {
    const handler = cors({ origin: APP });
    const headers = { Vary: ROUTE_VARY };
    const listener: RequestListener = (req, res) => {
      if (!handler(req, res)) res.writeHead(200, headers).end(ROUTE_BODY);
    };
    await withServer(listener, async (url) => {
      const response = await fetch(url, { headers: { origin: APP } });
      expect(response.headers.get('vary')).toBe(`${ROUTE_VARY}, Origin`);
    });
    expect(headers).toEqual({ Vary: ROUTE_VARY });
  });
});
