// Issue 20: Chromium judges the WebSocket helpers (a page on an allowed origin connects and
// exchanges a message; a page on a refused origin fails before the protocol switch) and the
// case-sensitive comparison of methods (a page sending `patch` to `methods: ['PATCH']`).
import { createServer } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors } from '@cors/node';
import { launchChromium, servePageOrigin, type PageOrigin } from './browser.js';
import { serveApi } from './api-server.js';
import {
  startHonoSocket,
  startKoaSocket,
  startNestSocket,
  startNodeUpgradeListener,
  startNodeVerifyClient,
  type SocketServerFactory,
} from './servers/websocket.js';

const SERVERS: readonly [string, SocketServerFactory][] = [
  ['node:http + ws verifyClient (corsVerifyClient)', startNodeVerifyClient],
  ["node:http + server.on('upgrade') (corsUpgrade)", startNodeUpgradeListener],
  ['Koa (corsUpgrade on its server)', startKoaSocket],
  ['Hono on Node (@hono/node-ws + corsUpgrade)', startHonoSocket],
  ['NestJS (corsGatewayAdapter(WsAdapter) + @AllowOrigin)', startNestSocket],
];

let browser: Browser;
let context: BrowserContext;
let allowed: PageOrigin;
let refused: PageOrigin;
let allowedPage: Page;
let refusedPage: Page;

beforeAll(async () => {
  browser = await launchChromium();
  // Two pages on two origins (different ports of 127.0.0.1); the servers run on localhost.
  [allowed, refused] = await Promise.all([servePageOrigin(), servePageOrigin()]);
  context = await browser.newContext();
  allowedPage = await context.newPage();
  refusedPage = await context.newPage();
  await allowedPage.goto(allowed.origin);
  await refusedPage.goto(refused.origin);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await allowed?.close();
  await refused?.close();
});

/**
 * Opens a WebSocket from the page, sends `message` once open, and resolves with the first
 * message back (`echo: …`), or `failed` when the browser reports an error before opening
 * (a refused handshake: Fetch gives the page no status, only an error and code 1006).
 */
function openSocket(page: Page, url: string, message: string): Promise<string> {
  return page.evaluate(
    ({ url, message }) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        let opened = false;
        socket.onopen = () => {
          opened = true;
          socket.send(message);
        };
        socket.onmessage = (event) => {
          resolve(`echo: ${String(event.data)}`);
          socket.close();
        };
        socket.onclose = (event) => {
          if (!opened) resolve(`failed (close code ${event.code})`);
        };
      }),
    { url, message },
  );
}

describe.each(SERVERS)('WebSocket in Chromium: %s', (_name, start) => {
  it('connects from an allowed origin and refuses another before the switch', async () => {
    const server = await start({ origin: [allowed.origin] });
    try {
      expect(await openSocket(allowedPage, server.url, server.message)).toBe(
        `echo: ${server.reply}`,
      );
      expect(await openSocket(refusedPage, server.url, server.message)).toBe(
        'failed (close code 1006)',
      );
      // Chromium sent each page's origin; the policy allowed one and refused the other, and
      // the server's handler only ever opened the allowed connection.
      expect(
        server.decisions().map(({ allowed: ok, reason, detail }) => ({ ok, reason, detail })),
      ).toEqual([
        { ok: true, reason: undefined, detail: undefined },
        { ok: false, reason: 'origin-not-allowed', detail: refused.origin },
      ]);
      expect(server.opened()).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('methods are compared case-sensitively, as Chromium does', () => {
  /**
   * A `@cors/node` API that records each preflight: the Access-Control-Request-Method Chromium
   * sent, and whether the policy granted it.
   */
  async function startApi(methods: string[]) {
    const preflights: string[] = [];
    const handleCors = cors({
      origin: [allowed.origin],
      methods,
      onDecision: (decision, req) => {
        const asked = req.headers['access-control-request-method'];
        if (decision.kind === 'preflight') {
          preflights.push(`${String(asked)} ${decision.allowed ? 'granted' : 'refused'}`);
        }
      },
    });
    const server = createServer(async (req, res) => {
      if (await handleCors(req, res)) return;
      res.end(`route ran for ${req.method}`);
    });
    return { api: await serveApi(server), preflights };
  }

  function fetchWith(page: Page, url: string, method: string): Promise<string> {
    return page.evaluate(
      async ({ url, method }) => {
        try {
          const response = await fetch(url, { method });
          return `${response.status} ${await response.text()}`;
        } catch (error) {
          return `blocked: ${String(error)}`;
        }
      },
      { url, method },
    );
  }

  it.each<[string[], string, string, string]>([
    // Fetch: only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased by the browser.
    [['PATCH'], 'patch', 'patch refused', 'blocked: TypeError: Failed to fetch'],
    [['PATCH'], 'PATCH', 'PATCH granted', '200 route ran for PATCH'],
    // The preflight is granted, but Node's HTTP parser accepts only uppercase method names: it
    // answers the actual `patch` request 400 itself (no CORS headers), so the page is blocked.
    [['patch'], 'patch', 'patch granted', 'blocked: TypeError: Failed to fetch'],
    // DELETE is normalized: the page's `delete` is sent as DELETE.
    [['DELETE'], 'delete', 'DELETE granted', '200 route ran for DELETE'],
  ])(
    'methods %j, page sends %s: the preflight asks for %s; the page reads %s',
    async (methods, sent, preflight, outcome) => {
      const { api, preflights } = await startApi(methods);
      try {
        expect(await fetchWith(allowedPage, `${api.url}/items/1`, sent)).toBe(outcome);
        expect(preflights).toEqual([preflight]);
      } finally {
        await api.close();
      }
    },
  );
});
