import { ROUTE_BODY } from '@cors/conformance';
import Fastify, { type FastifyInstance } from 'fastify';
import { cors, type FastifyCorsOptions } from './index.js';

/** Test support (not part of the package). */
export const APP = 'https://app.example.com';
export const ADMIN = 'https://admin.example.com';
export const EVIL = 'https://evil.example.net';
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };
export const VARY_PREFLIGHT =
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
export const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** Where a row's options go: on the plugin, or in the route's `config.cors` as well. */
export type PolicyPlace = 'plugin' | 'route';

/**
 * The conformance app for one row's options: a route answering 200 `route` to every method.
 * The one place a row becomes an app, so that new row files need nothing new here.
 */
export async function routeApp(
  options: FastifyCorsOptions,
  place: PolicyPlace = 'plugin',
): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(cors, options);
  const config: { cors?: FastifyCorsOptions } = place === 'route' ? { cors: { ...options } } : {};
  app.all('/', { config }, async () => ROUTE_BODY);
  return app;
}

/** Serves `app` on a free loopback port for the length of `use`, then closes it. */
export async function withServer<T>(
  app: FastifyInstance,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await use(address);
  } finally {
    await app.close();
  }
}
