import { serve } from '@hono/node-server';
import app from './app.js';

const port = Number(process.env.PORT ?? 3004);

serve({ fetch: app.fetch, port }, (info) => {
  console.log(`@cors/hono example listening on http://localhost:${info.port}`);
});
