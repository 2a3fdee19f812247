import { cors } from '@cors/node';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tenantOrigins, type TenantOriginsOptions } from './tenant-origins.js';

export interface TenantsAppOptions extends TenantOriginsOptions {
  /** This instance's name, answered by `GET /api/whoami`. */
  readonly name: string;
  /** The bearer token of the admin endpoint. */
  readonly adminToken: string;
}

export interface TenantsApp {
  readonly server: Server;
  /** Opens the LISTEN connection. Call before `server.listen()`. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One instance: an API that tenants' front ends call cross-origin, with credentials, and an
 * admin endpoint that adds and revokes tenant domains. Run as many as you like against one
 * database: each keeps its own cache, and every one hears every change.
 */
export function createTenantsApp(options: TenantsAppOptions): TenantsApp {
  const tenants = tenantOrigins(options);
  const handleCors = cors({
    origin: tenants.origin,
    credentials: true,
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: 600,
  });

  const server = createServer(async (req, res) => {
    try {
      if (await handleCors(req, res)) return;
    } catch {
      // The lookup failed (the database is down): no grant. The one log line comes from
      // tenant-origins; here the browser gets a 503 it will report as a CORS failure.
      return send(res, 503, { error: 'allowed origins are unavailable, try again shortly' });
    }
    try {
      await route(req, res);
    } catch (error) {
      options.log(`${options.name}: ${req.method} ${req.url} failed: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    }
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return send(res, 200, { ok: true });
    if (url.pathname === '/api/whoami' && req.method === 'GET') {
      return send(res, 200, { instance: options.name });
    }
    if (url.pathname === '/admin/tenant-domains') {
      if (req.headers.authorization !== `Bearer ${options.adminToken}`) {
        return send(res, 401, { error: 'admin token required' });
      }
      return admin(req, res);
    }
    send(res, 404, { error: 'not found' });
  }

  async function admin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') {
      const { rows } = await tenants.pool.query(
        'select tenant, origin from tenant_domains order by tenant, origin',
      );
      return send(res, 200, rows);
    }
    const body = (await readJson(req)) as { tenant?: unknown; origin?: unknown } | undefined;
    const origin = typeof body?.origin === 'string' ? toOrigin(body.origin) : undefined;
    if (origin === undefined) {
      return send(res, 400, {
        error: 'origin must be scheme://host[:port], e.g. https://shop.example.com',
      });
    }
    if (req.method === 'POST') {
      if (typeof body?.tenant !== 'string' || body.tenant === '') {
        return send(res, 400, { error: 'tenant is required' });
      }
      // The trigger announces the change; every instance drops the origin from its cache.
      await tenants.pool.query(
        'insert into tenant_domains (origin, tenant) values ($1, $2) on conflict (origin) do update set tenant = excluded.tenant',
        [origin, body.tenant],
      );
      return send(res, 201, { origin, tenant: body.tenant });
    }
    if (req.method === 'DELETE') {
      const { rowCount } = await tenants.pool.query(
        'delete from tenant_domains where origin = $1',
        [origin],
      );
      return send(res, rowCount ? 200 : 404, { origin, revoked: Boolean(rowCount) });
    }
    send(res, 405, { error: 'use GET, POST or DELETE' });
  }

  return {
    server,
    start: () => tenants.start(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await tenants.close();
    },
  };
}

/**
 * The origin as browsers send it (lowercase, punycode, no default port), or `undefined` for
 * anything with a path, a query, credentials or no host.
 */
function toOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const bare = `${url.protocol}//${url.host}`;
  if (url.origin === 'null' || url.username || url.password) return undefined;
  if (url.pathname !== '/' || url.search || url.hash || !/^[^/]+:\/\/[^/]+\/?$/.test(value)) {
    return undefined;
  }
  return bare;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
