import { createServer } from 'node:http';
import express from 'express';
import { cors } from '@cors/node';
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

/** The API on Express 5 with `app.use(cors(options))`; errors go to Express's own handler. */
export async function startExpressApi(options: CorsOptions): Promise<ApiServer> {
  const app = express();
  app.use(cors(options));
  app.use(express.json());
  app.get('/hello', (_req, res) => {
    res.set(HELLO_HEADERS).send(HELLO_BODY);
  });
  app.post('/session', (_req, res) => {
    res.set('Set-Cookie', SESSION_SET_COOKIE).send(SIGNED_IN_BODY);
  });
  app.get('/me', (req, res) => {
    res.send(describeSession(req.headers.cookie));
  });
  app.post('/users', (req, res) => {
    res.status(201).send(describeCreated(req.body));
  });
  app.delete('/users/:id', (req, res) => {
    res.send(describeDeleted(req.params.id));
  });
  app.get('/boom', () => failRoute());
  return serveApi(createServer(app));
}
