'use strict';
const core = require('@cors/core');
const { exercise } = require('./exercise.cjs');

if (typeof core.createCorsPolicy !== 'function')
  throw new Error('@cors/core: no createCorsPolicy via require');
exercise('require', {
  node: require('@cors/node'),
  koa: require('@cors/koa'),
  hono: require('@cors/hono'),
  nestjs: require('@cors/nestjs'),
  fastify: require('@cors/fastify'),
  fetch: require('@cors/fetch'),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
