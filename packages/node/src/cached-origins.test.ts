import { ROUTE_BODY } from '@cors/conformance';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cachedOrigins, cors } from './index.js';
import { withServer } from '@cors/conformance';

const SHOP = 'https://shop.example.com';

describe('cachedOrigins', () => {
  it('keeps a cache hit on the synchronous path: a boolean, and next() in the same tick', async () => {
    const lookups: string[] = [];
    const origin = cachedOrigins(
      async (requested) => {
        lookups.push(requested);
        return requested === SHOP;
      },
      { ttl: 60_000, max: 100 },
    );
    const handler = cors({ origin, credentials: true });
    const results: { returned: string; nextInSameTick: boolean }[] = [];
    await withServer(
      (req: IncomingMessage, res: ServerResponse) => {
        const returned = handler(req, res);
        let nextInSameTick = false;
        handler(req, res, () => (nextInSameTick = true));
        results.push({ returned: typeof returned, nextInSameTick });
        void Promise.resolve(returned).then(() => res.end(ROUTE_BODY));
      },
      async (url) => {
        for (let index = 0; index < 2; index++) {
          const response = await fetch(url, { headers: { origin: SHOP } });
          expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
          await response.text();
        }
      },
    );
    // The first request missed (a promise, one lookup); the second was a hit.
    expect(results).toEqual([
      { returned: 'object', nextInSameTick: false },
      { returned: 'boolean', nextInSameTick: true },
    ]);
    expect(lookups).toEqual([SHOP]);
  });
});
