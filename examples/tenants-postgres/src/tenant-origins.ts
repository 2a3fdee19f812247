/**
 * The allowed origins are the rows of `tenant_domains`, looked up through `cachedOrigins`, and
 * forgotten as soon as PostgreSQL announces a change on `tenant_domains_changed`.
 */
import { cachedOrigins, type CachedOrigins } from '@cors/node';
import pg from 'pg';

/** The channel the migration's trigger notifies; the payload is the origin that changed. */
export const CHANNEL = 'tenant_domains_changed';

/** The query each cache miss makes (the integration test counts it in the server log). */
export const LOOKUP_SQL =
  'select exists (select 1 from tenant_domains where origin = $1) as allowed';

export interface TenantOriginsOptions {
  readonly databaseUrl: string;
  /** One line per change of database availability (never one per request). */
  readonly log: (line: string) => void;
  /** How long an allowed origin is cached, in ms. @default 5 minutes */
  readonly ttl?: number;
  /** How long a refused origin is cached, in ms. @default 1 minute */
  readonly negativeTtl?: number;
  /** How many origins are cached at most. @default 10,000 */
  readonly max?: number;
  /** Delay before the LISTEN connection is opened again after it was lost, in ms. @default 500 */
  readonly reconnectDelay?: number;
}

export interface TenantOrigins {
  /** The `origin` option for `cors()`. */
  readonly origin: CachedOrigins;
  /** The pool the lookups (and the admin endpoint) use. */
  readonly pool: pg.Pool;
  /** Opens the LISTEN connection; resolves once it listens, or once the first attempt failed. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function tenantOrigins(options: TenantOriginsOptions): TenantOrigins {
  const { databaseUrl, log } = options;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    connectionTimeoutMillis: 2_000,
  });

  // Availability is logged once per change, not once per failing request.
  let queriesFailing = false;
  let listening = false;
  let available = true;
  const update = (reason?: string): void => {
    const now = listening && !queriesFailing;
    if (now === available) return;
    available = now;
    log(
      now
        ? 'tenant-origins: database is back; allowed origins are looked up again'
        : `tenant-origins: database unavailable (${reason ?? 'unknown error'}); cross-origin requests get no grant until it is back`,
    );
  };

  // Idle pool clients fail when the server goes away; without a listener that would crash.
  pool.on('error', (error) => {
    queriesFailing = true;
    update(error.message);
  });

  const origin = cachedOrigins(
    async (requested) => {
      try {
        const result = await pool.query<{ allowed: boolean }>(LOOKUP_SQL, [requested]);
        queriesFailing = false;
        update();
        return result.rows[0]?.allowed === true;
      } catch (error) {
        queriesFailing = true;
        update(error instanceof Error ? error.message : String(error));
        // Rejecting gives no grant; the app answers 503 (see app.ts). Never cached.
        throw new Error('tenant_domains lookup failed', { cause: error });
      }
    },
    {
      ttl: options.ttl ?? 5 * 60_000,
      negativeTtl: options.negativeTtl ?? 60_000,
      max: options.max ?? 10_000,
    },
  );

  let client: pg.Client | undefined;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL) return;
      // An empty payload (TRUNCATE) means every origin.
      if (message.payload) origin.invalidate(message.payload);
      else origin.invalidate();
    });
    const lost = (error?: Error): void => {
      if (client !== next) return;
      client = undefined;
      listening = false;
      // Changes made while nobody listens would be missed: forget everything.
      origin.invalidate();
      update(error?.message ?? 'LISTEN connection closed');
      scheduleReconnect();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`listen ${CHANNEL}`);
    } catch (error) {
      next.removeAllListeners();
      next.on('error', () => undefined);
      await next.end().catch(() => undefined);
      update(error instanceof Error ? error.message : String(error));
      scheduleReconnect();
      return;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    listening = true;
    // It just answered a query: the database is reachable again.
    queriesFailing = false;
    // Whatever changed before LISTEN took effect was not heard: start from an empty cache.
    origin.invalidate();
    update();
  };

  const scheduleReconnect = (): void => {
    if (closed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, options.reconnectDelay ?? 500);
  };

  return {
    origin,
    pool,
    start: connect,
    async close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
