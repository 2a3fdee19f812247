import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { withCors } from '@cors/fetch';
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

/** The API as one Fetch-API handler with no framework, wrapped with `withCors(handler, options)`. */
async function api(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const route = `${request.method} ${pathname}`;
  if (route === 'GET /hello') return new Response(HELLO_BODY, { headers: HELLO_HEADERS });
  if (route === 'POST /session') {
    return new Response(SIGNED_IN_BODY, { headers: { 'Set-Cookie': SESSION_SET_COOKIE } });
  }
  if (route === 'GET /me')
    return new Response(describeSession(request.headers.get('cookie') ?? undefined));
  if (route === 'POST /users') {
    return new Response(describeCreated(await request.json()), { status: 201 });
  }
  if (request.method === 'DELETE' && pathname.startsWith('/users/')) {
    return new Response(describeDeleted(pathname.slice('/users/'.length)));
  }
  if (route === 'GET /boom') failRoute();
  return new Response('Not Found', { status: 404 });
}

/** The API served on Node by `@hono/node-server`, as Bun, Deno or a Worker would serve it. */
export async function startFetchApi(options: CorsOptions): Promise<ApiServer> {
  // The failing route is on purpose: answer its 500 without logging the stack.
  const fetch = withCors(api, { ...options, onError: () => undefined });
  return serveApi(createAdaptorServer({ fetch }) as Server);
}
