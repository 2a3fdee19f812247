import type { Framework, FrameworkName } from './app.js';

export type { AppVariant, BenchApp, Framework, FrameworkName } from './app.js';

/** Every framework, in the order the results list them. */
export const FRAMEWORK_NAMES: readonly FrameworkName[] = [
  'node',
  'express',
  'koa',
  'hono',
  'nestjs',
  'nestjs-fastify',
  'fastify',
  'fetch',
];

/**
 * Frameworks measured in-process only: a runtime-neutral Fetch-API handler has no server of its
 * own (on Node it would measure `@hono/node-server`, already measured with Hono).
 */
export const IN_PROCESS_ONLY: readonly FrameworkName[] = ['fetch'];

// Loaded on demand: a server process loads only its own framework (NestJS alone takes a while).
const loaders: Record<FrameworkName, () => Promise<Framework>> = {
  node: async () => (await import('./node.js')).nodeFramework,
  express: async () => (await import('./express.js')).expressFramework,
  koa: async () => (await import('./koa.js')).koaFramework,
  hono: async () => (await import('./hono.js')).honoFramework,
  nestjs: async () => (await import('./nestjs.js')).nestjsFramework,
  'nestjs-fastify': async () => (await import('./nestjs.js')).nestjsFastifyFramework,
  fastify: async () => (await import('./fastify.js')).fastifyFramework,
  fetch: async () => (await import('./fetch.js')).fetchFramework,
};

export function loadFramework(name: string): Promise<Framework> {
  if (!(FRAMEWORK_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `unknown framework ${JSON.stringify(name)} (known: ${FRAMEWORK_NAMES.join(', ')})`,
    );
  }
  return loaders[name as FrameworkName]();
}
