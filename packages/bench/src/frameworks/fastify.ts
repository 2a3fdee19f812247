import { createServer, type RequestListener } from 'node:http';
import fastifyCors from '@fastify/cors';
import Fastify from 'fastify';
import { ROUTE_BODY, nodeApp, type Framework, importAdapter } from './app.js';
import { ourOptions } from './incumbent-options.js';
import { ORIGIN_REGEXP, SHARED_OPTIONS, allowlistOf } from '../workloads.js';

/**
 * Fastify 5; `@fastify/cors` takes a list, or a RegExp for the pattern. The app's own request
 * listener is taken from `serverFactory`, so that in-process runs call Fastify exactly as its
 * HTTP server does (as `app.inject` would, without light-my-request's own cost).
 */
export const fastifyFramework: Framework = {
  name: 'fastify',
  incumbent: '@fastify/cors',
  adapter: '@cors/fastify',
  hasFloor: true,
  async create(variant, policy) {
    let listener: RequestListener | undefined;
    const app = Fastify({
      serverFactory: (handler) => {
        listener = handler as RequestListener;
        return createServer(handler);
      },
    });
    if (variant === 'incumbent') {
      await app.register(fastifyCors, {
        origin: policy === 'pattern' ? ORIGIN_REGEXP : [...allowlistOf(policy)],
        credentials: SHARED_OPTIONS.credentials,
        exposedHeaders: [...SHARED_OPTIONS.exposedHeaders],
        methods: [...SHARED_OPTIONS.methods],
        maxAge: SHARED_OPTIONS.maxAge,
      });
    }
    if (variant === 'ours' || variant === 'floor') {
      const { cors } = await importAdapter('@cors/fastify', () => import('@cors/fastify'), variant);
      await app.register(cors, ourOptions(policy));
    }
    app.all('/', async () => ROUTE_BODY);
    await app.ready();
    return nodeApp(listener as RequestListener);
  },
};
