import {
  ROUTE_BODY,
  cachedOriginRows,
  reconfigurablePolicy,
  runReconfiguration,
  sendRow,
} from '@cors/conformance';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, createCorsPolicy } from './index.js';
import { withServer } from './test-server.js';

describe('a reconfigurable policy', () => {
  it('follows policy.reconfigure() on plain node:http, atomically', async () => {
    const policy = reconfigurablePolicy();
    const handler = cors(policy);
    const mismatches = await withServer(
      async (req, res) => {
        if (await handler(req, res)) return;
        res.end(ROUTE_BODY);
      },
      (url) => runReconfiguration(url, policy),
    );
    expect(mismatches).toEqual([]);
  });

  it('follows policy.reconfigure() as Express middleware, atomically', async () => {
    const policy = reconfigurablePolicy();
    const app = express()
      .use(cors(policy))
      .use((_req, res) => void res.send(ROUTE_BODY));
    const mismatches = await withServer(app, (url) => runReconfiguration(url, policy));
    expect(mismatches).toEqual([]);
  });

  it('takes a policy by its brand: options shaped like a policy are still checked as options', () => {
    expect(() => cors(createCorsPolicy({ origin: 'https://app.example.com' }))).not.toThrow();
    expect(() =>
      cors({ evaluate: () => ({}), errorVary: [] } as unknown as Parameters<typeof cors>[0]),
    ).toThrow(CorsConfigError);
  });
});

describe('cachedOrigins rows over HTTP', () => {
  it.each(cachedOriginRows)('$name (plain node:http)', async (row) => {
    const handler = cors(row.options);
    const observed = await withServer(
      async (req, res) => {
        try {
          if (await handler(req, res)) return;
        } catch {
          res.statusCode = 500;
          res.end();
          return;
        }
        res.end(ROUTE_BODY);
      },
      (url) => sendRow(url, row.request),
    );
    expect(observed).toEqual(row.expected);
  });

  it.each(cachedOriginRows)('$name (Express)', async (row) => {
    const app = express()
      .use(cors(row.options))
      .use((_req, res) => void res.send(ROUTE_BODY));
    const observed = await withServer(app, (url) => sendRow(url, row.request));
    expect(observed).toEqual(row.expected);
  });
});
