import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
import { readJson, serveApi, type ApiServer } from '../api-server.js';

/** The API on a plain `node:http` server: `if (await handleCors(req, res)) return;`. */
export async function startNodeHttpApi(options: CorsOptions): Promise<ApiServer> {
  const handleCors = cors(options);
  const server = createServer(async (req, res) => {
    try {
      if (await handleCors(req, res)) return;
      await route(req, res);
    } catch {
      // Plain node:http has no error handling of its own: this is it. The CORS headers set
      // above stay on the 500, so the page can read it.
      res.statusCode = 500;
      res.end('Internal Server Error');
    }
  });
  return serveApi(server);
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const deleted = /^\/users\/([^/]+)$/.exec(pathname);
  const send = (status: number, body: string): void => {
    res.statusCode = status;
    res.end(body);
  };
  if (req.method === 'GET' && pathname === '/hello') {
    for (const [name, value] of Object.entries(HELLO_HEADERS)) res.setHeader(name, value);
    send(200, HELLO_BODY);
  } else if (req.method === 'POST' && pathname === '/session') {
    res.setHeader('Set-Cookie', SESSION_SET_COOKIE);
    send(200, SIGNED_IN_BODY);
  } else if (req.method === 'GET' && pathname === '/me') {
    send(200, describeSession(req.headers.cookie));
  } else if (req.method === 'POST' && pathname === '/users') {
    send(201, describeCreated(await readJson(req)));
  } else if (req.method === 'DELETE' && deleted?.[1] !== undefined) {
    send(200, describeDeleted(deleted[1]));
  } else if (req.method === 'GET' && pathname === '/boom') {
    failRoute();
  } else {
    send(404, 'Not Found');
  }
}
