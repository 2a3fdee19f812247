import koaCors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import { ROUTE_BODY, nodeApp, type Framework, importAdapter } from './app.js';
import { originPredicate, ourOptions } from './incumbent-options.js';
import { SHARED_OPTIONS } from '../workloads.js';

/** Koa 3 with `@koa/router`; `@koa/cors` takes origins only as a function of `ctx`. */
export const koaFramework: Framework = {
  name: 'koa',
  incumbent: '@koa/cors',
  adapter: '@cors/koa',
  hasFloor: true,
  async create(variant, policy) {
    const app = new Koa();
    if (variant === 'incumbent') {
      const allows = originPredicate(policy);
      app.use(
        koaCors({
          origin: (ctx) => {
            const origin = ctx.get('Origin');
            return allows(origin) ? origin : '';
          },
          credentials: SHARED_OPTIONS.credentials,
          exposeHeaders: [...SHARED_OPTIONS.exposedHeaders],
          allowMethods: [...SHARED_OPTIONS.methods],
          maxAge: SHARED_OPTIONS.maxAge,
        }),
      );
    }
    if (variant === 'ours' || variant === 'floor') {
      const { cors } = await importAdapter('@cors/koa', () => import('@cors/koa'), variant);
      app.use(cors(ourOptions(policy)));
    }
    const router = new Router();
    router.all('/', (ctx: { body: unknown }) => {
      ctx.body = ROUTE_BODY;
    });
    app.use(router.routes());
    return nodeApp(app.callback());
  },
};
