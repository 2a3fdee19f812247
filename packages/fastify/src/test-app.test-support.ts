import {
  APP,
  ROUTE_BODY,
  serveOverHttp,
  withServer as serve,
  writeRawRoute,
  type RouteDriver,
} from '@cors/conformance';
import Fastify, { type FastifyInstance } from 'fastify';
import { cors, CorsConfigError, type FastifyCorsOptions, type FastifyCorsPolicy } from './index.js';

/** Test support (not part of the package). */
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };

/** Where a row's options go: on the plugin, or in the route's `config.cors` as well. */
export type PolicyPlace = 'plugin' | 'route';

/**
 * The conformance app for one row's options: a route answering 200 `route` to every method.
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

/**
 * The route driver of @cors/fastify: the row's options on the plugin (`place: 'plugin'`) or
 * also in the route's `config.cors` (`'route'`; a policy object stays on the plugin only); the
 * earlier middleware an `onRequest` hook that sets its headers Fastify's way (`reply.header`)
 * or on Node's response (`reply.raw`, as Node middleware run through Fastify does). The raw
 * routes (`reply.hijack()`, then `reply.raw` written) run with the second only: a hijacked
 * reply never writes what was set with `reply.header`, the earlier hook's headers included.
 */
export function fastifyDriver(
  place: PolicyPlace,
  earlier: 'reply.header' | 'reply.raw',
): RouteDriver {
  return {
    transport: 'http',
    nodeResponse: earlier === 'reply.raw',
    CorsConfigError,
    serve: async (options, route) => {
      const app = Fastify();
      const { before } = route;
      if (before !== undefined) {
        app.addHook('onRequest', (_request, reply, done) => {
          if (earlier === 'reply.header') {
            reply.header('Vary', before.vary);
            reply.header(...before.header);
          } else {
            reply.raw.setHeader('Vary', before.vary);
            reply.raw.setHeader(...before.header);
          }
          done();
        });
      }
      const isPolicy = typeof (options as { reconfigure?: unknown }).reconfigure === 'function';
      const config: { cors?: FastifyCorsOptions } =
        place === 'route' && !isPolicy ? { cors: { ...(options as FastifyCorsOptions) } } : {};
      try {
        await app.register(cors, options as FastifyCorsOptions | FastifyCorsPolicy);
        app.all('/', { config }, async (request, reply) => {
          route.seen?.(request);
          if (route.throws !== undefined) {
            throw Object.assign(new Error('route failed'), { statusCode: route.throws });
          }
          if (route.raw !== undefined) {
            reply.hijack();
            writeRawRoute(reply.raw, route.raw);
            return reply;
          }
          if (route.vary !== undefined) void reply.header('Vary', route.vary);
          return ROUTE_BODY;
        });
        return await serveOverHttp(app);
      } catch (error) {
        await app.close();
        throw error;
      }
    },
  };
}

/** Serves `app` on a free loopback port for the length of `use`, then closes it. */
export function withServer<T>(
  app: FastifyInstance,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  return serve(app, use);
}
