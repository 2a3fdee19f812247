// On Node, @hono/node-server serves any Fetch-API handler.
import { serve } from '@hono/node-server';
import { handler } from './handler.js';

const port = Number(process.env.PORT ?? 3007);

serve({ fetch: handler, port }, (info) => {
  console.log(`@cors/fetch example listening on http://localhost:${info.port}`);
});
