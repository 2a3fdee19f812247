import { serve } from '@hono/node-server';
import { ROUTE_BODY } from '@cors/conformance';
import { vi } from 'vitest';
import {
  withCors,
  type FetchHandler,
  type ReconfigurableCorsPolicy,
  type WithCorsOptions,
} from './index.js';

/** Test support shared by the in-process and the over-HTTP tests (not part of the package). */
export const APP = 'https://app.example.com';
export const EVIL = 'https://evil.example.net';
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };

/**
 * The conformance route for one row's options: answers 200 `route` to every method. The one
 * place a row becomes a handler, so that new row files need nothing new here.
 */
export function routeHandler(
  options: WithCorsOptions | ReconfigurableCorsPolicy<Request>,
): FetchHandler {
  return withCors(() => new Response(ROUTE_BODY), options);
}

/**
 * Runs `use` with `console.error`, where `withCors` reports a handler's error by default,
 * silenced; returns what `use` returned and what was logged.
 */
export async function withErrorLog<T>(use: () => Promise<T>): Promise<[T, unknown[]]> {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const result = await use();
    return [result, logged.mock.calls.map(([error]) => error as unknown)];
  } finally {
    logged.mockRestore();
  }
}

/** Serves `fetch` on a free loopback port for the length of `use`, then closes the server. */
export async function withServer<T>(
  fetch: (request: Request) => Response | Promise<Response>,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  try {
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve, reject) =>
      server?.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
