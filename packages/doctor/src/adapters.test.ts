import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsOptions } from '@cors/core';
import { auditCors, checkCors } from './index.js';
import type { CorsTarget } from './target.js';
import {
  APP_ORIGIN,
  OTHER_ORIGIN,
  expressOurs,
  honoOurs,
  koaOurs,
  nestOurs,
  nodeListener,
  type RunningServer,
} from './test-support/servers.js';

const POLICY: CorsOptions = {
  origin: [APP_ORIGIN, 'https://*.example.net'],
  credentials: true,
  allowedHeaders: ['Content-Type', 'Authorization', 'X-Custom'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

interface Adapter {
  name: string;
  /** A target for the doctor, and how to stop it. */
  start: (options: CorsOptions) => Promise<{ target: CorsTarget; close: () => Promise<void> }>;
}

const nothing = async (): Promise<void> => undefined;
const ADAPTERS: Adapter[] = [
  {
    name: '@cors/node on node:http (request listener)',
    start: async (options) => ({ target: nodeListener(options), close: nothing }),
  },
  {
    name: '@cors/node on Express (app)',
    start: async (options) => ({ target: expressOurs(options), close: nothing }),
  },
  {
    name: '@cors/koa (app.callback())',
    start: async (options) => ({ target: koaOurs(options), close: nothing }),
  },
  {
    name: '@cors/hono (Fetch handler, no port)',
    start: async (options) => ({ target: honoOurs(options), close: nothing }),
  },
  {
    name: '@cors/nestjs (Express platform, by URL)',
    start: async (options) => {
      const server: RunningServer = await nestOurs(options);
      return { target: server.url, close: server.close };
    },
  },
];

for (const adapter of ADAPTERS) {
  describe(adapter.name, () => {
    let target: CorsTarget;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ target, close } = await adapter.start(POLICY));
    });
    afterAll(() => close());

    it('lets a credentialed GET read the body and the exposed header', async () => {
      const result = await checkCors(target, {
        url: '/hello',
        origin: APP_ORIGIN,
        credentials: true,
        expose: ['X-Request-Id'],
      });
      expect(result.outcome).toBe('readable');
      expect(result.ok).toBe(true);
      expect(result.steps.map((step) => step.kind)).toEqual(['actual']);
    });

    it('passes a preflighted PUT with Authorization and JSON, and reports the preflight cache', async () => {
      const result = await checkCors(target, {
        url: '/hello',
        origin: APP_ORIGIN,
        method: 'PUT',
        headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
        credentials: true,
      });
      expect(result.outcome).toBe('readable');
      const preflight = result.steps[0];
      expect(preflight?.kind).toBe('preflight');
      expect(preflight?.sent.headers).toContainEqual([
        'Access-Control-Request-Headers',
        'authorization,content-type',
      ]);
      expect(result.preflightCacheSeconds).toBe(600);
    });

    it('passes an origin matching the subdomain pattern', async () => {
      const result = await checkCors(target, {
        url: '/hello',
        origin: 'https://shop.example.net',
        credentials: true,
      });
      expect(result.outcome).toBe('readable');
    });

    it('says the response is withheld from another origin', async () => {
      const result = await checkCors(target, { url: '/hello', origin: OTHER_ORIGIN });
      expect(result.outcome).toBe('withheld');
      expect(result.steps.at(-1)?.rule).toBe('allow-origin');
    });

    it('says the preflight is refused for another origin', async () => {
      const result = await checkCors(target, {
        url: '/hello',
        origin: OTHER_ORIGIN,
        method: 'DELETE',
      });
      expect(result.outcome).toBe('blocked-at-preflight');
      expect(result.steps).toHaveLength(1);
    });

    it('names the unlisted header that made the server refuse the preflight', async () => {
      const result = await checkCors(target, {
        url: '/hello',
        origin: APP_ORIGIN,
        headers: { 'X-Forbidden': '1', 'X-Custom': '1' },
      });
      expect(result.outcome).toBe('blocked-at-preflight');
      expect(result.steps[0]?.rule).toBe('allow-headers');
      expect(result.steps[0]?.fix).toBe(
        'add x-forbidden to Access-Control-Allow-Headers (allowedHeaders)',
      );
    });

    it('keeps the grant on the error response of a route that throws', async () => {
      const result = await checkCors(target, {
        url: '/boom',
        origin: APP_ORIGIN,
        credentials: true,
      });
      expect(result.outcome).toBe('readable');
      expect(result.steps.at(-1)?.received?.status).toBe(500);
    });

    it('finds nothing of medium severity or worse in an audit', async () => {
      const report = await auditCors(target, {
        url: '/hello',
        origin: APP_ORIGIN,
        credentials: true,
      });
      expect(report.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.probes.map((probe) => probe.outcome)).toEqual([
        'readable',
        ...Array(report.probes.length - 1).fill('withheld'),
      ]);
    });

    it('answers every request of its own policy as the policy says', async () => {
      const result = await checkCors(target, { policy: POLICY, url: '/hello' });
      expect(
        result.rows
          .filter((row) => !row.ok)
          .map((row) => `${row.title}: expected ${row.expected}, got ${row.check.outcome}`),
      ).toEqual([]);
      expect(result.rows.length).toBeGreaterThan(10);
      expect(result.ok).toBe(true);
    });
  });
}
