import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedOrigins } from './cached-origins.js';
import type { CorsDecision } from './decision.js';
import type { CorsOptions } from './options.js';
import { isPromiseLike } from './origin/matcher.js';
import { createCorsPolicy } from './reconfigurable-policy.js';
import type { UpgradeRequest } from './upgrade.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const ALLOWED: CorsDecision = {
  kind: 'upgrade',
  allowed: true,
  headers: {},
  vary: [],
  action: 'continue',
};
const refused = (reason: CorsDecision['reason'], detail: string): CorsDecision => ({
  kind: 'upgrade',
  allowed: false,
  headers: {},
  vary: [],
  action: 'respond',
  status: 403,
  reason,
  detail,
});

function check(options: CorsOptions, request: UpgradeRequest): CorsDecision {
  const decision = createCorsPolicy(options).checkUpgrade(request);
  if (isPromiseLike(decision)) throw new Error('expected a synchronous decision');
  return decision;
}

describe('checkUpgrade', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each<[string, CorsOptions, UpgradeRequest, CorsDecision]>([
    ['an allowed origin', { origin: [APP] }, { origin: APP }, ALLOWED],
    [
      'an origin matched by a pattern',
      { origin: 'https://*.example.com' },
      { origin: APP },
      ALLOWED,
    ],
    [
      'an origin matched by a RegExp',
      { origin: /https:\/\/[a-z]+\.example\.com/ },
      { origin: APP },
      ALLOWED,
    ],
    ['any origin under a * policy', { origin: '*' }, { origin: EVIL }, ALLOWED],
    ["'null' under a * policy", {}, { origin: 'null' }, ALLOWED],
    ["'null' when listed", { origin: ['null'] }, { origin: 'null' }, ALLOWED],
    ['a refused origin', { origin: [APP] }, { origin: EVIL }, refused('origin-not-allowed', EVIL)],
    [
      "'null' when not listed",
      { origin: [APP] },
      { origin: 'null' },
      refused('origin-not-allowed', 'null'),
    ],
    [
      'several origins in one header',
      { origin: [APP] },
      { origin: `${APP}, ${EVIL}` },
      refused('origin-malformed', `${APP}, ${EVIL}`),
    ],
    [
      'an origin with a path',
      { origin: [APP] },
      { origin: `${APP}/chat` },
      refused('origin-malformed', `${APP}/chat`),
    ],
    [
      'a look-alike of a pattern',
      { origin: 'https://*.example.com' },
      { origin: 'https://app.example.com.evil.net' },
      refused('origin-not-allowed', 'https://app.example.com.evil.net'),
    ],
    ['no Origin (a non-browser client), by default', { origin: [APP] }, {}, ALLOWED],
    ['a null Origin value, by default', { origin: [APP] }, { origin: null }, ALLOWED],
    [
      "no Origin with upgradeWithoutOrigin: 'refuse'",
      { origin: [APP], upgradeWithoutOrigin: 'refuse' },
      {},
      refused('origin-missing', 'no Origin header'),
    ],
    [
      "no Origin with upgradeWithoutOrigin: 'refuse', even under a * policy",
      { upgradeWithoutOrigin: 'refuse' },
      { origin: undefined },
      refused('origin-missing', 'no Origin header'),
    ],
    [
      "an allowed origin with upgradeWithoutOrigin: 'refuse'",
      { origin: [APP], upgradeWithoutOrigin: 'refuse' },
      { origin: APP },
      ALLOWED,
    ],
  ])('decides %s', (_name, options, request, expected) => {
    expect(check(options, request)).toEqual(expected);
  });

  it('never echoes an 8 KB Origin whole, and refuses it', () => {
    const origin = `https://${'a'.repeat(8192)}.example.com`;
    const decision = check({ origin: 'https://*.example.com' }, { origin });
    expect(decision.allowed).toBe(false);
    expect(decision.detail?.length).toBeLessThanOrEqual(201);
  });

  it('asks an async origin function, with the framework request', async () => {
    const origin = vi.fn(
      async (value: string, request: string) => value === APP && request === 'req',
    );
    const policy = createCorsPolicy<string>({ origin });
    await expect(policy.checkUpgrade({ origin: APP, request: 'req' })).resolves.toEqual(ALLOWED);
    await expect(policy.checkUpgrade({ origin: EVIL, request: 'req' })).resolves.toEqual(
      refused('origin-not-allowed', EVIL),
    );
    expect(origin).toHaveBeenCalledTimes(2);
  });

  it('rejects when the origin function rejects (the adapter refuses the handshake)', async () => {
    const policy = createCorsPolicy({ origin: () => Promise.reject(new Error('db down')) });
    await expect(policy.checkUpgrade({ origin: APP })).rejects.toThrow('db down');
  });

  it('rejects when the origin function outlives originTimeout', async () => {
    const policy = createCorsPolicy({
      origin: () => new Promise<boolean>(() => undefined),
      originTimeout: 20,
    });
    await expect(policy.checkUpgrade({ origin: APP })).rejects.toThrow(/originTimeout/);
  });

  it('answers from cachedOrigins synchronously on a hit', async () => {
    const lookup = vi.fn(async (origin: string) => origin === APP);
    const policy = createCorsPolicy({ origin: cachedOrigins(lookup, { ttl: 60_000, max: 10 }) });
    await policy.checkUpgrade({ origin: APP });
    expect(policy.checkUpgrade({ origin: APP })).toEqual(ALLOWED);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('follows a reconfiguration', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    expect(policy.checkUpgrade({ origin: EVIL })).toMatchObject({ allowed: false });
    policy.reconfigure({ origin: [APP, EVIL] });
    expect(policy.checkUpgrade({ origin: EVIL })).toEqual(ALLOWED);
  });

  it('reports every handshake to onDecision with the request, and each refusal to debug', () => {
    const seen: [CorsDecision, unknown][] = [];
    const lines: string[] = [];
    const policy = createCorsPolicy<string>({
      origin: [APP],
      onDecision: (decision, request) => seen.push([decision, request]),
      debug: (line) => lines.push(line),
    });
    policy.checkUpgrade({ origin: APP, request: 'a' });
    policy.checkUpgrade({ origin: EVIL, request: 'b' });
    expect(seen).toEqual([
      [ALLOWED, 'a'],
      [refused('origin-not-allowed', EVIL), 'b'],
    ]);
    expect(lines).toEqual([
      `cors: refused upgrade handshake: origin "${EVIL}" is not allowed; add it to the origin option`,
    ]);
  });

  it('explains a handshake refused for having no Origin', () => {
    const lines: string[] = [];
    createCorsPolicy({
      upgradeWithoutOrigin: 'refuse',
      debug: (line) => lines.push(line),
    }).checkUpgrade({});
    expect(lines).toEqual([
      "cors: refused upgrade handshake: it has no Origin header and upgradeWithoutOrigin is 'refuse' (browsers always send one; this is a non-browser client)",
    ]);
  });

  it.each([true, 'always', 1])(
    'refuses upgradeWithoutOrigin: %j at start-up, naming the fix',
    (value) => {
      expect(() =>
        createCorsPolicy({ upgradeWithoutOrigin: value } as unknown as CorsOptions),
      ).toThrow(
        expect.objectContaining({
          issues: [
            expect.objectContaining({
              option: 'upgradeWithoutOrigin',
              value,
              message: expect.stringContaining("is not 'allow' or 'refuse'") as string,
              hint: "upgradeWithoutOrigin: 'refuse' to require Origin on WebSocket handshakes",
            }),
          ],
        }),
      );
    },
  );

  it('lets every origin through in report-only mode, reporting what the policy would refuse', () => {
    const seen: CorsDecision[] = [];
    const policy = createCorsPolicy({
      origin: [APP],
      mode: 'report-only',
      onDecision: (decision) => seen.push(decision),
    });
    expect(policy.checkUpgrade({ origin: EVIL })).toEqual(ALLOWED);
    expect(policy.checkUpgrade({ origin: APP })).toEqual(ALLOWED);
    expect(seen.map((decision) => [decision.allowed, decision.report?.outcome])).toEqual([
      [true, 'would-refuse'],
      [true, undefined],
    ]);
  });

  it('answers from the enforced policy beside a report candidate, reporting the difference', () => {
    const seen: CorsDecision[] = [];
    const policy = createCorsPolicy({
      origin: [APP],
      report: { origin: [APP, EVIL] },
      onDecision: (decision) => seen.push(decision),
    });
    expect(policy.checkUpgrade({ origin: EVIL })).toEqual(refused('origin-not-allowed', EVIL));
    expect(seen[0]?.report).toMatchObject({ outcome: 'would-allow' });
  });

  it('does not change how requests are evaluated', () => {
    const policy = createCorsPolicy({ origin: [APP], upgradeWithoutOrigin: 'refuse' });
    expect(policy.evaluate({ method: 'GET' })).toMatchObject({ kind: 'not-cors', allowed: false });
    expect(policy.evaluate({ method: 'GET', origin: APP })).toMatchObject({
      kind: 'actual',
      allowed: true,
    });
  });
});
