import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCors, formatHtml, type CorsCheck } from '@cors/doctor';
import type { ApiServer, ApiServerFactory } from './api-server.js';
import { launchChromium, servePageOrigin, type PageOrigin } from './browser.js';
import { describeReading, fetchFromPage } from './page-fetch.js';
import {
  BLOCKED,
  BLOCKED_AT_PREFLIGHT,
  NOTHING_REACHED_B,
  PROFILES,
  SCENARIOS,
  WITHHELD,
  allowlists,
  type Allowlist,
  type ProfileName,
  type Reading,
} from './scenarios.js';

/**
 * @cors/doctor against Chromium: for every scenario, adapter and allowlist, the page's fetch()
 * runs in Chromium and the doctor replays it against the same server from the outside. The
 * doctor's verdict must be the browser's: readable (with the same status), withheld, blocked
 * at the preflight, a header hidden, and how many preflights two fetches in a row cost.
 */
const ADAPTERS: ReadonlyArray<{ name: string; load: () => Promise<ApiServerFactory> }> = [
  {
    name: 'node:http',
    load: async () => (await import('./servers/node-http.js')).startNodeHttpApi,
  },
  { name: 'Express', load: async () => (await import('./servers/express.js')).startExpressApi },
  { name: 'Koa', load: async () => (await import('./servers/koa.js')).startKoaApi },
  { name: 'Hono', load: async () => (await import('./servers/hono.js')).startHonoApi },
  {
    name: 'NestJS (Express)',
    load: async () => (await import('./servers/nestjs.js')).startNestExpressApi,
  },
  {
    name: 'NestJS (Fastify)',
    load: async () => (await import('./servers/nestjs.js')).startNestFastifyApi,
  },
];
const ALLOWLISTS: readonly Allowlist[] = ['with A', 'without A'];

let browser: Browser;
let pageOrigin: PageOrigin;
beforeAll(async () => {
  browser = await launchChromium();
  pageOrigin = await servePageOrigin();
});
afterAll(async () => {
  await browser?.close();
  await pageOrigin?.close();
});

/**
 * Chromium's reading with what the doctor cannot know taken out: a readable body becomes its
 * status (the page's cookie-dependent text is the app's business, not CORS's).
 */
function browserVerdict(reading: Reading, actual: string): string {
  if (reading.kind === 'body' && /^\d{3} /.test(actual)) return actual.slice(0, 3);
  return actual;
}

/** The same words from the doctor's checks of each fetch. */
function doctorVerdict(reading: Reading, checks: readonly CorsCheck[]): string {
  if (reading.kind === 'preflights') {
    const statuses = checks.map((check) =>
      check.outcome === 'readable' ? String(check.steps.at(-1)?.received?.status) : BLOCKED,
    );
    // A granted preflight with a cache time above 0 serves the next identical fetch.
    let preflights = 0;
    let cached = false;
    checks.forEach((check, index) => {
      if (!check.request.needsPreflight) return;
      if (index > 0 && cached) return;
      preflights++;
      cached = (check.preflightCacheSeconds ?? 0) > 0;
    });
    return `${statuses.join(',')} after ${preflights} OPTIONS`;
  }
  const last = checks.at(-1);
  const status = String(last?.steps.at(-1)?.received?.status);
  switch (last?.outcome) {
    case 'withheld':
      return WITHHELD;
    case 'blocked-at-preflight':
      return BLOCKED_AT_PREFLIGHT;
    case 'network-error':
    case undefined:
      return NOTHING_REACHED_B;
    case 'header-hidden':
      return reading.kind === 'header' ? `${reading.name}: hidden` : status;
    case 'readable': {
      if (reading.kind !== 'header') return status;
      const headers = last.steps.at(-1)?.received?.headers ?? [];
      const value = headers.find(
        ([name]) => name.toLowerCase() === reading.name.toLowerCase(),
      )?.[1];
      return `${reading.name}: ${value ?? 'hidden'}`;
    }
  }
}

