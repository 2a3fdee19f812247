// Integration test against a real PostgreSQL server (never a mock): started here from the
// installed server binaries on a temp data dir and a free port, stopped and deleted at the end.
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantsApp, type TenantsApp } from './app.js';
import { migrate } from './migrate.js';
import {
  INSTALL_HINT,
  findPostgresBinaries,
  startTemporaryPostgres,
  type PostgresServer,
} from './postgres-server.js';
import { LOOKUP_SQL } from './tenant-origins.js';

const TOKEN = 'test-admin-token';
const SHOP = 'https://shop.acme.example';
const BLOG = 'https://blog.acme.example';
const WIKI = 'https://wiki.acme.example';

// CI installs PostgreSQL (.ci/run), so there a missing server fails the run; a contributor
// without it sees this suite skipped with the install hint rather than a red `pnpm test`.
const available = findPostgresBinaries() !== undefined;
if (!available && process.env.CI) throw new Error(INSTALL_HINT);
if (!available) console.warn(`tenants-postgres: skipped. ${INSTALL_HINT}`);

interface Instance {
  readonly app: TenantsApp;
  readonly url: string;
  readonly logs: string[];
}

describe.skipIf(!available)('tenant domains in PostgreSQL, two instances', () => {
  let postgres: PostgresServer;
  let instances: Instance[] = [];
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    postgres = await startTemporaryPostgres({ logStatements: true });
    await migrate(postgres.url);
    instances = await Promise.all(['a', 'b'].map((name) => startInstance(name, postgres.url)));
    [a, b] = instances as [Instance, Instance];
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.app.close()));
    await postgres?.destroy();
  });

  it('allows a domain on both instances once it is added on one', async () => {
    // Refused first, and the refusal is cached for an hour: only the NOTIFY can change it.
    for (const instance of instances) expect(await grantOf(instance, SHOP)).toBeUndefined();
    expect(await admin(a, 'POST', { tenant: 'acme', origin: SHOP })).toBe(201);
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, SHOP)).toBe(SHOP);
    });
  });

  it('refuses a revoked domain on both instances within a second', async () => {
    await admin(a, 'POST', { tenant: 'acme', origin: BLOG });
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, BLOG)).toBe(BLOG);
    });
    // Both now hold the grant in their cache (for an hour): only the NOTIFY can revoke it.
    expect(await admin(b, 'DELETE', { origin: BLOG })).toBe(200);
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, BLOG)).toBeUndefined();
    }, 1_000);
  });

  it('hears a change made straight in SQL', async () => {
    await withClient(postgres.url, (client) =>
      client.query('insert into tenant_domains (origin, tenant) values ($1, $2)', [WIKI, 'acme']),
    );
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, WIKI)).toBe(WIKI);
    }, 1_000);
    await withClient(postgres.url, (client) =>
      client.query('delete from tenant_domains where origin = $1', [WIKI]),
    );
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, WIKI)).toBeUndefined();
    }, 1_000);
  });

  it('makes at most one query per distinct origin and instance for a burst of unknown origins', async () => {
    const origins = Array.from(
      { length: 100 },
      (_, index) => `https://made-up-${index}.evil.example`,
    );
    // Every origin four times on each instance, all at once.
    const burst = () =>
      Promise.all(
        instances.flatMap((instance) =>
          origins.flatMap((origin) => Array.from({ length: 4 }, () => grantOf(instance, origin))),
        ),
      );
    const before = countLookups(await postgres.readLog());
    const grants = await burst();
    expect(grants.every((grant) => grant === undefined)).toBe(true);
    const queries = countLookups(await postgres.readLog()) - before;
    expect(queries).toBeGreaterThan(0);
    expect(queries).toBeLessThanOrEqual(origins.length * instances.length);

    // Refusals are cached: the same burst again costs no query at all.
    await burst();
    expect(countLookups(await postgres.readLog()) - before).toBe(queries);
  });

  it('gives no grant while the database is down, logs it once, stays up and recovers', async () => {
    await admin(a, 'POST', { tenant: 'acme', origin: SHOP });
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, SHOP)).toBe(SHOP);
    });
    const logged = instances.map((instance) => instance.logs.length);

    await postgres.stop();
    await eventually(async () => {
      for (const instance of instances) {
        const response = await fetch(`${instance.url}/api/whoami`, { headers: { origin: SHOP } });
        // No grant, not even from the cache: a lost LISTEN connection empties it.
        expect(response.status).toBe(503);
        expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
      }
    }, 5_000);
    // More requests, from known and unknown origins, while it is down.
    for (const instance of instances) {
      for (const origin of [SHOP, BLOG, 'https://other.example']) {
        expect(await grantOf(instance, origin, 503)).toBeUndefined();
      }
      // The app stays up: requests without an Origin are served.
      expect((await fetch(`${instance.url}/health`)).status).toBe(200);
    }
    instances.forEach((instance, index) => {
      const lines = instance.logs.slice(logged[index]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/database unavailable \(.+\); cross-origin requests get no grant/);
    });

    await postgres.start();
    // Lookups may succeed before LISTEN is back; the instance says it is back once both work.
    await eventually(async () => {
      for (const instance of instances) expect(instance.logs.at(-1)).toMatch(/database is back/);
    }, 10_000);
    instances.forEach((instance, index) => {
      expect(instance.logs.slice(logged[index])).toEqual([
        expect.stringMatching(/database unavailable/),
        expect.stringMatching(/database is back/),
      ]);
    });
    for (const instance of instances) expect(await grantOf(instance, SHOP)).toBe(SHOP);
    // LISTEN works again: a revocation reaches both.
    expect(await admin(b, 'DELETE', { origin: SHOP })).toBe(200);
    await eventually(async () => {
      for (const instance of instances) expect(await grantOf(instance, SHOP)).toBeUndefined();
    }, 1_000);
  });
});

async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const logs: string[] = [];
  const app = createTenantsApp({
    name,
    databaseUrl,
    adminToken: TOKEN,
    log: (line) => logs.push(line),
    // Long enough that only LISTEN/NOTIFY can explain a change seen during the test.
    ttl: 60 * 60_000,
    negativeTtl: 60 * 60_000,
    reconnectDelay: 100,
  });
  await app.start();
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logs };
}

/** The `Access-Control-Allow-Origin` an instance answers `origin` with (`undefined`: none). */
async function grantOf(
  instance: Instance,
  origin: string,
  status = 200,
): Promise<string | undefined> {
  const response = await fetch(`${instance.url}/api/whoami`, { headers: { origin } });
  await response.arrayBuffer();
  expect(response.status).toBe(status);
  return response.headers.get('access-control-allow-origin') ?? undefined;
}

async function admin(instance: Instance, method: string, body: unknown): Promise<number> {
  const response = await fetch(`${instance.url}/admin/tenant-domains`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Every `access-control-*` and `vary` header of a response, names lowercased. */
function pickCorsHeaders(headers: Headers): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith('access-control-') || name === 'vary') picked[name] = value;
  }
  return picked;
}

/** Lookups in the server log (`log_statement = all` logs each one once). */
function countLookups(log: string): number {
  return log.split(LOOKUP_SQL).length - 1;
}

/**
 * Retries `check` until it passes or `within` ms have passed (the bound for a change
 * to reach every instance is one second), then fails with its last error.
 */
async function eventually(check: () => Promise<void>, within = 1_000): Promise<void> {
  const deadline = Date.now() + within;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
