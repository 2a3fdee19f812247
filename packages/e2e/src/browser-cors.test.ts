import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer, ApiServerFactory } from './api-server.js';
import { launchChromium, servePageOrigin, type PageOrigin } from './browser.js';
import { describeReading, fetchFromPage } from './page-fetch.js';
import {
  BLOCKED_AT_PREFLIGHT,
  PROFILES,
  WITHHELD,
  SCENARIOS,
  allowlists,
  type Allowlist,
  type ProfileName,
} from './scenarios.js';
import { formatSummary, type ScenarioResult } from './summary.js';

interface Adapter {
  name: string;
  /** The workspace package under test. */
  packageName: string;
  /** Imported only when the package's sources exist. */
  load: () => Promise<ApiServerFactory>;
}

const ADAPTERS: readonly Adapter[] = [
  {
    name: 'node:http',
    packageName: 'node',
    load: async () => (await import('./servers/node-http.js')).startNodeHttpApi,
  },
  {
    name: 'Express',
    packageName: 'node',
    load: async () => (await import('./servers/express.js')).startExpressApi,
  },
  {
    name: 'Koa',
    packageName: 'koa',
    load: async () => (await import('./servers/koa.js')).startKoaApi,
  },
  {
    name: 'Hono',
    packageName: 'hono',
    load: async () => (await import('./servers/hono.js')).startHonoApi,
  },
  {
    name: 'Fastify',
    packageName: 'fastify',
    load: async () => (await import('./servers/fastify.js')).startFastifyApi,
  },
  {
    name: 'Fetch (withCors)',
    packageName: 'fetch',
    load: async () => (await import('./servers/fetch.js')).startFetchApi,
  },
  {
    name: 'NestJS (Express)',
    packageName: 'nestjs',
    load: async () => (await import('./servers/nestjs.js')).startNestExpressApi,
  },
  {
    name: 'NestJS (Fastify)',
    packageName: 'nestjs',
    load: async () => (await import('./servers/nestjs.js')).startNestFastifyApi,
  },
];

const ALLOWLISTS: readonly Allowlist[] = ['with A', 'without A'];

// One browser and one page origin for the whole file; each adapter × allowlist × profile gets
// its own API server and its own browser context (fresh cookies and preflight cache).
let browser: Browser;
let pageOrigin: PageOrigin;
const results: ScenarioResult[] = [];
const skipped: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  pageOrigin = await servePageOrigin();
});

afterAll(async () => {
  await browser?.close();
  await pageOrigin?.close();
  console.log(formatSummary(results, skipped));
});

/** A policy's API server and a fresh browser context with a page open on origin A. */
interface Session {
  api: ApiServer;
  context: BrowserContext;
  page: Page;
}

for (const adapter of ADAPTERS) {
  const source = fileURLToPath(
    new URL(`../../${adapter.packageName}/src/index.ts`, import.meta.url),
  );
  const hasSource = existsSync(source);
  if (!hasSource) {
    const reason = `${adapter.name}: @cors/${adapter.packageName} has no src/index.ts yet`;
    skipped.push(reason);
    console.log(`Skipping ${reason}`);
  }

  describe.skipIf(!hasSource)(adapter.name, () => {
    for (const allowlist of ALLOWLISTS) {
      describe(`allowlist ${allowlist === 'with A' ? 'containing' : 'without'} the page's origin`, () => {
        const sessions = new Map<ProfileName, Promise<Session>>();

        // Started on first use, so a profile no scenario of this adapter needs costs nothing.
        function sessionFor(profile: ProfileName): Promise<Session> {
          let session = sessions.get(profile);
          if (session === undefined) {
            session = (async () => {
              const startApi = await adapter.load();
              const api = await startApi({
                ...PROFILES[profile],
                origin: allowlists(pageOrigin.origin)[allowlist],
              });
              const context = await browser.newContext();
              const page = await context.newPage();
              await page.goto(pageOrigin.origin);
              return { api, context, page };
            })();
            sessions.set(profile, session);
          }
          return session;
        }

        afterAll(async () => {
          // A session that failed to start already failed its test; close the others.
          for (const session of await Promise.allSettled(sessions.values())) {
            if (session.status === 'rejected') continue;
            // The context first: it drops the browser's keep-alive connections to the server.
            await session.value.context.close();
            await session.value.api.close();
          }
        });

        const scenarios = SCENARIOS.filter(
          (scenario) => scenario.adapters?.includes(adapter.name) ?? true,
        );
        for (const scenario of scenarios) {
          const expected = scenario.expected[allowlist];

          it(`${scenario.name}: ${describeExpectation(expected)}`, async () => {
            const { api, page } = await sessionFor(scenario.profile);
            const seenBefore = api.requests().length;
            const headerNames = scenario.reading.kind === 'header' ? [scenario.reading.name] : [];
            const outcomes = await fetchFromPage(
              page,
              api.url,
              scenario.fetches,
              scenario.name,
              headerNames,
            );
            const seen = api.requests().slice(seenBefore);
            const actual = describeReading(scenario.reading, scenario.fetches, outcomes, seen);
            results.push({
              adapter: adapter.name,
              scenario: scenario.name,
              allowlist,
              expected,
              actual,
            });
            expect(actual).toBe(expected);
          });
        }
      });
    }
  });
}

/** The end of a test's name: what the page gets, as a sentence. */
function describeExpectation(expected: string): string {
  if (expected === WITHHELD) return 'the route runs and the browser withholds the response';
  if (expected === BLOCKED_AT_PREFLIGHT) return 'the browser stops it at the preflight';
  return `the page reads ${expected}`;
}
