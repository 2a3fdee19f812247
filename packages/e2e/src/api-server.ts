import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorsOptions } from '@cors/core';

/** A request as it reached origin B's server, before any framework code ran. */
export interface SeenRequest {
  method: string;
  /** Path and query string. */
  url: string;
}

/** A running API on origin B. */
export interface ApiServer {
  /** `http://localhost:<port>`: origin B, a different origin (and site) from the page's 127.0.0.1. */
  url: string;
  /** How many `OPTIONS` requests reached the server so far (the browser's preflights). */
  optionsCount: () => number;
  /** Every request that reached the server so far, in order. */
  requests: () => readonly SeenRequest[];
  close: () => Promise<void>;
}

/** Starts one adapter's API (see `api-contract.ts`) with a CORS policy. */
export type ApiServerFactory = (options: CorsOptions) => Promise<ApiServer>;

/** Listens on 127.0.0.1, port 0. */
export function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes a Node server, dropping the browser's keep-alive connections first. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Wraps a Node server as origin B: listens if the framework has not already, and records every
 * request before any framework code sees it, so a test can tell a request the browser never
 * sent from a response it withheld.
 */
export async function serveApi(
  server: Server,
  close: () => Promise<void> = () => closeServer(server),
): Promise<ApiServer> {
  const seen: SeenRequest[] = [];
  server.prependListener('request', (request: IncomingMessage) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '' });
  });
  if (!server.listening) await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    // Chromium resolves `localhost` to loopback itself; the server listens on 127.0.0.1.
    url: `http://localhost:${port}`,
    optionsCount: () => seen.filter((request) => request.method === 'OPTIONS').length,
    requests: () => seen,
    close,
  };
}

/** Reads a request body as JSON (`undefined` when empty or not JSON). */
export async function readJson(request: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
