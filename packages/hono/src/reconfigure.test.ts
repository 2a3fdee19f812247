import { serve } from '@hono/node-server';
import {
  ROUTE_BODY,
  cachedOriginRows,
  reconfigurablePolicy,
  runReconfiguration,
  sendRow,
} from '@cors/conformance';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, createCorsPolicy } from './index.js';
import { routeApp, withErrorLog } from './test-app.test-support.js';

describe('a reconfigurable policy', () => {
  it('follows policy.reconfigure() over HTTP, atomically', async () => {
    const policy = reconfigurablePolicy();
    const app = new Hono();
    app.use('*', cors(policy));
    app.all('/', (c) => c.text(ROUTE_BODY));
    let server: ReturnType<typeof serve> | undefined;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(info.port),
      );
    });
    try {
      expect(await runReconfiguration(`http://127.0.0.1:${port}`, policy)).toEqual([]);
    } finally {
      await new Promise<void>((resolve, reject) =>
        server?.close((error) => (error ? reject(error) : resolve())),
      );
    }
  });

  it('takes a policy by its brand: options shaped like a policy are still checked as options', () => {
    expect(() => cors(createCorsPolicy({ origin: 'https://app.example.com' }))).not.toThrow();
    expect(() =>
      cors({ evaluate: () => ({}), errorVary: [] } as unknown as Parameters<typeof cors>[0]),
    ).toThrow(CorsConfigError);
  });
});

describe('cachedOrigins rows over HTTP', () => {
  it.each(cachedOriginRows)('$name', async (row) => {
    const app = routeApp(row.options);
    const [observed] = await withErrorLog(async () => {
      let server: ReturnType<typeof serve> | undefined;
      const port = await new Promise<number>((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(info.port),
        );
      });
      try {
        return await sendRow(`http://127.0.0.1:${port}`, row.request);
      } finally {
        await new Promise<void>((resolve, reject) =>
          server?.close((error) => (error ? reject(error) : resolve())),
        );
      }
    });
    expect(observed).toEqual(row.expected);
  });
});
