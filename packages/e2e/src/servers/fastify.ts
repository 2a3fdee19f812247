import Fastify from 'fastify';
import { cors } from '@cors/fastify';
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
import { closeServer, serveApi, type ApiServer } from '../api-server.js';

/** The API on Fastify 5 with `await app.register(cors, options)`; no OPTIONS route declared. */
export async function startFastifyApi(options: CorsOptions): Promise<ApiServer> {
  const app = Fastify();
  await app.register(cors, options);
  app.get('/hello', (_request, reply) => reply.headers(HELLO_HEADERS).send(HELLO_BODY));
  app.post('/session', (_request, reply) =>
    reply.header('Set-Cookie', SESSION_SET_COOKIE).send(SIGNED_IN_BODY),
  );
  app.get('/me', (request) => describeSession(request.headers.cookie));
  app.post('/users', async (request, reply) => reply.code(201).send(describeCreated(request.body)));
  app.delete<{ Params: { id: string } }>('/users/:id', (request) =>
    describeDeleted(request.params.id),
  );
  app.get('/boom', () => failRoute());
  await app.ready();
  return serveApi(app.server, async () => {
    await closeServer(app.server);
    await app.close();
  });
}
