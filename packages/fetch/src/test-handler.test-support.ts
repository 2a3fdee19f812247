import { getRequestListener } from '@hono/node-server';
import {
  APP,
  ROUTE_BODY,
  inProcess,
  serveOverHttp,
  silencingErrors,
  withServer as serve,
  type RouteBehaviour,
  type RouteDriver,
} from '@cors/conformance';
import { mergeVary } from '@cors/core';
import {
  CorsConfigError,
  withCors,
  type FetchHandler,
  type ReconfigurableCorsPolicy,
  type WithCorsOptions,
} from './index.js';

/** Test support shared by the in-process and the over-HTTP tests (not part of the package). */
export const GRANT = { 'access-control-allow-origin': APP, vary: 'Origin' };

/**
 * The conformance route for one row's options: answers 200 `route` to every method.
 */
export function routeHandler(
  options: WithCorsOptions | ReconfigurableCorsPolicy<Request>,
): FetchHandler {
  return withCors(() => new Response(ROUTE_BODY), options);
}

/**
 * The earlier layer of a row (`RouteBehaviour.before`): a Fetch handler has no response before
 * it returns one, so it is a handler wrapped around `withCors(...)` that sees every request
 * first (preflights included) and puts its headers on whatever response comes back, as if set
 * before: its `Vary` names first, the response's merged after them, and its other header.
 */
function earlier(
  before: NonNullable<RouteBehaviour['before']>,
  handler: FetchHandler,
): FetchHandler {
  return async (request) => {
    const response = await handler(request);
    const headers = new Headers([['Vary', before.vary], [...before.header]]);
    for (const [name, value] of response.headers) {
      headers.set(
        name,
        name === 'vary'
          ? mergeVary(
              before.vary,
              value.split(',').map((v) => v.trim()),
            )
          : value,
      );
    }
    return new Response(response.body, { status: response.status, headers });
  };
}

/**
 * The route driver of @cors/fetch: `withCors(route, options)` called in-process on Node's
 * global `Request` (as a Worker, Bun or Deno calls it), or served over real HTTP by
 * @hono/node-server, as the example serves it. A route that throws 401 is answered by an
 * `onError` that says 401; one that throws 500 by the default `onError`, which logs:
 * `console.error` is silenced while the app is served.
 */
export function fetchDriver(transport: RouteDriver['transport']): RouteDriver {
  return {
    transport,
    CorsConfigError,
    skip: {
      'a route that replaces Vary keeps Origin in it':
        'the earlier layer sets its Vary after the route returned its response, so the route ' +
        "cannot replace it (a route's own Vary keeping Origin is a routeRows row)",
    },
    serve: async (options, route) => {
      const handlerOptions =
        route.throws === 401
          ? { onError: () => new Response('Unauthorized', { status: 401 }) }
          : {};
      const cors = withCors(
        (request: Request) => {
          route.seen?.(request);
          if (route.throws !== undefined) throw new Error('route failed');
          const headers: Record<string, string> =
            route.vary === undefined ? {} : { Vary: route.vary };
          return new Response(ROUTE_BODY, { headers });
        },
        options as WithCorsOptions,
        handlerOptions,
      );
      const app = route.before === undefined ? cors : earlier(route.before, cors);
      const served =
        transport === 'http'
          ? await serveOverHttp(getRequestListener(app))
          : inProcess(async (path, init) =>
              app(new Request(new URL(path, 'http://localhost/'), init)),
            );
      return silencingErrors(served);
    },
  };
}

/** Serves `fetch` on a free loopback port for the length of `use`, then closes the server. */
export function withServer<T>(
  fetch: (request: Request) => Response | Promise<Response>,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  return serve(getRequestListener(fetch), use);
}

export { withErrorLog } from '@cors/conformance';
