import { CorsConfigError, describeValue, type CorsConfigIssue } from './config-error.js';
import { parseRequestOrigin } from './origin/parse.js';

/**
 * Marks a `cachedOrigins` function: it refuses anything but one well-formed serialized origin
 * itself (with the core's parser, on a miss), so the core need not parse the origin first.
 */
export const CHECKS_ORIGIN: unique symbol = Symbol('cors.checksOrigin');

/** Asks the source of truth (a database, a service) whether an origin is allowed. */
export type OriginLookup = (origin: string) => boolean | Promise<boolean>;

/** Options of `cachedOrigins`. Times are in milliseconds. */
export interface CachedOriginsOptions {
  /** How long an allowed origin is remembered (milliseconds, a whole number > 0). */
  readonly ttl: number;
  /**
   * How long a refused origin is remembered (milliseconds, a whole number ≥ 0; 0 does not
   * remember refusals). Made-up origins then cost one lookup each per `negativeTtl`, not one
   * per request.
   * @default ttl
   */
  readonly negativeTtl?: number;
  /**
   * The most origins remembered at once; the least recently used is dropped first. Bounds the
   * memory whatever `Origin` headers arrive.
   */
  readonly max: number;
  /**
   * For this long after an entry expires (milliseconds), the expired answer is still given at
   * once while one lookup refreshes it in the background. If that lookup fails, the entry is
   * dropped, so the next request waits for a fresh answer.
   * @default 0 (an expired entry is looked up again before the answer)
   */
  readonly staleWhileRevalidate?: number;
  /**
   * The clock, in milliseconds (for tests).
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * An `origin` option backed by a cache: answers from the cache synchronously, and returns a
 * promise only when it has to ask `lookup`.
 */
export interface CachedOrigins {
  /** The `origin` option: `true` to grant. A boolean on a cache hit, a promise on a miss. */
  (origin: string, request?: unknown): boolean | Promise<boolean>;
  /**
   * Forgets one origin (exactly as the browser sends it, e.g. `https://shop.example.com`), or
   * every origin when called without one. A lookup already in flight for it is not reused,
   * and its answer is not stored.
   */
  invalidate(origin?: string): void;
  /** How many origins are remembered now (at most `max`). */
  readonly size: number;
}

interface Entry {
  readonly allowed: boolean;
  /** When the answer stops being fresh. */
  readonly expires: number;
  /** When it may no longer be given even while it is refreshed (`expires` + `staleWhileRevalidate`). */
  readonly staleUntil: number;
}

/**
 * Turns an async `lookup(origin)` (a database query, say) into an `origin` option with a
 * bounded LRU + TTL cache:
 *
 * - a cache hit is answered synchronously, so adapters stay on their synchronous path;
 * - one lookup per origin is in flight at a time, however many requests wait for it;
 * - refusals are remembered for `negativeTtl`, so made-up origins cannot cost a query each;
 * - a failed lookup is never remembered: its promise rejects, so the request gets no grant and
 *   the error goes to the framework's error handling (as for any failing `origin` function);
 * - only a well-formed serialized origin reaches `lookup` (`null` and anything malformed are
 *   refused without asking);
 * - at most `max` origins are remembered.
 *
 * Throws `CorsConfigError` for invalid options.
 *
 * @example
 * const origin = cachedOrigins(
 *   async (origin) => (await db.query('select 1 from tenant_domains where origin = $1', [origin])).rowCount > 0,
 *   { ttl: 60_000, negativeTtl: 10_000, max: 10_000 },
 * );
 * app.use(cors({ origin, credentials: true }));
 * // when a domain is revoked: origin.invalidate('https://shop.example.com')
 */
export function cachedOrigins(lookup: OriginLookup, options: CachedOriginsOptions): CachedOrigins {
  const settings = checkOptions(lookup, options);
  const { ttl, negativeTtl, max, staleWhileRevalidate, now } = settings;
  // A Map keeps insertion order: the first key is the least recently used.
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<boolean>>();
  // The most recently used key: hitting it again needs no reordering.
  let newest: string | undefined;

  const remember = (origin: string, allowed: boolean): void => {
    const lifetime = allowed ? ttl : negativeTtl;
    entries.delete(origin);
    if (lifetime === 0) return;
    const expires = now() + lifetime;
    entries.set(origin, { allowed, expires, staleUntil: expires + staleWhileRevalidate });
    newest = origin;
    if (entries.size > max) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  };

  const ask = (origin: string): Promise<boolean> => {
    const pending = inFlight.get(origin);
    if (pending !== undefined) return pending;
    let answer: Promise<boolean>;
    try {
      answer = Promise.resolve(lookup(origin)).then((allowed) => allowed === true);
    } catch (error) {
      answer = Promise.reject(error);
    }
    const settled = answer.then(
      (allowed) => {
        // Invalidated while in flight: the answer may predate the change, so it is not stored.
        if (inFlight.get(origin) === settled) {
          inFlight.delete(origin);
          remember(origin, allowed);
        }
        return allowed;
      },
      (error: unknown) => {
        // Never remembered: the next request asks again.
        if (inFlight.get(origin) === settled) inFlight.delete(origin);
        entries.delete(origin);
        throw error;
      },
    );
    inFlight.set(origin, settled);
    return settled;
  };

  const origin = ((requestOrigin: string): boolean | Promise<boolean> => {
    const entry = entries.get(requestOrigin);
    if (entry !== undefined) {
      const time = now();
      if (time < entry.expires) {
        if (newest !== requestOrigin) {
          entries.delete(requestOrigin);
          entries.set(requestOrigin, entry);
          newest = requestOrigin;
        }
        return entry.allowed;
      }
      if (time < entry.staleUntil) {
        // Stale while revalidating: answered now; a failed refresh drops the entry.
        ask(requestOrigin).catch(() => undefined);
        return entry.allowed;
      }
      entries.delete(requestOrigin);
    }
    // Only one well-formed serialized origin is worth a lookup; `null` never is.
    if (typeof requestOrigin !== 'string' || parseRequestOrigin(requestOrigin) === undefined) {
      return false;
    }
    return ask(requestOrigin);
  }) as CachedOrigins;

  Object.defineProperties(origin, {
    invalidate: {
      value: (which?: string): void => {
        if (which === undefined) {
          entries.clear();
          inFlight.clear();
          newest = undefined;
        } else {
          entries.delete(which);
          inFlight.delete(which);
          if (newest === which) newest = undefined;
        }
      },
    },
    size: { get: () => entries.size },
    [CHECKS_ORIGIN]: { value: true },
  });
  return origin;
}

interface Settings {
  readonly ttl: number;
  readonly negativeTtl: number;
  readonly max: number;
  readonly staleWhileRevalidate: number;
  readonly now: () => number;
}

const OPTION_NAMES = ['ttl', 'negativeTtl', 'max', 'staleWhileRevalidate', 'now'];

function checkOptions(lookup: unknown, options: unknown): Settings {
  const issues: CorsConfigIssue[] = [];
  if (typeof lookup !== 'function') {
    issues.push({
      option: 'cachedOrigins(lookup)',
      value: lookup,
      message: `${describeValue(lookup)} is not a function`,
      hint: 'pass (origin) => boolean | Promise<boolean>',
    });
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    issues.push({
      option: 'cachedOrigins(options)',
      value: options,
      message: `${describeValue(options)} is not an options object`,
      hint: 'e.g. { ttl: 60_000, negativeTtl: 10_000, max: 10_000 }',
    });
    throw new CorsConfigError(issues);
  }
  const input = options as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (OPTION_NAMES.includes(key)) continue;
    issues.push({
      option: key,
      value: input[key],
      message: `${JSON.stringify(key)} is not a cachedOrigins option`,
      hint: `the options are ${OPTION_NAMES.join(', ')}`,
    });
  }
  const whole = (name: string, value: unknown, minimum: number, example: string): number => {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return value;
    issues.push({
      option: name,
      value,
      message: `${describeValue(value)} is not a whole number ${minimum === 0 ? '≥ 0' : '> 0'}`,
      hint: `e.g. ${name}: ${example}`,
    });
    return minimum;
  };
  const ttl = whole('ttl', input.ttl, 1, '60_000 (milliseconds)');
  const negativeTtl =
    input.negativeTtl === undefined
      ? ttl
      : whole('negativeTtl', input.negativeTtl, 0, '10_000 (milliseconds)');
  const max = whole('max', input.max, 1, '10_000 (origins)');
  const staleWhileRevalidate =
    input.staleWhileRevalidate === undefined
      ? 0
      : whole('staleWhileRevalidate', input.staleWhileRevalidate, 0, '30_000 (milliseconds)');
  const now = input.now ?? Date.now;
  if (typeof now !== 'function') {
    issues.push({ option: 'now', value: now, message: `${describeValue(now)} is not a function` });
  }
  if (issues.length > 0) throw new CorsConfigError(issues);
  return { ttl, negativeTtl, max, staleWhileRevalidate, now: now as () => number };
}
