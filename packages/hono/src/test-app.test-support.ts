import { ROUTE_BODY } from '@cors/conformance';
import { Hono } from 'hono';
import { vi } from 'vitest';
import { cors, type CorsOptions } from './index.js';

/** Test support shared by the in-process and the over-HTTP tests (not part of the package). */
export const APP = 'https://app.example.com';
export const EVIL = 'https://evil.example.net';
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };

/** The conformance test route: 200 `route` for every method, behind `cors(options)`. */
export function routeApp(options: CorsOptions): Hono {
  const app = new Hono();
  app.use('*', cors(options));
  app.all('/', (c) => c.text(ROUTE_BODY));
  return app;
}

/**
 * Runs `use` with `console.error`, where Hono's default error handler logs, silenced; returns
 * what `use` returned and what was logged.
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
