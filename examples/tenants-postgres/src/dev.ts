// `pnpm start`: a throwaway PostgreSQL (unless DATABASE_URL is set), the migration, and two
// instances side by side on ports 3101 and 3102. Ctrl-C stops everything and deletes the data.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { migrate } from './migrate.js';
import { startTemporaryPostgres, type PostgresServer } from './postgres-server.js';

let postgres: PostgresServer | undefined;
let databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) {
  postgres = await startTemporaryPostgres();
  databaseUrl = postgres.url;
  console.log(`PostgreSQL is running at ${databaseUrl} (data deleted on exit)`);
}
await migrate(databaseUrl);

const adminToken = process.env.ADMIN_TOKEN ?? randomBytes(12).toString('hex');
const ports = [3101, 3102];
const children: ChildProcess[] = ports.map((port) =>
  spawn(process.execPath, ['--import', 'tsx', new URL('./main.ts', import.meta.url).pathname], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken, PORT: String(port) },
  }),
);

console.log(`
Admin token: ${adminToken}
Add a tenant domain on one instance, then ask the other:
  curl -s -X POST localhost:3101/admin/tenant-domains -H 'authorization: Bearer ${adminToken}' -H 'content-type: application/json' -d '{"tenant":"acme","origin":"https://shop.acme.example"}'
  curl -si localhost:3102/api/whoami -H 'Origin: https://shop.acme.example'
Revoke it:
  curl -s -X DELETE localhost:3102/admin/tenant-domains -H 'authorization: Bearer ${adminToken}' -H 'content-type: application/json' -d '{"origin":"https://shop.acme.example"}'
`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  await postgres?.destroy();
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
for (const child of children) {
  child.once('exit', (code) => void stop(code ?? 1));
}
