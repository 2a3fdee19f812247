// One instance. `pnpm start` runs two of these against a throwaway PostgreSQL (see dev.ts).
import { createTenantsApp } from './app.js';

const databaseUrl = process.env.DATABASE_URL;
const adminToken = process.env.ADMIN_TOKEN;
if (databaseUrl === undefined || adminToken === undefined) {
  console.error('Set DATABASE_URL and ADMIN_TOKEN (or run `pnpm start`, which sets both)');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3101);
const name = process.env.INSTANCE_NAME ?? `instance-${port}`;

const app = createTenantsApp({
  name,
  databaseUrl,
  adminToken,
  log: (line) => console.log(`[${name}] ${line}`),
});
await app.start();
app.server.listen(port, () => console.log(`[${name}] listening on http://localhost:${port}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
