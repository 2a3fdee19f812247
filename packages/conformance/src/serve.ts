// Serving an adapter's app for a test: over real HTTP (a Node server on a free loopback port,
// closed afterwards) or in-process (the framework's own `fetch`-like entry).
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An app a test sends requests to: over HTTP (`url` is set), or in-process. Close it when done
 * (`runRow` and `withServer` do).
 */
export interface ServedApp {
  /** The base URL (`http://127.0.0.1:<port>`) when the app is served over HTTP. */
  readonly url?: string;
  /** Sends a request to `path` and returns the response (`fetch` over HTTP). */
  fetch(path: string, init: RequestInit): Promise<Response>;
  /** Stops serving: closes the server and its kept-alive connections. */
  close(): Promise<void>;
}

/**
 * An app that listens by itself, as Fastify's does: `listen` resolves with its address
 * (`http://127.0.0.1:<port>`).
 */
export interface ListeningApp {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<unknown>;
}

/**
 * Serves `app` on 127.0.0.1, port 0: a Node `RequestListener` (plain `node:http`, Express,
 * Koa's `app.callback()`, `getRequestListener(fetch)` of `@hono/node-server`) or an app that
 * listens by itself (Fastify).
 */
export async function serveOverHttp(app: RequestListener | ListeningApp): Promise<ServedApp> {
  let url: string;
  let close: () => Promise<void>;
  if (typeof app === 'function') {
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
  } else {
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = async () => void (await app.close());
  }
  return { url, fetch: (path, init) => fetch(new URL(path, url), init), close };
}

/**
 * An app called in-process, as a Worker, Bun or Deno calls it (`app.request` of Hono, a Fetch
 * handler): `send` gets the path and the request's method and headers.
 */
export function inProcess(
  send: (path: string, init: RequestInit) => Response | Promise<Response>,
): ServedApp {
  return { fetch: async (path, init) => send(path, init), close: async () => undefined };
}

/**
 * Serves `app` over HTTP (see `serveOverHttp`), runs `use` with the base URL, and closes the
 * server afterwards, whether `use` passed or failed.
 */
export async function withServer<T>(
  app: RequestListener | ListeningApp,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const served = await serveOverHttp(app);
  try {
    return await use(served.url as string);
  } finally {
    await served.close();
  }
}
