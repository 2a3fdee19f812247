import { tryWebSocket, upgradeRows, type UpgradeRow } from '@cors/conformance';
import { createCorsPolicy, corsUpgrade, corsVerifyClient } from '@cors/node';
import Koa from 'koa';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { cors } from './index.js';

// Koa middleware never sees an upgrade: Node's server emits 'upgrade' instead of 'request'.
// WebSockets on a Koa app are guarded on the server `app.listen()` returns, with @cors/node's
// helpers and the same policy as the Koa middleware (README: "WebSockets").

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function echo(wss: WebSocketServer): WebSocketServer {
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  return wss;
}

/** Waits until `server` (from `app.listen(0)`) listens, and closes it after the test. */
async function ready(server: Server, wss: WebSocketServer): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Koa app with `cors(policy)`, and a `ws` server behind `corsUpgrade(policy)` on its server. */
async function serveKoa(policy: ReturnType<typeof createCorsPolicy>): Promise<string> {
  const app = new Koa();
  app.use(cors(policy));
  app.use((ctx) => {
    ctx.body = 'route';
  });
  const wss = echo(new WebSocketServer({ noServer: true }));
  const server = app.listen(0, '127.0.0.1');
  server.on(
    'upgrade',
    corsUpgrade(policy, (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
    ),
  );
  return ready(server, wss);
}

describe('WebSockets on a Koa server', () => {
  it.each(upgradeRows)('$name', async (row: UpgradeRow) => {
    const base = await serveKoa(createCorsPolicy(row.options));
    expect(await tryWebSocket(`ws://${base}/socket`, row.origin)).toEqual(row.expected);
  });

  it('answers HTTP and handshakes from one policy, and a reconfiguration switches both', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const base = await serveKoa(policy);
    const allowOrigin = async (origin: string): Promise<string | null> =>
      (await fetch(`http://${base}/`, { headers: { origin } })).headers.get(
        'access-control-allow-origin',
      );

    expect(await allowOrigin(EVIL)).toBeNull();
    expect(await tryWebSocket(`ws://${base}/socket`, EVIL)).toEqual({ status: 403 });
    policy.reconfigure({ origin: [APP, EVIL] });
    expect(await allowOrigin(EVIL)).toBe(EVIL);
    expect(await tryWebSocket(`ws://${base}/socket`, EVIL)).toMatchObject({ status: 101 });
  });

  it('works with ws attached to the server through verifyClient', async () => {
    const app = new Koa();
    const server = app.listen(0, '127.0.0.1');
    const wss = echo(
      new WebSocketServer({ server, verifyClient: corsVerifyClient({ origin: [APP] }) }),
    );
    const base = await ready(server, wss);
    expect(await tryWebSocket(`ws://${base}/`, APP)).toMatchObject({ status: 101 });
    expect(await tryWebSocket(`ws://${base}/`, EVIL)).toEqual({ status: 403 });
  });
});