for (const adapter of ADAPTERS) {
  describe(`doctor vs Chromium: ${adapter.name}`, () => {
    for (const allowlist of ALLOWLISTS) {
      describe(`allowlist ${allowlist}`, () => {
        const sessions = new Map<
          ProfileName,
          Promise<{ api: ApiServer; context: BrowserContext; page: Page }>
        >();
        function sessionFor(
          profile: ProfileName,
        ): Promise<{ api: ApiServer; context: BrowserContext; page: Page }> {
          let session = sessions.get(profile);
          if (session === undefined) {
            session = (async () => {
              const api = await (
                await adapter.load()
              )({
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
          for (const session of await Promise.allSettled(sessions.values())) {
            if (session.status === 'rejected') continue;
            await session.value.context.close();
            await session.value.api.close();
          }
        });

        const scenarios = SCENARIOS.filter(
          (scenario) => scenario.adapters?.includes(adapter.name) ?? true,
        );
        for (const scenario of scenarios) {
          it(`${scenario.name}: the doctor says what Chromium does`, async () => {
            const { api, page } = await sessionFor(scenario.profile);
            const headerNames = scenario.reading.kind === 'header' ? [scenario.reading.name] : [];
            const seenBefore = api.requests().length;
            const outcomes = await fetchFromPage(
              page,
              api.url,
              scenario.fetches,
              `chromium ${scenario.name}`,
              headerNames,
            );
            const chromium = describeReading(
              scenario.reading,
              scenario.fetches,
              outcomes,
              api.requests().slice(seenBefore),
            );

            const checks: CorsCheck[] = [];
            for (const fetch of scenario.fetches) {
              checks.push(
                await checkCors(
                  `${api.url}${fetch.path}?scenario=${encodeURIComponent(`doctor ${scenario.name}`)}`,
                  {
                    origin: pageOrigin.origin,
                    method: fetch.method,
                    headers: fetch.headers ?? {},
                    credentials: fetch.credentials === 'include',
                    expose: headerNames,
                    ...(fetch.body === undefined ? {} : { body: fetch.body }),
                  },
                ),
              );
            }
            expect(doctorVerdict(scenario.reading, checks)).toBe(
              browserVerdict(scenario.reading, chromium),
            );
          });
        }
      });
    }
  });
}

describe("the doctor's HTML report in Chromium", () => {
  it('renders with failed rows first and no console errors', async () => {
    const { startNodeHttpApi } = await import('./servers/node-http.js');
    // A server other than the policy the team meant: it also lets in http:// and `null`, and
    // forgets X-Custom and the preflight cache.
    const api = await startNodeHttpApi({
      origin: ['https://app.example.com', 'http://app.example.com', 'null'],
      allowedHeaders: ['Content-Type'],
      exposedHeaders: ['X-Request-Id'],
    });
    const dir = await mkdtemp(join(tmpdir(), 'cors-doctor-report-'));
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const result = await checkCors(api.url, {
        url: '/hello',
        policy: {
          origin: ['https://app.example.com'],
          allowedHeaders: ['Content-Type', 'X-Custom'],
          exposedHeaders: ['X-Request-Id'],
          maxAge: 600,
        },
      });
      expect(result.ok).toBe(false);
      const file = join(dir, 'report.html');
      await writeFile(file, formatHtml(result));

      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning')
          problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
      await page.goto(pathToFileURL(file).href);

      const classes = await page
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.className));
      expect(classes.length).toBe(result.rows.length);
      const firstOk = classes.indexOf('ok');
      expect(firstOk).toBeGreaterThan(0);
      expect(classes.slice(0, firstOk).every((name) => name === 'failed')).toBe(true);
      expect(classes.slice(firstOk).every((name) => name === 'ok')).toBe(true);
      expect(await page.locator('h1').textContent()).toContain('policy check of');
      // Rendered, not raw: the table has a layout box.
      const box = await page.locator('table').boundingBox();
      expect(box?.height ?? 0).toBeGreaterThan(100);
      expect(problems).toEqual([]);

      // `UPDATE_DOCTOR_SCREENSHOT=1 pnpm test:e2e` refreshes the picture in the doctor's README.
      const screenshot =
        process.env.UPDATE_DOCTOR_SCREENSHOT === '1'
          ? fileURLToPath(new URL('../../doctor/docs/example-report.png', import.meta.url))
          : join(dir, 'example-report.png');
      await mkdir(join(screenshot, '..'), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
    } finally {
      await context.close();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
