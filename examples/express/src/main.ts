import { randomUUID } from 'node:crypto';
import { cors } from '@cors/node';
import express, { type ErrorRequestHandler } from 'express';

const port = Number(process.env.PORT ?? 3002);
// The front ends that may call the API with cookies, e.g. CORS_ORIGINS=https://app.example.com
const allowedOrigins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com')
  .split(',')
  .map((origin) => origin.trim());

const app = express();
app.disable('x-powered-by');

// Public: anyone may read it, no cookies, so a '*' policy on this one route.
app.get('/status', cors({ origin: '*' }), (_req, res) => {
  res.json({ ok: true });
});

// The API: an allowlist with credentials, for every /api path and method (preflights included).
app.use(
  '/api',
  cors({
    origin: allowedOrigins,
    credentials: true,
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
    debug: true, // logs why a request was refused, and the fix
  }),
  (_req, res, next) => {
    res.set('X-Request-Id', randomUUID());
    next();
  },
);
app.get('/api/me', (req, res) => {
  if (!req.headers.cookie?.includes('session=')) {
    throw Object.assign(new Error('log in first'), { status: 401 }); // keeps its CORS headers
  }
  res.json({ name: 'Ada' });
});
app.post('/api/items', express.json(), (req, res) => {
  res.status(201).json({ id: 2, ...req.body });
});

// Errors keep the CORS headers set above, so the browser shows the 401 and not a CORS error.
app.use(((error, _req, res, _next) => {
  res.status(error.status ?? 500).json({ error: error.message });
}) satisfies ErrorRequestHandler);

app.listen(port, () => {
  console.log(`example-express listening on http://localhost:${port}`);
  console.log(`allowed API origins: ${allowedOrigins.join(', ')}`);
});
