// Issue 20 point 1 in a real browser: under `mode: 'report-only'` a page whose origin the policy
// refuses still gets its responses (simple and preflighted), and every request is reported
// "would refuse"; beside an enforced policy, a `report` candidate changes nothing the page sees.
import type { CorsDecision, CorsOptions } from '@cors/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServerFactory } from './api-server.js';
import { launchChromium, servePageOrigin, type PageOrigin } from './browser.js';
import { fetchFromPage, type FetchOutcome } from './page-fetch.js';
import { PROFILES, allowlists, type PageFetch } from './scenarios.js';

const ADAPTERS: readonly (readonly [string, () => Promise<ApiServerFactory>])[] = [
  ['node:http', async () => (await import('./servers/node-http.js')).startNodeHttpApi],
  ['Express', async () => (await import('./servers/express.js')).startExpressApi],
  ['Koa', async () => (await import('./servers/koa.js')).startKoaApi],
  ['Hono', async () => (await import('./servers/hono.js')).startHonoApi],
  ['Fastify', async () => (await import('./servers/fastify.js')).startFastifyApi],
  ['Fetch (withCors)', async () => (await import('./servers/fetch.js')).startFetchApi],
  ['NestJS (Express)', async () => (await import('./servers/nestjs.js')).startNestExpressApi],
  ['NestJS (Fastify)', async () => (await import('./servers/nestjs.js')).startNestFastifyApi],
];

// A simple GET, then a JSON POST (preflighted).
const FETCHES: readonly PageFetch[] = [
  { method: 'GET', path: '/hello' },
  {
    method: 'POST',
    path: '/users',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Ada' }),
  },
];

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

/** What the page got from each fetch: `<status> <body>`, or `withheld`. */
function readings(outcomes: readonly FetchOutcome[]): string[] {
  return outcomes.map((outcome) =>
    outcome.readable ? `${outcome.status} ${outcome.body}` : 'withheld',
  );
}

/** Each decision `onDecision` received: `<kind> <outcome> <reason> <detail>`. */
function reports(decisions: readonly CorsDecision[]): string[] {
  return decisions.map(({ kind, report }) =>
    report ? `${kind} ${report.outcome} ${report.reason} ${report.detail}` : `${kind} none`,
  );
}

/** Starts the adapter's API with `options`, runs the fetches from a fresh page on origin A. */
async function run(
  load: () => Promise<ApiServerFactory>,
  options: (origins: ReturnType<typeof allowlists>) => CorsOptions,
  tag: string,
): Promise<{ readings: string[]; reports: string[]; lines: string[] }> {
  const decisions: CorsDecision[] = [];
  const lines: string[] = [];
  const start = await load();
  const api = await start({
    ...options(allowlists(pageOrigin.origin)),
    onDecision: (decision) => decisions.push(decision),
    debug: (line) => lines.push(line),
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageOrigin.origin);
    const outcomes = await fetchFromPage(page, api.url, FETCHES, tag, []);
    return { readings: readings(outcomes), reports: reports(decisions), lines };
  } finally {
    await context.close();
    await api.close();
  }
}

for (const [name, load] of ADAPTERS) {
  describe(name, () => {
    it("report-only: a page whose origin the policy refuses reads every response, each reported 'would refuse'", async () => {
      const result = await run(
        load,
        (origins) => ({ ...PROFILES.standard, origin: origins['without A'], mode: 'report-only' }),
        `report-only ${name}`,
      );
      const a = pageOrigin.origin;
      expect(result.readings).toEqual(['200 hello', '201 created Ada']);
      expect(result.reports).toEqual([
        `actual would-refuse origin-not-allowed ${a}`,
        `preflight would-refuse origin-not-allowed ${a}`,
        `actual would-refuse origin-not-allowed ${a}`,
      ]);
      expect(result.lines).toEqual([
        `cors: would refuse request (origin-not-allowed): origin "${a}" is not allowed; add it to the origin option (reported only, not enforced)`,
        `cors: would refuse preflight (origin-not-allowed): origin "${a}" is not allowed; add it to the origin option (reported only, not enforced)`,
        `cors: would refuse request (origin-not-allowed): origin "${a}" is not allowed; add it to the origin option (reported only, not enforced)`,
      ]);
    });

    it("report candidate: the enforced policy decides what the page reads; the candidate's view is reported", async () => {
      // Enforced: the list without A (the browser withholds, and stops the preflight). Candidate:
      // the list with A, so each is reported as "would allow".
      const result = await run(
        load,
        (origins) => ({
          ...PROFILES.standard,
          origin: origins['without A'],
          report: { ...PROFILES.standard, origin: origins['with A'] },
        }),
        `report candidate ${name}`,
      );
      const a = pageOrigin.origin;
      expect(result.readings).toEqual(['withheld', 'withheld']);
      expect(result.reports).toEqual([
        `actual would-allow origin-not-allowed ${a}`,
        `preflight would-allow origin-not-allowed ${a}`,
      ]);
    });
  });
}
