import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli/run-cli.js';
import { checkCors } from './index.js';
import { APP_ORIGIN, serve, type RunningServer } from './test-support/servers.js';

// A short timeout keeps the suite quick; the verdicts, not the time they take, are asserted.
const timeoutMs = 300;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A raw TCP server, for answers node:http would not send. */
async function tcp(onConnection: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function http(server: Promise<RunningServer>): Promise<string> {
  const running = await server;
  cleanups.push(running.close);
  return `${running.url}/`;
}

describe('hostile servers get a verdict, never a crash', () => {
  it('a server that never answers: network error (timeout)', async () => {
    const url = await tcp(() => undefined);
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs });
    expect(result.outcome).toBe('network-error');
    expect(result.steps[0]?.message).toMatch(/^timeout: no answer within 300ms/);
  });

  it('a preflight that never gets an answer: network error at the preflight', async () => {
    const url = await tcp(() => undefined);
    const result = await checkCors(url, { origin: APP_ORIGIN, method: 'PUT' }, { timeoutMs });
    expect(result.outcome).toBe('network-error');
    expect(result.steps.map((step) => step.kind)).toEqual(['preflight']);
  });

  it('1 MB of response headers: refused like Chromium does (over 256 KiB)', async () => {
    const url = await tcp((socket) =>
      socket.once('data', () => {
        socket.write(
          `HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Big: ${'a'.repeat(1024 * 1024)}\r\n\r\n`,
        );
      }),
    );
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs: 5000 });
    expect(result.outcome).toBe('network-error');
    expect(result.steps[0]?.message).toMatch(/^headers-too-large/);
  });

  it('a redirect loop: network error after 20 redirects', async () => {
    const url = await http(
      serve((req, res) => {
        res.writeHead(302, { Location: req.url ?? '/', 'Access-Control-Allow-Origin': '*' });
        res.end();
      }),
    );
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs: 5000 });
    expect(result.outcome).toBe('network-error');
    expect(result.steps).toHaveLength(21);
    expect(result.steps.at(-1)?.rule).toBe('redirect-limit');
  });

  it('a server that closes the socket: network error (connection closed)', async () => {
    const url = await tcp((socket) => socket.once('data', () => socket.destroy()));
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs });
    expect(result.outcome).toBe('network-error');
    expect(result.steps[0]?.message).toMatch(/^connection-closed/);
  });

  it('garbage instead of HTTP: network error (invalid response)', async () => {
    const url = await tcp((socket) =>
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n')),
    );
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs });
    expect(result.outcome).toBe('network-error');
    expect(result.steps[0]?.message).toMatch(/^(invalid-response|connection-closed)/);
  });

  it('nothing listening: network error (connection refused)', async () => {
    const url = await tcp(() => undefined);
    for (const cleanup of cleanups.splice(0)) await cleanup();
    const result = await checkCors(url, { origin: APP_ORIGIN }, { timeoutMs });
    expect(result.steps[0]?.message).toMatch(/^connection-refused/);
  });

  it('a Fetch handler that throws or never settles', async () => {
    const throwing = await checkCors(
      { fetch: () => Promise.reject(new Error('kaput')) },
      { origin: APP_ORIGIN },
      { timeoutMs },
    );
    expect(throwing.steps[0]?.message).toBe('handler-threw: kaput');
    const hanging = await checkCors(
      { fetch: () => new Promise<Response>(() => undefined) },
      { origin: APP_ORIGIN },
      { timeoutMs },
    );
    expect(hanging.steps[0]?.message).toMatch(/^timeout/);
  });

  it('the CLI prints the verdict and exits 1 for a hanging server', async () => {
    const url = await tcp(() => undefined);
    let out = '';
    const io = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (out += text) },
    };
    const code = await runCli([url, '--origin', APP_ORIGIN, '--timeout', '300ms'], io);
    expect(code).toBe(1);
    expect(out).toContain('a browser gets a network error');
    expect(out).toContain('no answer within 300ms');
  });
});
