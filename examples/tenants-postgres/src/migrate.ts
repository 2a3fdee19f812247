import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';

const MIGRATIONS = new URL('../migrations/', import.meta.url);

/** Applies every `migrations/*.sql` file in name order. Each file is safe to apply again. */
export async function migrate(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const files = (await readdir(MIGRATIONS)).filter((name) => name.endsWith('.sql')).sort();
    for (const file of files) await client.query(await readFile(new URL(file, MIGRATIONS), 'utf8'));
  } finally {
    await client.end();
  }
}
