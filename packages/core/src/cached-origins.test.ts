import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { cachedOrigins, type CachedOriginsOptions } from './cached-origins.js';
import { CorsConfigError } from './config-error.js';
import { isPromiseLike } from './origin/matcher.js';
import { createCorsPolicy } from './reconfigurable-policy.js';

const SHOP = 'https://shop.example.com';
const OTHER = 'https://other.example.com';

/** A lookup that records its calls and answers from a set it can change, with a fake clock. */
function harness(options: Partial<CachedOriginsOptions> = {}, allowed = new Set([SHOP])) {
  const clock = { time: 1_000 };
  const calls: string[] = [];
  const origin = cachedOrigins(
    (requested) => {
      calls.push(requested);
      return Promise.resolve(allowed.has(requested));
    },
    { ttl: 1_000, negativeTtl: 100, max: 100, now: () => clock.time, ...options },
  );
  return { origin, calls, clock, allowed };
}

describe('cachedOrigins', () => {
  it('answers a cache hit synchronously, with a boolean', async () => {
    const { origin, calls } = harness();
    const first = origin(SHOP);
    expect(isPromiseLike(first)).toBe(true);
    expect(await first).toBe(true);
    expect(origin(SHOP)).toBe(true);
    expect(calls).toEqual([SHOP]);
  });

  it('keeps the decision of a policy synchronous on a hit', async () => {
    const { origin } = harness();
    const policy = createCorsPolicy({ origin, credentials: true });
    const request = { method: 'GET', origin: SHOP };
    const miss = policy.evaluate(request);
    expect(isPromiseLike(miss)).toBe(true);
    await miss;
    const hit = policy.evaluate(request);
    expect(isPromiseLike(hit)).toBe(false);
    expect(hit).toMatchObject({ allowed: true, headers: { 'Access-Control-Allow-Origin': SHOP } });
  });

  it('makes one lookup for many requests waiting on the same origin', async () => {
    const { origin, calls } = harness();
    const answers = await Promise.all(Array.from({ length: 50 }, () => origin(SHOP)));
    expect(answers.every((answer) => answer === true)).toBe(true);
    expect(calls).toEqual([SHOP]);
  });

  it('remembers refusals for negativeTtl and grants for ttl', async () => {
    const { origin, calls, clock } = harness({ ttl: 1_000, negativeTtl: 100 });
    expect(await origin(SHOP)).toBe(true);
    expect(await origin(OTHER)).toBe(false);
    expect(origin(OTHER)).toBe(false);
    clock.time += 100;
    // The refusal has expired, the grant has not.
    expect(origin(SHOP)).toBe(true);
    expect(await origin(OTHER)).toBe(false);
    expect(calls).toEqual([SHOP, OTHER, OTHER]);
    clock.time += 1_000;
    expect(await origin(SHOP)).toBe(true);
    expect(calls).toEqual([SHOP, OTHER, OTHER, SHOP]);
  });

  it('does not remember refusals with negativeTtl: 0', async () => {
    const { origin, calls } = harness({ negativeTtl: 0 });
    expect(await origin(OTHER)).toBe(false);
    expect(await origin(OTHER)).toBe(false);
    expect(calls).toEqual([OTHER, OTHER]);
  });

  const failures: { name: string; lookup: () => boolean | Promise<boolean> }[] = [
    { name: 'rejects', lookup: () => Promise.reject(new Error('database down')) },
    {
      name: 'throws',
      lookup: () => {
        throw new Error('database down');
      },
    },
  ];
  it.each(failures)('rejects when the lookup $name, and never remembers it', async ({ lookup }) => {
    let calls = 0;
    let failing = true;
    const origin = cachedOrigins(
      (requested) => {
        calls += 1;
        return failing ? lookup() : requested === SHOP;
      },
      { ttl: 1_000, max: 10 },
    );
    await expect(origin(SHOP)).rejects.toThrow('database down');
    await expect(origin(SHOP)).rejects.toThrow('database down');
    failing = false;
    expect(await origin(SHOP)).toBe(true);
    expect(calls).toBe(3);
  });

  it('gives no grant through a policy when the lookup fails: the evaluation rejects', async () => {
    const origin = cachedOrigins(() => Promise.reject(new Error('database down')), {
      ttl: 1_000,
      max: 10,
    });
    const policy = createCorsPolicy({ origin });
    await expect(policy.evaluate({ method: 'GET', origin: SHOP })).rejects.toThrow('database down');
  });

  it('grants only for a literal true', async () => {
    const origin = cachedOrigins(() => 'yes' as unknown as boolean, { ttl: 1_000, max: 10 });
    expect(await origin(SHOP)).toBe(false);
  });

  it('forgets one origin or all of them on invalidate', async () => {
    const { origin, calls, allowed } = harness();
    await origin(SHOP);
    await origin(OTHER);
    allowed.delete(SHOP);
    allowed.add(OTHER);
    origin.invalidate(SHOP);
    expect(await origin(SHOP)).toBe(false);
    expect(origin(OTHER)).toBe(false);
    origin.invalidate();
    expect(origin.size).toBe(0);
    expect(await origin(OTHER)).toBe(true);
    expect(calls).toEqual([SHOP, OTHER, SHOP, OTHER]);
  });

  it('does not store the answer of a lookup that was in flight when the origin was invalidated', async () => {
    let release: (allowed: boolean) => void = () => undefined;
    const calls: string[] = [];
    const origin = cachedOrigins(
      (requested) => {
        calls.push(requested);
        return new Promise<boolean>((resolve) => (release = resolve));
      },
      { ttl: 1_000, max: 10 },
    );
    const before = origin(SHOP);
    origin.invalidate(SHOP);
    // A request after the invalidation does not wait on the older lookup.
    const after = origin(SHOP);
    expect(calls).toEqual([SHOP, SHOP]);
    release(false);
    expect(await after).toBe(false);
    expect(origin.size).toBe(1);
    void before;
  });

  describe('staleWhileRevalidate', () => {
    it('answers an expired entry at once while one lookup refreshes it', async () => {
      const { origin, calls, clock, allowed } = harness({ ttl: 1_000, staleWhileRevalidate: 500 });
      await origin(SHOP);
      allowed.delete(SHOP);
      clock.time += 1_200;
      expect(origin(SHOP)).toBe(true);
      expect(origin(SHOP)).toBe(true);
      expect(calls).toEqual([SHOP, SHOP]);
      await flush();
      expect(origin(SHOP)).toBe(false);
    });

    it('drops the entry when the refresh fails, so the next request waits for an answer', async () => {
      let failing = false;
      const clock = { time: 0 };
      const origin = cachedOrigins(
        () => (failing ? Promise.reject(new Error('database down')) : true),
        { ttl: 1_000, staleWhileRevalidate: 500, max: 10, now: () => clock.time },
      );
      await origin(SHOP);
      failing = true;
      clock.time = 1_100;
      expect(origin(SHOP)).toBe(true);
      await flush();
      await expect(origin(SHOP)).rejects.toThrow('database down');
    });

    it('asks again before answering once the stale window is over', async () => {
      const { origin, clock } = harness({ ttl: 1_000, staleWhileRevalidate: 500 });
      await origin(SHOP);
      clock.time += 1_500;
      expect(isPromiseLike(origin(SHOP))).toBe(true);
    });
  });

  const hostileOrigins = [
    'null',
    '',
    'https://shop.example.com/',
    'https://shop.example.com, https://other.example.com',
    'HTTPS://SHOP.EXAMPLE.COM',
    'https://shop.example.com:443',
    ' https://shop.example.com',
    'https://user@shop.example.com',
    `https://${'a'.repeat(8 * 1024)}.example.com`,
    'javascript:alert(1)',
  ];
  it.each(hostileOrigins)('refuses %j without a lookup', (hostile) => {
    const { origin, calls } = harness();
    expect(origin(hostile)).toBe(false);
    expect(calls).toEqual([]);
  });

  it.each(hostileOrigins)(
    'refuses %j through a policy, without a lookup and without throwing',
    (hostile) => {
      const { origin, calls } = harness();
      const policy = createCorsPolicy({ origin, credentials: true });
      for (const method of ['GET', 'OPTIONS']) {
        const decision = policy.evaluate({ method, origin: hostile, requestMethod: 'PUT' });
        expect(isPromiseLike(decision)).toBe(false);
        expect(decision).toMatchObject({ allowed: false, headers: {} });
      }
      expect(calls).toEqual([]);
    },
  );

  it('drops the least recently used origin beyond max', async () => {
    const a = 'https://a.example.com';
    const b = 'https://b.example.com';
    const c = 'https://c.example.com';
    const { origin, calls } = harness({ max: 2 }, new Set([a, b, c]));
    await origin(a);
    await origin(b);
    expect(origin(a)).toBe(true); // a is now the most recently used
    await origin(c); // drops b
    expect(origin.size).toBe(2);
    expect(origin(a)).toBe(true);
    expect(origin(c)).toBe(true);
    expect(isPromiseLike(origin(b))).toBe(true);
    expect(calls).toEqual([a, b, c, b]);
  });

  const badOptions: { name: string; options: unknown; option: string }[] = [
    { name: 'no ttl', options: { max: 10 }, option: 'ttl' },
    { name: 'a zero ttl', options: { ttl: 0, max: 10 }, option: 'ttl' },
    { name: 'a fractional ttl', options: { ttl: 1.5, max: 10 }, option: 'ttl' },
    { name: 'no max', options: { ttl: 1_000 }, option: 'max' },
    { name: 'an infinite max', options: { ttl: 1_000, max: Infinity }, option: 'max' },
    {
      name: 'a negative negativeTtl',
      options: { ttl: 1, max: 1, negativeTtl: -1 },
      option: 'negativeTtl',
    },
    {
      name: 'a string staleWhileRevalidate',
      options: { ttl: 1, max: 1, staleWhileRevalidate: '1s' },
      option: 'staleWhileRevalidate',
    },
    { name: 'an unknown option', options: { ttl: 1, max: 1, maxAge: 5 }, option: 'maxAge' },
    { name: 'no options', options: undefined, option: 'cachedOrigins(options)' },
  ];
  it.each(badOptions)('throws CorsConfigError naming $option for $name', ({ options, option }) => {
    let error: unknown;
    try {
      cachedOrigins(() => true, options as CachedOriginsOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    const issue = (error as CorsConfigError).issues.find((entry) => entry.option === option);
    expect(issue).toBeDefined();
    expect(issue?.hint).toBeTruthy();
  });

  it('throws CorsConfigError when the lookup is not a function', () => {
    expect(() => cachedOrigins('select' as never, { ttl: 1, max: 1 })).toThrow(
      /cachedOrigins\(lookup\): "select" is not a function/,
    );
  });
});

describe('memory under 100,000 distinct hostile origins', () => {
  const COUNT = 100_000;
  const MAX = 1_000;
  // An unbounded cache of 100,000 entries keeps well over 10 MB (checked below with a plain
  // Map); the bounded one keeps 1,000 entries, a few hundred KB.
  const LIMIT = 4 * 1024 * 1024;

  it('stays bounded by max', async () => {
    const gc = exposeGc();
    const origin = cachedOrigins(() => Promise.resolve(false), {
      ttl: 60_000,
      negativeTtl: 60_000,
      max: MAX,
    });
    const before = heapAfterGc(gc);
    for (let index = 0; index < COUNT; index += 1) {
      // Made-up but well-formed origins: each one is looked up and its refusal remembered.
      await origin(`https://attacker-${index}-${'x'.repeat(40)}.example.com`);
    }
    const growth = heapAfterGc(gc) - before;
    expect(origin.size).toBe(MAX);
    expect(growth).toBeLessThan(LIMIT);

    // The measure can tell: the same entries kept without a bound exceed the limit.
    const unbounded = new Map<string, { allowed: boolean; expires: number; staleUntil: number }>();
    const control = heapAfterGc(gc);
    for (let index = 0; index < COUNT; index += 1) {
      unbounded.set(`https://attacker-${index}-${'x'.repeat(40)}.example.com`, {
        allowed: false,
        expires: index,
        staleUntil: index,
      });
    }
    expect(heapAfterGc(gc) - control).toBeGreaterThan(LIMIT);
    expect(unbounded.size).toBe(COUNT);
  });
});

function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `gc()`, exposed at run time (vitest's workers start without `--expose-gc`). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
