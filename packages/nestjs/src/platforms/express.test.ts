import { createCorsPolicy } from '@cors/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCorsHook } from '../cors.hook.js';
import type { RoutePolicies } from '../route-policies.js';
import { createExpressPlatform } from './express.js';

const APP = 'https://app.example.com';

describe('synchronous decisions on Express', () => {
  const table: RoutePolicies<unknown> = {
    routes: [
      {
        method: 'GET',
        path: '/hello',
        hosts: undefined,
        version: undefined,
        handler: () => undefined,
        policy: createCorsPolicy({ origin: APP }),
      },
    ],
    fallback: undefined,
    versioning: undefined,
  };
  const hook = createCorsHook(createExpressPlatform(new ExpressAdapter()), table, {});
  const headers = { origin: APP };

  it('hands an Express request on in the same tick', () => {
    const set: Record<string, unknown> = {};
    const res = {
      setHeader: (name: string, value: unknown) => (set[name] = value),
      getHeader: (name: string) => set[name],
    };
    let handedOn = false;
    hook(
      { method: 'GET', url: '/hello', headers } as IncomingMessage,
      res as unknown as ServerResponse,
      () => (handedOn = true),
    );
    expect(handedOn).toBe(true);
    expect(set).toEqual({ 'Access-Control-Allow-Origin': APP, Vary: 'Origin' });
  });

  it('keeps a writeHead that something earlier replaced on the response, and still keeps Origin', async () => {
    const written: number[] = [];
    const server = createServer((req, res) => {
      // E.g. a server wrapper that records every status before the CORS hook runs.
      const original = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
        written.push(args[0] as number);
        return (original as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['writeHead'];
      hook(req, res, () => {
        res.setHeader('Vary', 'Accept-Language');
        res.end('hello');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/hello`, { headers });
      expect(await response.text()).toBe('hello');
      expect(response.headers.get('vary')).toBe('Accept-Language, Origin');
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(written).toEqual([200]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
