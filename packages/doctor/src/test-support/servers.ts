import 'reflect-metadata';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Header, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import koaCors from '@koa/cors';
import expressCors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoIncumbentCors } from 'hono/cors';
import Koa from 'koa';
import type { CorsOptions } from '@cors/core';
import { cors as honoCors } from '@cors/hono';
import { cors as koaOurCors } from '@cors/koa';
import { CorsModule } from '@cors/nestjs';
import { cors as nodeCors } from '@cors/node';

/**
 * Test servers: the same tiny API on each framework, with our adapter or the incumbent.
 * `GET /hello` → 200 `hello` with `X-Request-Id`; `GET /boom` throws; anything else → 404.
 */
export const HELLO = 'hello';

/** Origins the tests use. */
export const APP_ORIGIN = 'https://app.example.com';
export const OTHER_ORIGIN = 'https://other.example.org';

/** A started server: its base URL and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** Listens on 127.0.0.1:0. */
export async function start(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(
  url: string | undefined,
  method: string | undefined,
): { status: number; body: string } | 'throw' {
  const path = new URL(url ?? '/', 'http://x').pathname;
  if (path === '/boom') return 'throw';
  if (path === '/hello' && (method === 'GET' || method === 'HEAD'))
    return { status: 200, body: HELLO };
  if (path === '/hello' && ['PUT', 'DELETE', 'PATCH', 'POST'].includes(method ?? ''))
    return { status: 200, body: `${method} done` };
  return { status: 404, body: 'Not Found' };
}

/** `node:http` with `@cors/node`. */
export function nodeListener(options: CorsOptions): RequestListener {
  const handle = nodeCors(options);
  return async (req, res) => {
    if (await handle(req, res)) return;
    const answer = route(req.url, req.method);
    res.setHeader('X-Request-Id', 'req-42');
    if (answer === 'throw') {
      res.statusCode = 500;
      res.end('Internal Server Error');
      return;
    }
    res.statusCode = answer.status;
    res.end(answer.body);
  };
}

function expressRoutes(app: express.Express): express.Express {
  app.all('/hello', (req, res) => {
    const answer = route(req.url, req.method);
    if (answer === 'throw') throw new Error('boom');
    res.set('X-Request-Id', 'req-42').status(answer.status).send(answer.body);
  });
  app.get('/boom', () => {
    throw new Error('boom: on purpose');
  });
  // Express's default handler logs the stack; keep the output quiet.
  app.use(
    (
      _error: unknown,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(500).send('Internal Server Error');
    },
  );
  return app;
}

/** Express with `@cors/node` as middleware. */
export function expressOurs(options: CorsOptions): express.Express {
  const app = express();
  app.use(nodeCors(options));
  return expressRoutes(app);
}

/** Express with the incumbent `cors` package. */
export function expressIncumbent(options: expressCors.CorsOptions): express.Express {
  const app = express();
  app.use(expressCors(options));
  return expressRoutes(app);
}

function koaRoutes(app: Koa): Koa {
  app.silent = true;
  app.use((ctx) => {
    const answer = route(ctx.url, ctx.method);
    if (answer === 'throw') throw new Error('boom: on purpose');
    ctx.set('X-Request-Id', 'req-42');
    ctx.status = answer.status;
    ctx.body = answer.body;
  });
  return app;
}

/** Koa with `@cors/koa`. */
export function koaOurs(options: CorsOptions): RequestListener {
  const app = new Koa();
  app.use(koaOurCors(options));
  return koaRoutes(app).callback();
}

/** Koa with the incumbent `@koa/cors`. */
export function koaIncumbent(options: koaCors.Options): RequestListener {
  const app = new Koa();
  app.use(koaCors(options));
  return koaRoutes(app).callback();
}

function honoRoutes(app: Hono): Hono {
  app.all('/hello', (c) => {
    const answer = route(c.req.url, c.req.method);
    if (answer === 'throw') throw new Error('boom');
    return c.text(answer.body, answer.status as 200, { 'X-Request-Id': 'req-42' });
  });
  app.get('/boom', () => {
    throw new Error('boom: on purpose');
  });
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  return app;
}

/** Hono with `@cors/hono` (a Fetch handler: `app.fetch`). */
export function honoOurs(options: CorsOptions): Hono {
  const app = new Hono();
  app.use('*', honoCors(options));
  return honoRoutes(app);
}

/** Hono with the incumbent `hono/cors`. */
export function honoIncumbent(options: Parameters<typeof honoIncumbentCors>[0]): Hono {
  const app = new Hono();
  app.use('*', honoIncumbentCors(options));
  return honoRoutes(app);
}

@Controller()
class HelloController {
  @Get('hello')
  @Header('X-Request-Id', 'req-42')
  hello(): string {
    return HELLO;
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom: on purpose');
  }
}

/** NestJS (Express) with `CorsModule.forRoot(options)`, listening. */
export async function nestOurs(options: CorsOptions): Promise<RunningServer> {
  @Module({ imports: [CorsModule.forRoot(options)], controllers: [HelloController] })
  class AppModule {}
  const app: INestApplication = await NestFactory.create(AppModule, new ExpressAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await app.close();
    },
  };
}

/** Fastify 5 with the incumbent `@fastify/cors`, listening. */
export async function fastifyIncumbent(options: FastifyCorsOptions): Promise<RunningServer> {
  const app = Fastify({ logger: false });
  await app.register(fastifyCors, options);
  app.get('/hello', async (_request, reply) => {
    void reply.header('X-Request-Id', 'req-42');
    return HELLO;
  });
  app.put('/hello', async () => 'PUT done');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A plain server for hostile behaviour. */
export function serve(listener: RequestListener): Promise<RunningServer> {
  return start(createServer(listener));
}
