import Fastify, { type FastifyRequest, type RouteShorthandOptions } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  cors,
  createCorsPolicy,
  type CorsDecision,
  type FastifyCorsOptions,
  type RouteCorsOptions,
} from './index.js';

describe('@cors/fastify types', () => {
  it("types the origin function's and onDecision's request as Fastify's", async () => {
    const app = Fastify();
    await app.register(cors, {
      origin: async (origin, request) => {
        expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
        return origin.endsWith('.example.com');
      },
      onDecision: (decision, request) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
      },
    });
  });

  it('adds config.cors to route options: options or false', () => {
    const app = Fastify();
    app.get('/a', { config: { cors: { origin: ['https://app.example.com'] } } }, () => 'a');
    app.get('/b', { config: { cors: false } }, () => 'b');
    // Fastify infers a route's config type from the call, so the checks below use its options
    // type (as a shared `RouteShorthandOptions` object would); the plugin refuses both at start-up.
    // @ts-expect-error: true is not accepted; leave cors out for the plugin's policy
    const on: RouteShorthandOptions = { config: { cors: true } };
    // @ts-expect-error: a misspelt option name
    const typo: RouteShorthandOptions = { config: { cors: { orign: 'https://app.example.com' } } };
    expectTypeOf(on).toEqualTypeOf<RouteShorthandOptions>();
    expectTypeOf(typo).toEqualTypeOf<RouteShorthandOptions>();
    expectTypeOf<RouteCorsOptions>().toEqualTypeOf<FastifyCorsOptions>();
  });

  it('registers a policy from createCorsPolicy, typed with Fastify’s request', async () => {
    const app = Fastify();
    const policy = createCorsPolicy<FastifyRequest>({
      origin: (_origin, request) => {
        expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
        return true;
      },
    });
    await app.register(cors, policy);
    policy.reconfigure({ origin: ['https://app.example.com'] });
    // @ts-expect-error: a policy's options are checked as CORS options
    policy.reconfigure({ orign: 'https://app.example.com' });
  });
});
