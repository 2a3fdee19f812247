import type { CorsOptions, ReconfigurableCorsPolicy } from '@cors/core';
import type { FastifyRequest } from 'fastify';

/**
 * Options of the plugin: the core's `CorsOptions`, whose `origin` function and `onDecision`
 * receive Fastify's request.
 */
export type FastifyCorsOptions = CorsOptions<FastifyRequest>;

/**
 * A policy from `createCorsPolicy`, registered in place of options
 * (`app.register(cors, policy)`) to change them later with `policy.reconfigure(options)`.
 */
export type FastifyCorsPolicy = ReconfigurableCorsPolicy<FastifyRequest>;

/**
 * A route's own options (`config: { cors: { … } }`), merged over the plugin's option by option.
 * `config: { cors: false }` turns CORS off for the route.
 */
export type RouteCorsOptions = CorsOptions<FastifyRequest>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's CORS options over the plugin's, or `false` for no CORS here (`@cors/fastify`). */
    cors?: RouteCorsOptions | false;
  }
}
