import { tryWebSocket, upgradeRows, type UpgradeRow } from '@cors/conformance';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { io as connectSocketIo } from 'socket.io-client';
import { Server as SocketIoServer } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { corsAllowRequest, corsUpgrade, corsVerifyClient, createCorsPolicy } from './index.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

// Every server of a test, closed when it ends.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.restoreAllMocks();
});

async function serve(server: Server, wss?: WebSocketServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket`;
}

function echo(wss: WebSocketServer): WebSocketServer {
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  return wss;
}

/** `ws` with `verifyClient` on a plain HTTP server. */
async function serveWithVerifyClient(
  ...args: Parameters<typeof corsVerifyClient>
): Promise<string> {
  const server = createServer();
  const wss = echo(new WebSocketServer({ server, verifyClient: corsVerifyClient(...args) }));
  return serve(server, wss);
}

/** `ws` with `noServer`, behind `server.on('upgrade', corsUpgrade(...))`. */
async function serveWithUpgradeListener(
  source: Parameters<typeof corsUpgrade>[0],
  onListener: () => void = () => undefined,
  options?: Parameters<typeof corsUpgrade>[2],
): Promise<string> {
  const server = createServer();
  const wss = echo(new WebSocketServer({ noServer: true }));
  server.on(
    'upgrade',
    corsUpgrade(
      source,
      (request, socket, head) => {
        onListener();
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      },
      options,
    ),
  );
  return serve(server, wss);
}

describe('corsVerifyClient (ws)', () => {
  it.each(upgradeRows)('$name', async (row: UpgradeRow) => {
    const url = await serveWithVerifyClient(row.options);
    expect(await tryWebSocket(url, row.origin)).toEqual(row.expected);
  });

  it('answers 500 and reports the error when the origin function rejects', async () => {
    const onError = vi.fn();
    const url = await serveWithVerifyClient(
      { origin: () => Promise.reject(new Error('db down')) },
      { onError },
    );
    expect(await tryWebSocket(url, APP)).toEqual({ status: 500 });
    expect(onError).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ message: 'db down' }),
      expect.objectContaining({ url: '/socket' }),
    );
  });

  it('logs with console.error by default when the origin function throws', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const url = await serveWithVerifyClient({
      origin: () => {
        throw new Error('boom');
      },
    });
    expect(await tryWebSocket(url, APP)).toEqual({ status: 500 });
    expect(error).toHaveBeenCalledOnce();
  });

  it('shares a policy with cors(): a reconfiguration applies to handshakes too', async () => {
    const policy = createCorsPolicy<IncomingMessage>({ origin: [APP] });
    const url = await serveWithVerifyClient(policy);
    expect(await tryWebSocket(url, EVIL)).toEqual({ status: 403 });
    policy.reconfigure({ origin: [APP, EVIL] });
    expect(await tryWebSocket(url, EVIL)).toMatchObject({ status: 101 });
  });

  it('reports each handshake to onDecision with the Node request', async () => {
    const seen: [string, boolean, string | undefined][] = [];
    const url = await serveWithVerifyClient({
      origin: [APP],
      onDecision: (decision, request) => seen.push([decision.kind, decision.allowed, request.url]),
    });
    await tryWebSocket(url, APP);
    await tryWebSocket(url, EVIL);
    expect(seen).toEqual([
      ['upgrade', true, '/socket'],
      ['upgrade', false, '/socket'],
    ]);
  });

  it('throws CorsConfigError at start-up for bad options', () => {
    expect(() => corsVerifyClient({ upgradeWithoutOrigin: 'never' as 'refuse' })).toThrow(
      /upgradeWithoutOrigin/,
    );
  });
});

describe('corsUpgrade (server.on("upgrade"))', () => {
  it.each(upgradeRows)('$name', async (row: UpgradeRow) => {
    const url = await serveWithUpgradeListener(row.options);
    expect(await tryWebSocket(url, row.origin)).toEqual(row.expected);
  });

  it('never calls the listener for a refused handshake', async () => {
    const listener = vi.fn();
    const url = await serveWithUpgradeListener({ origin: [APP] }, listener);
    await tryWebSocket(url, EVIL);
    expect(listener).not.toHaveBeenCalled();
    await tryWebSocket(url, APP);
    expect(listener).toHaveBeenCalledOnce();
  });

  it('writes a bare HTTP/1.1 403 and closes the connection', async () => {
    const url = new URL(await serveWithUpgradeListener({ origin: [APP] }));
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          [
            'GET /socket HTTP/1.1',
            `Host: ${url.host}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            'Sec-WebSocket-Version: 13',
            `Origin: ${EVIL}`,
            '',
            '',
          ].join('\r\n'),
        );
      });
      let received = '';
      socket.on('data', (chunk) => (received += String(chunk)));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(raw).toBe('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('answers 500 when the origin function fails, and never calls the listener', async () => {
    const listener = vi.fn();
    const onError = vi.fn();
    const url = await serveWithUpgradeListener(
      { origin: async () => Promise.reject(new Error('db down')) },
      listener,
      { onError },
    );
    expect(await tryWebSocket(url, APP)).toEqual({ status: 500 });
    expect(listener).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledOnce();
  });
});

describe('corsAllowRequest (socket.io)', () => {
  async function serveSocketIo(source: Parameters<typeof corsAllowRequest>[0]): Promise<string> {
    const server = createServer();
    const io = new SocketIoServer(server, { allowRequest: corsAllowRequest(source) });
    io.on('connection', (socket) =>
      socket.on('say', (text: string, ack: (reply: string) => void) => ack(text)),
    );
    const url = await serve(server);
    cleanups.push(() => io.close().then(() => undefined));
    return url.replace('ws://', 'http://').replace('/socket', '');
  }

  async function connectAndSay(
    url: string,
    origin: string | undefined,
    transport: 'websocket' | 'polling',
  ): Promise<string> {
    const client = connectSocketIo(url, {
      transports: [transport],
      extraHeaders: origin === undefined ? {} : { origin },
      reconnection: false,
      timeout: 5_000,
    });
    try {
      return await new Promise<string>((resolve) => {
        client.on('connect_error', (error) => resolve(`refused: ${error.message}`));
        client.on('connect', () => client.emit('say', 'hi', (reply: string) => resolve(reply)));
      });
    } finally {
      client.close();
    }
  }

  it.each<['websocket' | 'polling', string | undefined, string]>([
    ['websocket', APP, 'hi'],
    ['websocket', EVIL, 'refused: websocket error'],
    ['websocket', undefined, 'hi'],
    ['polling', APP, 'hi'],
    ['polling', EVIL, 'refused: xhr poll error'],
  ])('over %s from %s: %s', async (transport, origin, expected) => {
    const url = await serveSocketIo({ origin: [APP] });
    expect(await connectAndSay(url, origin, transport)).toBe(expected);
  });
});
