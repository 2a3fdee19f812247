// WebSockets on Hono: over real HTTP on Node (@hono/node-server + @hono/node-ws, whose upgrade
// requests run through the app's middleware) with a real `ws` client, and in-process with
// `app.request`, as on any runtime.
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { tryWebSocket, upgradeRows, type UpgradeRow } from '@cors/conformance';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cors, corsUpgrade, createCorsPolicy, type CorsOptions } from './index.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.restoreAllMocks();
});

/** An app whose `/ws` echoes every message, behind `corsUpgrade(source)`. */
function echoApp(source: Parameters<typeof corsUpgrade>[0]): {
  app: Hono;
  inject: ReturnType<typeof createNodeWebSocket>['injectWebSocket'];
  wss: ReturnType<typeof createNodeWebSocket>['wss'];
  opened: () => number;
} {
  const app = new Hono();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
  let opened = 0;
  app.get(
    '/ws',
    corsUpgrade(source),
    upgradeWebSocket(() => ({
      onOpen: () => void opened++,
      onMessage: (event, ws) => ws.send(String(event.data)),
    })),
  );
  app.get('/', (c) => c.text('route'));
  return { app, inject: injectWebSocket, wss, opened: () => opened };
}

async function serveOnNode(source: Parameters<typeof corsUpgrade>[0]): Promise<{
  base: string;
  opened: () => number;
}> {
  const { app, inject, wss, opened } = echoApp(source);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  inject(server);
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', resolve),
  );
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { base: `127.0.0.1:${(server.address() as AddressInfo).port}`, opened };
}

describe('corsUpgrade on Node (@hono/node-server + @hono/node-ws)', () => {
  it.each(upgradeRows)('$name', async (row: UpgradeRow) => {
    const { base } = await serveOnNode(row.options as CorsOptions);
    expect(await tryWebSocket(`ws://${base}/ws`, row.origin)).toEqual(row.expected);
  });

  it('never runs the WebSocket handler for a refused handshake', async () => {
    const { base, opened } = await serveOnNode({ origin: [APP] });
    await tryWebSocket(`ws://${base}/ws`, EVIL);
    expect(opened()).toBe(0);
    await tryWebSocket(`ws://${base}/ws`, APP);
    expect(opened()).toBe(1);
  });

  it('answers 500 through app.onError when the origin function fails, and switches nothing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { base, opened } = await serveOnNode({
      origin: () => Promise.reject(new Error('db down')),
    });
    expect(await tryWebSocket(`ws://${base}/ws`, APP)).toEqual({ status: 500 });
    expect(opened()).toBe(0);
    expect(error).toHaveBeenCalled();
  });

  it('shares a policy with cors(): HTTP and handshakes follow one reconfiguration', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const app = new Hono();
    const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
    app.use('*', cors(policy));
    app.get(
      '/ws',
      corsUpgrade(policy),
      upgradeWebSocket(() => ({ onMessage: (event, ws) => ws.send(String(event.data)) })),
    );
    app.get('/', (c) => c.text('route'));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    injectWebSocket(server);
    await new Promise<void>((resolve) => server.once('listening', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          server.close(() => resolve());
        }),
    );
    const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const allowOrigin = async (): Promise<string | null> =>
      (await fetch(`http://${base}/`, { headers: { origin: EVIL } })).headers.get(
        'access-control-allow-origin',
      );

    expect(await allowOrigin()).toBeNull();
    expect(await tryWebSocket(`ws://${base}/ws`, EVIL)).toEqual({ status: 403 });
    policy.reconfigure({ origin: [APP, EVIL] });
    expect(await allowOrigin()).toBe(EVIL);
    expect(await tryWebSocket(`ws://${base}/ws`, EVIL)).toMatchObject({ status: 101 });
  });
});

describe('corsUpgrade in-process (any runtime)', () => {
  const app = new Hono();
  app.get('/ws', corsUpgrade({ origin: [APP] }), (c) => c.text('handshake handler'));

  it.each<[string, Record<string, string>, number, string]>([
    ['refuses a handshake from a refused origin', { upgrade: 'websocket', origin: EVIL }, 403, ''],
    [
      'hands an allowed handshake on',
      { upgrade: 'websocket', origin: APP },
      200,
      'handshake handler',
    ],
    [
      'leaves a request without Upgrade to the route (cors() decides those)',
      { origin: EVIL },
      200,
      'handshake handler',
    ],
  ])('%s', async (_name, headers, status, body) => {
    const response = await app.request('/ws', { headers });
    expect([response.status, await response.text()]).toEqual([status, body]);
  });
});
