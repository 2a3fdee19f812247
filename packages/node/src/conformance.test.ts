// Every conformance row, through the route drivers of @cors/node: plain node:http (the
// documented `if (await handler(req, res)) return;` form), Express 5 and Express 4.
import {
  ROUTE_BODY,
  describeConformance,
  serveOverHttp,
  writeRawRoute,
  type RouteDriver,
} from '@cors/conformance';
import express5 from 'express';
import express4 from 'express4';
import { CorsConfigError, cors } from './index.js';

/** The error a `throws` route throws: Express (and the plain form below) answer its status. */
const routeError = (status: number): Error => Object.assign(new Error('route failed'), { status });

// Plain node:http: the earlier "middleware" is the code before the handler; the caller's own
// error handling answers a throwing route (or origin function) with the error's status.
const plain: RouteDriver = {
  transport: 'http',
  nodeResponse: true,
  CorsConfigError,
  serve: async (options, route) => {
    const handler = cors(options);
    return serveOverHttp(async (req, res) => {
      if (route.before !== undefined) {
        res.setHeader('Vary', route.before.vary);
        res.setHeader(...route.before.header);
      }
      try {
        if (await handler(req, res)) return;
        route.seen?.(req);
        if (route.throws !== undefined) throw routeError(route.throws);
      } catch (error) {
        res.statusCode = (error as { status?: number }).status ?? 500;
        res.end();
        return;
      }
      if (route.raw !== undefined) return void writeRawRoute(res, route.raw);
      if (route.vary !== undefined) res.setHeader('Vary', route.vary);
      res.end(ROUTE_BODY);
    });
  },
};

const onExpress = (express: typeof express5 | typeof express4): RouteDriver => ({
  transport: 'http',
  nodeResponse: true,
  CorsConfigError,
  serve: async (options, route) => {
    const app = express();
    const { before } = route;
    if (before !== undefined) {
      app.use((_req, res, next) => {
        res.vary(before.vary);
        res.set(...before.header);
        next();
      });
    }
    app.use(cors(options));
    app.use((req, res) => {
      route.seen?.(req);
      if (route.throws !== undefined) throw routeError(route.throws);
      if (route.raw !== undefined) return void writeRawRoute(res, route.raw);
      if (route.vary !== undefined) res.set('Vary', route.vary);
      res.send(ROUTE_BODY);
    });
    return serveOverHttp(app);
  },
});

describeConformance('plain node:http', plain);
describeConformance('Express 5', onExpress(express5));
describeConformance('Express 4', onExpress(express4));
