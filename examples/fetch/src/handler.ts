// One Fetch-API handler with CORS, for any runtime: paste it into Bun, Deno or a Worker as is.
import { CorsConfigError, createCorsPolicy, withCors } from '@cors/fetch';

const todos = [{ id: 1, title: 'Write the README' }];

async function api(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/api/todos' && request.method === 'GET') {
    return Response.json(todos, { headers: { 'X-Request-Id': crypto.randomUUID() } });
  }
  if (pathname === '/api/todos' && request.method === 'POST') {
    return Response.json({ id: todos.length + 1, ...(await request.json()) }, { status: 201 });
  }
  if (pathname === '/api/old-todos')
    return Response.redirect(new URL('/api/todos', request.url), 301);
  if (pathname === '/admin/cors-origins' && request.method === 'PUT') return setOrigins(request);
  if (pathname === '/api/boom') throw new Error('the database is down');
  return Response.json({ error: 'not found' }, { status: 404 });
}

const corsOptions = {
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  debug: true, // log every refusal with its fix
};
// A policy, not plain options, so that the allowed origins can change while the handler runs.
const policy = createCorsPolicy<Request>({
  ...corsOptions,
  origin: ['http://localhost:5173', 'https://app.example.com'],
});

/** Replaces the allowed origins at once. Guard it for real: here a token from the environment. */
async function setOrigins(request: Request): Promise<Response> {
  const token = globalThis.process?.env.ADMIN_TOKEN;
  if (!token || request.headers.get('authorization') !== `Bearer ${token}`) {
    return Response.json({ error: 'unauthorized' }, { status: 401 });
  }
  const origins = (await request.json()) as string[];
  try {
    policy.reconfigure({ ...corsOptions, origin: origins });
  } catch (error) {
    // Invalid origins: nothing changed.
    if (error instanceof CorsConfigError) {
      return Response.json({ error: error.message }, { status: 400 });
    }
    throw error;
  }
  return Response.json({ origins });
}

// withCors's own options (not CORS options, so not part of the policy) go third.
export const handler = withCors(api, policy, {
  // The 500 keeps its CORS headers; report the error, then answer with JSON.
  onError: (error) => {
    console.error('handler failed:', error);
    return Response.json({ error: 'internal' }, { status: 500 });
  },
});

// Bun:     Bun.serve({ port: 3007, fetch: handler });
// Deno:    Deno.serve({ port: 3007 }, handler);
// Workers: export default { fetch: handler };
