import type { Server } from 'node:http';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { cors } from '@cors/hono';
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
import { serveApi, type ApiServer } from '../api-server.js';

/** The API on Hono, served by `@hono/node-server`, with `app.use('*', cors(options))`. */
export async function startHonoApi(options: CorsOptions): Promise<ApiServer> {
  const app = new Hono();
  app.use('*', cors(options));
  app.get('/hello', (c) => c.text(HELLO_BODY, 200, HELLO_HEADERS));
  app.post('/session', (c) => c.text(SIGNED_IN_BODY, 200, { 'Set-Cookie': SESSION_SET_COOKIE }));
  app.get('/me', (c) => c.text(describeSession(c.req.header('Cookie'))));
  app.post('/users', async (c) => c.text(describeCreated(await c.req.json()), 201));
  app.delete('/users/:id', (c) => c.text(describeDeleted(c.req.param('id'))));
  app.get('/boom', () => failRoute());
  // What Hono's default error handler answers, minus its console.error of the stack (the
  // failing route is on purpose).
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  return serveApi(createAdaptorServer({ fetch: app.fetch }) as Server);
}
