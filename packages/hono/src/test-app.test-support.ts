import { getRequestListener } from '@hono/node-server';
import {
  APP,
  ROUTE_BODY,
  inProcess,
  serveOverHttp,
  silencingErrors,
  type RouteBehaviour,
  type RouteDriver,
} from '@cors/conformance';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { cors, CorsConfigError, type CorsOptions } from './index.js';

/** Test support shared by the in-process and the over-HTTP tests (not part of the package). */
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };

/** The conformance test route: 200 `route` for every method, behind `cors(options)`. */
export function routeApp(options: CorsOptions): Hono {
  return behaviourApp(options, {});
}

/** A Hono app around `cors(options)` whose route behaves as `route` says. */
function behaviourApp(options: Parameters<typeof cors>[0], route: RouteBehaviour): Hono {
  const app = new Hono();
  const { before } = route;
  if (before !== undefined) {
    app.use('*', async (c, next) => {
      c.header('Vary', before.vary);
      c.header(...before.header);
      await next();
    });
  }
  app.use('*', cors(options));
  app.all('/', (c) => {
    route.seen?.(c);
    if (route.throws === 401) throw new HTTPException(401, { message: 'Unauthorized' });
    if (route.throws === 500) throw new Error('route failed');
    if (route.vary !== undefined) c.header('Vary', route.vary);
    return c.text(ROUTE_BODY);
  });
  return app;
}

/**
 * The route driver of @cors/hono: `app.request` in-process (the runtime's own `Response`, as
 * on Bun, Deno and Workers), or over real HTTP through @hono/node-server. Hono's default error
 * handler logs the failing rows' errors: `console.error` is silenced while the app is served.
 */
export function honoDriver(transport: RouteDriver['transport']): RouteDriver {
  return {
    transport,
    CorsConfigError,
    serve: async (options, route) => {
      const app = behaviourApp(options, route);
      const served =
        transport === 'http'
          ? await serveOverHttp(getRequestListener(app.fetch))
          : inProcess((path, init) => app.request(path, init));
      return silencingErrors(served);
    },
  };
}

export { withErrorLog } from '@cors/conformance';
