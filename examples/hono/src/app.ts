import { cors } from '@cors/hono';
import { Hono } from 'hono';

// The allowlist comes from the environment where there is one (Node, Bun, Deno); on Workers
// without nodejs_compat `process` is undefined and the defaults apply.
const origins = (
  globalThis.process?.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com'
)
  .split(',')
  .map((origin) => origin.trim());

const app = new Hono();

app.use(
  '/api/*',
  cors({
    origin: origins,
    credentials: true,
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
    debug: true, // logs one line per refused request, naming the reason and the fix
  }),
);

app.get('/api/todos', (c) => {
  c.header('X-Request-Id', crypto.randomUUID());
  return c.json([{ id: 1, title: 'Try @cors/hono' }]);
});
app.post('/api/todos', async (c) => c.json(await c.req.json(), 201));
app.get('/api/boom', () => {
  throw new Error('the database is down');
});

// Errors and unknown paths under /api keep their CORS headers, so the browser shows them.
app.onError((error, c) => c.json({ error: error.message }, 500));
app.notFound((c) => c.json({ error: `no route for ${c.req.path}` }, 404));

// Bun (`bun src/app.ts`), Deno (`deno serve src/app.ts`) and Workers serve this export as is.
export default app;
