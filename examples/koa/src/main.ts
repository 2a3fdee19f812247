import { randomUUID } from 'node:crypto';
import { cors } from '@cors/koa';
import Router from '@koa/router';
import Koa from 'koa';

const port = Number(process.env.PORT ?? 3003);
// The front ends that may call the API with cookies, e.g. CORS_ORIGINS=https://app.example.com
const allowedOrigins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com')
  .split(',')
  .map((origin) => origin.trim());

const app = new Koa();

// Public: anyone may read it, no cookies, so a '*' policy on this one route.
const site = new Router();
site.get('/status', cors({ origin: '*' }), (ctx) => {
  ctx.body = { ok: true };
});

// The API: an allowlist with credentials. `all` (not `use`) so that @koa/router also hands the
// OPTIONS preflights of every /api path to cors.
const api = new Router({ prefix: '/api' });
api.all(
  '{/*path}',
  cors({
    origin: allowedOrigins,
    credentials: true,
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
    debug: true, // logs why a request was refused, and the fix
  }),
);
api.use((ctx, next) => {
  ctx.set('X-Request-Id', randomUUID());
  return next();
});
api.get('/me', (ctx) => {
  if (!ctx.cookies.get('session')) ctx.throw(401, 'log in first'); // keeps its CORS headers
  ctx.body = { name: 'Ada' };
});
api.post('/items', (ctx) => {
  ctx.status = 201;
  ctx.body = { id: 1 };
});

app.use(site.routes()).use(api.routes()).use(api.allowedMethods());
app.listen(port, () => {
  console.log(`example-koa listening on http://localhost:${port}`);
  console.log(`allowed API origins: ${allowedOrigins.join(', ')}`);
});
