import { migrate } from './migrate.js';

const url = process.env.DATABASE_URL;
if (url === undefined) {
  console.error('Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  process.exit(1);
}
await migrate(url);
console.log('tenant_domains is ready');
