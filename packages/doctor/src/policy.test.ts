import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorsConfigError, type CorsOptions } from '@cors/core';
import { loadPolicy } from './cli/load-policy.js';
import { runCli } from './cli/run-cli.js';
import { buildPolicyMatrix } from './engine/policy-matrix.js';
import { checkCors } from './index.js';
import {
  APP_ORIGIN,
  expressIncumbent,
  honoIncumbent,
  nodeListener,
  serve,
  type RunningServer,
} from './test-support/servers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cors-doctor-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const POLICY: CorsOptions = {
  origin: [APP_ORIGIN, 'http://localhost:*'],
  credentials: true,
  methods: ['GET', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
};

describe('the matrix a policy implies', () => {
  it('covers each origin and pattern, look-alikes, each method and header, and ones not allowed', () => {
    const titles = buildPolicyMatrix(POLICY).requests.map(({ title }) => title);
    expect(titles).toEqual(
      expect.arrayContaining([
        `allowed origin ${APP_ORIGIN}: simple GET`,
        'pattern http://localhost:*: simple GET',
        'allowed method PUT',
        'allowed method DELETE',
        'method not allowed: PATCH',
        'allowed header Authorization',
        'header not allowed: X-Cors-Doctor-Unlisted',
        expect.stringMatching(/^look-alike: the opaque origin `null`/),
        expect.stringMatching(/^look-alike: the allowed host as a prefix/),
        expect.stringMatching(/^look-alike: the same host over plain http/),
      ]),
    );
  });

  it('throws the same CorsConfigError as every adapter for a bad policy', () => {
    expect(() => buildPolicyMatrix({ origin: '*', credentials: true })).toThrow(CorsConfigError);
    expect(() => buildPolicyMatrix({ origin: 'https://app.example.com/' })).toThrow(
      /did you mean https:\/\/app\.example\.com/,
    );
  });
});

describe('checking a live server against a policy', () => {
  it('passes a server that runs the policy', async () => {
    const result = await checkCors(nodeListener(POLICY), { policy: POLICY, url: '/hello' });
    expect(result.rows.filter((row) => !row.ok)).toEqual([]);
  });

  it('catches a server that reflects every origin (cors origin: true)', async () => {
    const result = await checkCors(
      expressIncumbent({ origin: true, credentials: true, exposedHeaders: ['X-Request-Id'] }),
      {
        policy: POLICY,
        url: '/hello',
      },
    );
    const failed = result.rows.filter((row) => !row.ok);
    expect(failed.map((row) => row.title)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^look-alike: a random origin/)]),
    );
    expect(failed.every((row) => row.expected !== 'readable')).toBe(true);
    expect(result.ok).toBe(false);
  });

  it("catches a server whose preflight cache differs from the policy's maxAge", async () => {
    const result = await checkCors(nodeListener(POLICY), {
      policy: { ...POLICY, maxAge: 600 },
      url: '/hello',
    });
    const failed = result.rows.filter((row) => !row.ok);
    expect(failed.map((row) => row.title)).toContain('allowed method PUT');
    expect(
      failed.every((row) => row.mismatch?.includes('keep the preflight 600 s, the server 5 s')),
    ).toBe(true);
  });

  it('catches a server that allows fewer methods than the policy', async () => {
    const result = await checkCors(
      honoIncumbent({
        origin: [APP_ORIGIN, 'http://localhost:5173'],
        credentials: true,
        allowMethods: ['GET', 'PUT'],
        exposeHeaders: ['X-Request-Id'],
      }),
      { policy: POLICY, url: '/hello' },
    );
    const failed = result.rows.filter((row) => !row.ok);
    expect(failed.map((row) => `${row.title}: ${row.expected} → ${row.check.outcome}`)).toContain(
      'allowed method DELETE: readable → blocked-at-preflight',
    );
  });
});

describe('policy files', () => {
  it('loads .json and validates it', async () => {
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ origin: [APP_ORIGIN], credentials: true }),
    );
    expect(await loadPolicy('policy.json', dir)).toEqual({
      origin: [APP_ORIGIN],
      credentials: true,
    });
  });

  it('loads .mjs with a RegExp and a default export', async () => {
    await writeFile(
      join(dir, 'policy.mjs'),
      'export default { origin: [/^https:\\/\\/[a-z]+\\.example\\.com$/], maxAge: 60 };\n',
    );
    const policy = await loadPolicy('policy.mjs', dir);
    expect(policy.maxAge).toBe(60);
    expect(Array.isArray(policy.origin) && policy.origin[0] instanceof RegExp).toBe(true);
  });

  it('reports a bad policy with the CorsConfigError message and exit code 2', async () => {
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ origin: '*', credentials: true }));
    let err = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (err += text) },
      cwd: dir,
    };
    expect(await runCli(['http://127.0.0.1:9/', '--expect', 'bad.json'], io)).toBe(2);
    expect(err).toMatch(/credentials/);
    expect(err).toMatch(/list the origins/i);
  });

  // Under vitest (and tsx, and Node 22.18+) TypeScript imports work; plain Node 20 gets a hint
  // instead, which the consumer smoke test checks with the packed CLI.
  it('loads .ts where the runtime can import TypeScript', async () => {
    await writeFile(
      join(dir, 'policy.ts'),
      'export default { origin: ["https://app.example.com"] } satisfies object;\n',
    );
    await expect(loadPolicy('policy.ts', dir)).resolves.toEqual({
      origin: ['https://app.example.com'],
    });
  });

  it('runs --expect from the CLI and exits 1 when the server differs', async () => {
    const server: RunningServer = await serve(nodeListener({ origin: '*' }));
    try {
      await writeFile(join(dir, 'strict.json'), JSON.stringify({ origin: [APP_ORIGIN] }));
      let out = '';
      const io = {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: () => true },
        cwd: dir,
      };
      expect(await runCli([`${server.url}/hello`, '--expect', 'strict.json'], io)).toBe(1);
      expect(out).toMatch(/✗ look-alike: a random origin/);
      expect(out).toMatch(/requests are answered differently from the policy/);
    } finally {
      await server.close();
    }
  });
});
