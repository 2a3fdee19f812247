// Starts one tiny server per adapter and checks an allowed actual request and a preflight over
// HTTP. Used by check.mjs (adapters loaded with `import`) and check.cjs (loaded with `require`).
'use strict';
require('reflect-metadata');
const http = require('node:http');
const assert = require('node:assert/strict');

const ALLOWED = 'http://allowed.test';
const policy = { origin: [ALLOWED], credentials: true, exposedHeaders: ['x-id'] };

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function check(label, url) {
  const actual = await fetch(`${url}/hello`, { headers: { origin: ALLOWED } });
  assert.equal(actual.status, 200, `${label}: actual status`);
  assert.equal(
    actual.headers.get('access-control-allow-origin'),
    ALLOWED,
    `${label}: allow-origin`,
  );
  assert.equal(
    actual.headers.get('access-control-allow-credentials'),
    'true',
    `${label}: credentials`,
  );
  assert.match(actual.headers.get('vary') ?? '', /Origin/, `${label}: vary`);

  const preflight = await fetch(`${url}/hello`, {
    method: 'OPTIONS',
    headers: { origin: ALLOWED, 'access-control-request-method': 'PUT' },
  });
  assert.equal(preflight.status, 204, `${label}: preflight status`);
  assert.equal(
    preflight.headers.get('access-control-allow-origin'),
    ALLOWED,
    `${label}: preflight allow-origin`,
  );
  assert.equal(
    preflight.headers.get('access-control-allow-methods'),
    'GET,HEAD,PUT,PATCH,POST,DELETE',
  );

  const refused = await fetch(`${url}/hello`, { headers: { origin: 'http://evil.test' } });
  assert.equal(refused.headers.get('access-control-allow-origin'), null, `${label}: refused`);
  console.log(`ok ${label}`);
}

async function exercise(mode, adapters) {
  const closers = [];
  try {
    for (const [name, mod] of Object.entries(adapters)) {
      if (name === 'fastify' || name === 'fetch') continue; // checked below, each its own way
      assert.equal(
        typeof mod.CorsConfigError,
        'function',
        `@cors/${name} re-exports CorsConfigError`,
      );
      assert.throws(
        () => (mod.cors ?? mod.CorsModule.forRoot)({ origin: '*', credentials: true }),
        mod.CorsConfigError,
      );
    }

    const nodeHandler = adapters.node.cors(policy);
    const plain = await listen(
      http.createServer((req, res) => {
        if (nodeHandler(req, res)) return;
        res.end('hello');
      }),
    );
    closers.push(() => plain.close());
    await check(`${mode} @cors/node on node:http`, `http://127.0.0.1:${plain.address().port}`);

    const express = require('express');
    const expressApp = express();
    expressApp.use(adapters.node.cors(policy));
    expressApp.get('/hello', (_req, res) => res.send('hello'));
    const expressServer = await listen(http.createServer(expressApp));
    closers.push(() => expressServer.close());
    await check(
      `${mode} @cors/node on Express`,
      `http://127.0.0.1:${expressServer.address().port}`,
    );

    const Koa = require('koa');
    const koa = new Koa();
    koa.use(adapters.koa.cors(policy));
    koa.use((ctx) => {
      ctx.body = 'hello';
    });
    const koaServer = await listen(http.createServer(koa.callback()));
    closers.push(() => koaServer.close());
    await check(`${mode} @cors/koa`, `http://127.0.0.1:${koaServer.address().port}`);

    const { Hono } = require('hono');
    const { serve } = require('@hono/node-server');
    const hono = new Hono();
    hono.use('*', adapters.hono.cors(policy));
    hono.get('/hello', (c) => c.text('hello'));
    const honoServer = await new Promise((resolve) => {
      const server = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(server),
      );
    });
    closers.push(() => honoServer.close());
    await check(`${mode} @cors/hono`, `http://127.0.0.1:${honoServer.address().port}`);

    // @cors/fastify: a plugin; a bad configuration fails the app's start-up.
    const Fastify = require('fastify');
    const broken = Fastify();
    broken.register(adapters.fastify.cors, { origin: '*', credentials: true });
    await assert.rejects(broken.ready(), adapters.fastify.CorsConfigError);
    const fastify = Fastify();
    await fastify.register(adapters.fastify.cors, policy);
    fastify.get('/hello', () => 'hello');
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => fastify.close());
    await check(`${mode} @cors/fastify`, `http://127.0.0.1:${fastify.server.address().port}`);

    // @cors/fetch: one Fetch-API handler, served here by @hono/node-server.
    assert.throws(
      () => adapters.fetch.withCors(() => new Response(), { origin: '*', credentials: true }),
      adapters.fetch.CorsConfigError,
    );
    const fetchServer = await new Promise((resolve) => {
      const server = serve(
        {
          fetch: adapters.fetch.withCors(() => new Response('hello'), policy),
          port: 0,
          hostname: '127.0.0.1',
        },
        () => resolve(server),
      );
    });
    closers.push(() => fetchServer.close());
    await check(`${mode} @cors/fetch`, `http://127.0.0.1:${fetchServer.address().port}`);

    const { Controller, Get, Module } = require('@nestjs/common');
    const { NestFactory } = require('@nestjs/core');
    class HelloController {
      hello() {
        return 'hello';
      }
    }
    Controller()(HelloController);
    Get('hello')(
      HelloController.prototype,
      'hello',
      Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'),
    );
    class AppModule {}
    Module({
      imports: [adapters.nestjs.CorsModule.forRoot(policy)],
      controllers: [HelloController],
    })(AppModule);
    const nest = await NestFactory.create(AppModule, { logger: false });
    await nest.listen(0, '127.0.0.1');
    closers.push(() => nest.close());
    await check(
      `${mode} @cors/nestjs`,
      await nest.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')),
    );
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

module.exports = { exercise };
