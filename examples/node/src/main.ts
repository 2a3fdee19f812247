import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { cors } from '@cors/node';

const port = Number(process.env.PORT ?? 3001);
// The front ends that may call the API with cookies, e.g. CORS_ORIGINS=https://app.example.com
const allowedOrigins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173,https://app.example.com')
  .split(',')
  .map((origin) => origin.trim());

// Checked once, here: a mistake in the options throws CorsConfigError at start-up.
const handleCors = cors({
  origin: allowedOrigins,
  credentials: true,
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
  debug: true, // logs why a request was refused, and the fix
});

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  // true: a preflight was answered (or refused) and the response is already ended.
  if (await handleCors(req, res)) return;

  res.setHeader('X-Request-Id', randomUUID());
  res.setHeader('Vary', 'Accept-Encoding'); // merged with the Vary: Origin that cors() set
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/api/items' && req.method === 'GET') return sendJson(res, 200, [{ id: 1 }]);
  if (pathname === '/api/items' && req.method === 'POST') return sendJson(res, 201, { id: 2 });
  sendJson(res, 404, { error: 'not found' });
});

server.listen(port, () => {
  console.log(`example-node listening on http://localhost:${port}`);
  console.log(`allowed origins: ${allowedOrigins.join(', ')}`);
});
