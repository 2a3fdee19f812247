import { createAdaptorServer } from '@hono/node-server';
import {
  ROUTE_BODY,
  listenOnLoopback,
  type BenchApp,
  type Framework,
  importAdapter,
} from './app.js';
import { ourOptions } from './incumbent-options.js';

/**
 * A plain Fetch-API handler (what a Worker, Bun or Deno serves), bare and wrapped with
 * `withCors`. There is no incumbent package: edge code writes CORS by hand, differently each
 * time, so the incumbent variant is reported as unavailable. Measured in-process only.
 */
export const fetchFramework: Framework = {
  name: 'fetch',
  incumbent: '(hand-written)',
  adapter: '@cors/fetch',
  hasFloor: true,
  async create(variant, policy) {
    if (variant === 'incumbent') throw new Error('no incumbent package for Fetch-API handlers');
    const handler = (): Response => new Response(ROUTE_BODY);
    let fetch: (request: Request) => Response | Promise<Response> = handler;
    if (variant === 'ours' || variant === 'floor') {
      const { withCors } = await importAdapter('@cors/fetch', () => import('@cors/fetch'), variant);
      fetch = withCors(handler, ourOptions(policy));
    }
    const served: BenchApp = {
      kind: 'fetch',
      fetch,
      listen: () => listenOnLoopback(createAdaptorServer({ fetch }) as never),
    };
    return served;
  },
};
