import {
  ROUTE_BODY,
  cachedOriginRows,
  reconfigurablePolicy,
  runReconfiguration,
  sendRow,
} from '@cors/conformance';
import Koa from 'koa';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, createCorsPolicy } from './index.js';

describe('a reconfigurable policy', () => {
  it('follows policy.reconfigure(), atomically', async () => {
    const policy = reconfigurablePolicy();
    const app = new Koa();
    app.use(cors(policy)).use((ctx) => {
      ctx.body = ROUTE_BODY;
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await runReconfiguration(url, policy)).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
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
    const app = new Koa();
    app.silent = true; // Koa's default error handling would log the failing lookup
    app.use(cors(row.options)).use((ctx) => {
      ctx.body = ROUTE_BODY;
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await sendRow(url, row.request)).toEqual(row.expected);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
