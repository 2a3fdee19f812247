import * as core from '@cors/core';
import * as node from '@cors/node';
import * as koa from '@cors/koa';
import * as hono from '@cors/hono';
import * as nestjs from '@cors/nestjs';
import * as fastify from '@cors/fastify';
import * as fetch from '@cors/fetch';
import exercise from './exercise.cjs';

if (typeof core.createCorsPolicy !== 'function')
  throw new Error('@cors/core: no createCorsPolicy via import');
await exercise.exercise('import', { node, koa, hono, nestjs, fastify, fetch });
