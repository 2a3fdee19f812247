import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CorsConfigIssue } from '../config-error.js';
import { compileOrigins, matchOrigin, PATTERN_INDEX_THRESHOLD } from './matcher.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);

function compile(option: readonly string[]) {
  const issues: CorsConfigIssue[] = [];
  const matcher = compileOrigins(option, issues);
  expect(issues).toEqual([]);
  return matcher;
}

// Small alphabets, so that generated origins often fall under generated patterns.
const scheme = fc.constantFrom('http', 'https');
const label = fc.constantFrom('a', 'b', 'x-1', 'shop', 'example', 'test');
const host = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
const port = fc.constantFrom('', ':3000', ':8080', ':80', ':443', ':*');
const pattern = fc
  .tuple(scheme, fc.boolean(), host, port)
  .map(([s, wildcard, h, p]) => `${s}://${wildcard ? '*.' : ''}${h}${p}`)
  .filter((value) => value.includes('*'));
const requestOrigin = fc.oneof(
  fc
    .tuple(
      scheme,
      fc.array(label, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('', ':3000', ':8080', ':65535', ':70000', ':80'),
    )
    .map(([s, labels, p]) => `${s}://${labels.join('.')}${p}`),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('null', 'https://A.example.test', 'https://a.example.test.', 'http://[::1]:3000'),
);

describe('patterns indexed by host', () => {
  it(`answers exactly as the patterns tested one by one (more than ${PATTERN_INDEX_THRESHOLD} patterns)`, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(pattern, { minLength: PATTERN_INDEX_THRESHOLD + 1, maxLength: 60 }),
        fc.array(requestOrigin, { minLength: 1, maxLength: 20 }),
        (patterns, origins) => {
          const indexed = compile(patterns);
          expect(indexed.patternIndex).toBeDefined();
          // The same patterns, each compiled into a matcher small enough to test one by one.
          const oneByOne = patterns.map((entry) => compile([entry]));
          for (const origin of origins) {
            const expected = oneByOne.some((matcher) => matchOrigin(matcher, origin, undefined));
            expect(matchOrigin(indexed, origin, undefined)).toBe(expected);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('finds the one matching pattern among 100,000', () => {
    const patterns = Array.from({ length: 100_000 }, (_, i) => `https://*.tenant-${i}.example.com`);
    const matcher = compile(patterns);
    expect(matcher.patterns).toEqual([]);
    expect(matchOrigin(matcher, 'https://app.tenant-99999.example.com', undefined)).toBe(true);
    expect(matchOrigin(matcher, 'https://tenant-99999.example.com', undefined)).toBe(false);
    expect(matchOrigin(matcher, 'https://app.tenant-100000.example.com', undefined)).toBe(false);
  });

  it(`tests up to ${PATTERN_INDEX_THRESHOLD} patterns one by one, without an index`, () => {
    const patterns = Array.from(
      { length: PATTERN_INDEX_THRESHOLD },
      (_, i) => `https://*.tenant-${i}.example.com`,
    );
    const matcher = compile(patterns);
    expect(matcher.patternIndex).toBeUndefined();
    expect(matcher.patterns).toHaveLength(PATTERN_INDEX_THRESHOLD);
  });
});

describe('originTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects, naming the option, when an origin function never settles', async () => {
    const matcher = compileOrigins(() => new Promise<boolean>(() => undefined), [], {
      allowedSuffixes: new Set(),
      originTimeout: 1000,
    });
    const pending = matchOrigin(matcher, 'https://app.example.com', undefined) as Promise<boolean>;
    const outcome = pending.then(
      () => 'settled',
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe(
      'cors: the origin function did not settle within 1000 ms (originTimeout); nothing was granted',
    );
  });

  it.each([
    ['resolves', () => Promise.resolve(true), true],
    ['rejects', () => Promise.reject(new Error('store down')), 'store down'],
  ])('clears its timer when the origin function %s', async (_how, origin, expected) => {
    const matcher = compileOrigins(origin, [], { allowedSuffixes: new Set(), originTimeout: 1000 });
    const outcome = (
      matchOrigin(matcher, 'https://app.example.com', undefined) as Promise<boolean>
    ).then(
      (allowed) => allowed,
      (error: Error) => error.message,
    );
    expect(await outcome).toBe(expected);
    expect(vi.getTimerCount()).toBe(0);
  });
});
