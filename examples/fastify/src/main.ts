import Fastify from 'fastify';
import { CorsConfigError, cors, createCorsPolicy } from '@cors/fastify';
import type { FastifyRequest } from 'fastify';

const port = Number(process.env.PORT ?? 3006);
const origins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com').split(
  ',',
);

const app = Fastify();

const corsOptions = {
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  debug: true, // log every refusal with its fix
};
// A policy, not plain options, so that the allowed origins can change while the app runs.
const policy = createCorsPolicy<FastifyRequest>({ ...corsOptions, origin: origins });

// Declared before the routes, and awaited: the plugin checks each route's options as it is added.
await app.register(cors, policy);

const todos = [{ id: 1, title: 'Write the README' }];

app.get('/api/todos', (_request, reply) =>
  reply.header('X-Request-Id', crypto.randomUUID()).send(todos),
);
app.post('/api/todos', (request) => ({ id: todos.length + 1, ...(request.body as object) }));
// Only the admin front end may delete; its preflight is answered with this route's policy.
app.delete(
  '/api/todos/:id',
  { config: { cors: { origin: ['https://admin.example.com'] } } },
  (request) => ({ deleted: (request.params as { id: string }).id }),
);
app.get('/api/status', { config: { cors: { origin: '*', credentials: false } } }, () => ({
  up: true,
}));
app.post('/webhooks/payments', { config: { cors: false } }, () => ({ received: true }));
app.get('/api/boom', () => {
  throw new Error('the database is down'); // the 500 keeps its CORS headers
});

// Replaces the allowed origins at once, for every route (each route's own options stay merged
// over them). Guard it for real: here a token from the environment, and no CORS at all.
app.put('/admin/cors-origins', { config: { cors: false } }, (request, reply) => {
  if (
    !process.env.ADMIN_TOKEN ||
    request.headers.authorization !== `Bearer ${process.env.ADMIN_TOKEN}`
  ) {
    return reply.code(401).send({ error: 'unauthorized' });
  }
  try {
    policy.reconfigure({ ...corsOptions, origin: request.body as string[] });
  } catch (error) {
    // Invalid origins (or a route they would break): nothing changed.
    if (error instanceof CorsConfigError) return reply.code(400).send({ error: error.message });
    throw error;
  }
  return { origins: request.body };
});

await app.listen({ port, host: '0.0.0.0' });
console.log(`@cors/fastify example listening on http://localhost:${port}`);
