import Fastify from 'fastify';
import { cors } from '@cors/fastify';

const port = Number(process.env.PORT ?? 3006);
const origins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com').split(
  ',',
);

const app = Fastify();

// Declared before the routes, and awaited: the plugin checks each route's options as it is added.
await app.register(cors, {
  origin: origins,
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  debug: true, // log every refusal with its fix
});

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

await app.listen({ port, host: '0.0.0.0' });
console.log(`@cors/fastify example listening on http://localhost:${port}`);
