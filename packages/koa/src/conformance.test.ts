// Every conformance row, through the one route driver of @cors/koa, on Koa 3 and Koa 2.
import {
  ROUTE_BODY,
  describeConformance,
  serveOverHttp,
  writeRawRoute,
  type RouteDriver,
} from '@cors/conformance';
import Koa from 'koa';
import Koa2 from 'koa2';
import { CorsConfigError, cors } from './index.js';

/** Builds a Koa app around `cors(options)` for a row's route behaviour, served over HTTP. */
const onKoa = (KoaClass: typeof Koa): RouteDriver => ({
  transport: 'http',
  nodeResponse: true,
  CorsConfigError,
  serve: async (options, route) => {
    const app = new KoaClass();
    app.silent = true; // the failing rows would log their errors
    const { before } = route;
    if (before !== undefined) {
      app.use(async (ctx, next) => {
        ctx.vary(before.vary);
        ctx.set(...before.header);
        await next();
      });
    }
    app.use(cors(options));
    app.use((ctx) => {
      route.seen?.(ctx);
      if (route.throws === 401) ctx.throw(401);
      if (route.throws === 500) throw new Error('route failed');
      if (route.raw !== undefined) {
        // Proxy middleware: Koa leaves the response alone, the route writes on Node's response.
        ctx.respond = false;
        writeRawRoute(ctx.res, route.raw);
        return;
      }
      if (route.vary !== undefined) ctx.set('Vary', route.vary);
      ctx.body = ROUTE_BODY;
    });
    return serveOverHttp(app.callback());
  },
});

describeConformance('Koa 3', onKoa(Koa));
describeConformance('Koa 2', onKoa(Koa2));
