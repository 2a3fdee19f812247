// Every conformance row through @cors/fastify's route driver, with the policy on the plugin or
// on the route too, and an earlier hook that sets its headers with `reply.header` or on Node's
// response.
import { configErrorRows, describeConformance, expectConfigError } from '@cors/conformance';
import Fastify from 'fastify';
import { describe, it } from 'vitest';
import { fastifyDriver } from './test-app.test-support.js';
import { cors, CorsConfigError, type FastifyCorsOptions } from './index.js';

describeConformance(
  'the plugin, an earlier hook using reply.header',
  fastifyDriver('plugin', 'reply.header'),
);
describeConformance(
  "the plugin, an earlier hook on Node's response",
  fastifyDriver('plugin', 'reply.raw'),
);
describeConformance(
  "the route too, an earlier hook on Node's response",
  fastifyDriver('route', 'reply.raw'),
);

describe('configuration errors in a route', () => {
  it.each(configErrorRows)(
    'adding a route whose config.cors has $name throws CorsConfigError at once',
    async (row) => {
      const app = Fastify();
      await app.register(cors);
      await expectConfigError(
        () => app.get('/', { config: { cors: row.options as FastifyCorsOptions } }, () => 'x'),
        row,
        CorsConfigError,
      );
    },
  );
});
