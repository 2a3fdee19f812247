import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import {
  ROUTE_BODY,
  listenOnLoopback,
  type BenchApp,
  type Framework,
  importAdapter,
} from './app.js';
import { originPredicate, ourOptions } from './incumbent-options.js';
import { SHARED_OPTIONS, allowlistOf } from '../workloads.js';

/** Hono on `@hono/node-server`; `hono/cors` takes a list, or a function for the pattern. */
export const honoFramework: Framework = {
  name: 'hono',
  incumbent: 'hono/cors',
  adapter: '@cors/hono',
  hasFloor: true,
  async create(variant, policy) {
    const app = new Hono();
    if (variant === 'incumbent') {
      const allows = originPredicate(policy);
      app.use(
        '*',
        honoCors({
          origin:
            policy === 'pattern'
              ? (origin) => (allows(origin) ? origin : null)
              : [...allowlistOf(policy)],
          credentials: SHARED_OPTIONS.credentials,
          exposeHeaders: [...SHARED_OPTIONS.exposedHeaders],
          allowMethods: [...SHARED_OPTIONS.methods],
          maxAge: SHARED_OPTIONS.maxAge,
        }),
      );
    }
    if (variant === 'ours' || variant === 'floor') {
      const { cors } = await importAdapter('@cors/hono', () => import('@cors/hono'), variant);
      app.use('*', cors(ourOptions(policy)));
    }
    app.all('/', (c) => c.text(ROUTE_BODY));
    const fetch = app.fetch;
    const served: BenchApp = {
      kind: 'fetch',
      fetch: (request) => fetch(request),
      listen: () => listenOnLoopback(createAdaptorServer({ fetch }) as never),
    };
    return served;
  },
};
