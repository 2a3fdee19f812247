import { Server, createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Transport } from './engine/http-types.js';
import { fetchHandlerTransport, type FetchHandler } from './transport/fetch-handler.js';
import { nodeHttpTransport } from './transport/node-http.js';

/**
 * What the doctor checks: a URL (any server, any language), a Node `http.Server` (listening
 * or not), a Node request listener (an Express app, `koaApp.callback()`), a Fetch handler
 * `(request) => Response`, or an object with a `fetch` handler (a Hono app).
 *
 * A function with two or more parameters is taken for a Node request listener, any other
 * function for a Fetch handler; pass `{ fetch: handler }` to be explicit.
 */
export type CorsTarget =
  | string
  | URL
  | Server
  | RequestListener
  | FetchHandler
  | { readonly fetch: FetchHandler };

/** A target ready to take requests. */
export interface OpenTarget {
  /** The URL requests are resolved against. */
  readonly baseUrl: string;
  readonly transport: Transport;
  /** Stops what `openTarget` started (a listener's temporary server). */
  readonly close: () => Promise<void>;
}

/** The base URL of in-process Fetch handlers. */
export const HANDLER_BASE_URL = 'http://localhost/';

/** Makes a target answer requests; `close()` afterwards. */
export async function openTarget(target: CorsTarget): Promise<OpenTarget> {
  const nothing = async (): Promise<void> => undefined;
  if (typeof target === 'string' || target instanceof URL) {
    return { baseUrl: new URL(target).href, transport: nodeHttpTransport, close: nothing };
  }
  if (target instanceof Server) {
    if (target.listening)
      return { baseUrl: serverUrl(target), transport: nodeHttpTransport, close: nothing };
    await listen(target);
    return {
      baseUrl: serverUrl(target),
      transport: nodeHttpTransport,
      close: () => closeServer(target),
    };
  }
  if (typeof target === 'function' && target.length >= 2) {
    // A Node request listener: served on a loopback port only for the duration of the check.
    const server = createServer(target as RequestListener);
    await listen(server);
    return {
      baseUrl: serverUrl(server),
      transport: nodeHttpTransport,
      close: () => closeServer(server),
    };
  }
  if (typeof target === 'function') {
    return {
      baseUrl: HANDLER_BASE_URL,
      transport: fetchHandlerTransport(target as FetchHandler),
      close: nothing,
    };
  }
  if (typeof target === 'object' && target !== null && typeof target.fetch === 'function') {
    const handler = target.fetch.bind(target);
    return { baseUrl: HANDLER_BASE_URL, transport: fetchHandlerTransport(handler), close: nothing };
  }
  throw new TypeError(
    'checkCors: the target must be a URL, an http.Server, a request listener or a Fetch handler',
  );
}

function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo | string | null;
  if (address === null || typeof address === 'string') {
    throw new TypeError('checkCors: the server must listen on a TCP port');
  }
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  return `http://${host}:${address.port}/`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
