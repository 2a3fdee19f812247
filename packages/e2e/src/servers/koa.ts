import { createServer } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { cors } from '@cors/koa';
import type { CorsOptions } from '@cors/core';
import {
  HELLO_BODY,
  HELLO_HEADERS,
  SESSION_SET_COOKIE,
  SIGNED_IN_BODY,
  describeCreated,
  describeDeleted,
  describeSession,
  failRoute,
} from '../api-contract.js';
import { readJson, serveApi, type ApiServer } from '../api-server.js';

/** The API on Koa 3 with `app.use(cors(options))` and `@koa/router`. */
export async function startKoaApi(options: CorsOptions): Promise<ApiServer> {
  const app = new Koa();
  // The failing route is on purpose: keep Koa's default error log out of the test output.
  app.silent = true;
  const router = new Router();
  router.get('/hello', (ctx) => {
    ctx.set(HELLO_HEADERS);
    ctx.body = HELLO_BODY;
  });
  router.post('/session', (ctx) => {
    ctx.set('Set-Cookie', SESSION_SET_COOKIE);
    ctx.body = SIGNED_IN_BODY;
  });
  router.get('/me', (ctx) => {
    ctx.body = describeSession(ctx.get('Cookie') || undefined);
  });
  router.post('/users', async (ctx) => {
    ctx.status = 201;
    ctx.body = describeCreated(await readJson(ctx.req));
  });
  router.delete('/users/:id', (ctx) => {
    ctx.body = describeDeleted(ctx.params.id ?? '');
  });
  router.get('/boom', () => failRoute());
  app.use(cors(options));
  app.use(router.routes());
  return serveApi(createServer(app.callback()));
}
