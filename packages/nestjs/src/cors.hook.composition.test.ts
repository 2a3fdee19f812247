// Issue 14 point 1 and issue 18 point 3: CORS among other middleware, as rows of
// @cors/conformance, on both platforms. The earlier middleware is registered with `app.use()`,
// as Nest users register helmet or compression.
import {
  ROUTE_BODY,
  ROUTE_VARY,
  compositionRows,
  rawWriteRows,
  sendCompositionRow,
  writeRawRoute,
  type CompositionDriver,
  type CompositionRoute,
  type CompositionRow,
  type RawResponse,
} from '@cors/conformance';
import { All, Controller, Header, Res, type Type } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import express from 'express';
import fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AllowOrigin, CorsModule } from './index.js';
import { platforms, type Platform } from './test-app.js';

/** The response a `@Res()` handler gets: Node's on Express, Fastify's reply (`raw`) on Fastify. */
type PlatformResponse = RawResponse & { raw?: RawResponse };

// `@AllowOrigin()` takes the module defaults, so every row's options are this route's policy.
@AllowOrigin()
@Controller()
class OkController {
  @All()
  route(): string {
    return ROUTE_BODY;
  }
}

@AllowOrigin()
@Controller()
class ThrowingController {
  @All()
  route(): string {
    throw new Error('route failed');
  }
}

@AllowOrigin()
@Controller()
class SettingVaryController {
  @All()
  @Header('Vary', ROUTE_VARY)
  route(): string {
    return ROUTE_BODY;
  }
}

/** A controller whose handler writes on the raw Node response, as proxies do. */
function rawController(route: CompositionRoute): Type {
  @AllowOrigin()
  @Controller()
  class RawController {
    @All()
    route(@Res() res: PlatformResponse): void {
      writeRawRoute(res.raw ?? res, route);
    }
  }
  return RawController;
}

function controllerFor(route: CompositionRoute): Type {
  if (route === 'ok') return OkController;
  if (route === 'throws') return ThrowingController;
  if (route === 'sets-vary') return SettingVaryController;
  return rawController(route);
}

type Before = CompositionRow['setup']['before'];

function setBefore(res: ServerResponse, before: Before): void {
  res.setHeader('Vary', before.vary);
  res.setHeader(...before.header);
}

/**
 * The earlier middleware truly before everything, CORS included: on the Express or Fastify
 * instance the Nest adapter is then built on (`new ExpressAdapter(app)`, `new FastifyAdapter(app)`),
 * as users do for what must run first.
 */
function adapterWithEarlierMiddleware(platform: Platform, before: Before): AbstractHttpAdapter {
  if (platform === 'express') {
    const instance = express();
    instance.use((_req, res, next) => {
      setBefore(res, before);
      next();
    });
    return new ExpressAdapter(instance);
  }
  const instance = fastify();
  instance.addHook('onRequest', (request, _reply, done) => {
    // On the Node response, as middleware does (a Fastify `reply.header` is its own store).
    setBefore(_reply.raw, before);
    done();
  });
  return new FastifyAdapter(instance);
}

/**
 * Serves the row's app; `registerBefore` adds the earlier middleware with `app.use()` instead
 * of on the instance. Nest's adapters run the CORS hook before `app.use()` middleware, so that
 * a preflight is answered before any of them (an auth middleware would refuse it): only the
 * requests that reach the route see that middleware.
 */
const onNest =
  (platform: Platform, registerBefore: 'instance' | 'app.use'): CompositionDriver =>
  async (row) => {
    const { before } = row.setup;
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot(row.options)],
      controllers: [controllerFor(row.setup.route)],
    }).compile();
    const adapter =
      registerBefore === 'instance'
        ? adapterWithEarlierMiddleware(platform, before)
        : platform === 'express'
          ? new ExpressAdapter()
          : new FastifyAdapter();
    const app = moduleRef.createNestApplication(adapter, { logger: false });
    if (registerBefore === 'app.use') {
      app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
        setBefore(res, before);
        next();
      });
    }
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      return await sendCompositionRow(`http://127.0.0.1:${port}`, row);
    } finally {
      await app.close();
    }
  };

describe.each(platforms)('CORS among other middleware on %s', (platform) => {
  describe('registered on the instance Nest is built on', () => {
    const drive = onNest(platform, 'instance');
    it.each([...compositionRows, ...rawWriteRows])('$name', async (row) => {
      expect(await drive(row)).toEqual(row.expected);
    });
  });

  describe('registered with app.use()', () => {
    const drive = onNest(platform, 'app.use');
    const reachingTheRoute = [...compositionRows, ...rawWriteRows].filter(
      (row) => row.expected.routeRuns,
    );
    it.each(reachingTheRoute)('$name', async (row) => {
      expect(await drive(row)).toEqual(row.expected);
    });
  });
});

describe('on Fastify, a Vary an earlier Fastify hook set on the reply', () => {
  it.each([
    ['an actual request', { origin: 'https://app.example.com' }, 'Accept-Encoding, Origin'],
    [
      'a preflight',
      { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
      'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    ],
  ])('is merged with ours on %s', async (_what, headers, vary) => {
    const instance = fastify();
    instance.addHook('onRequest', (_request, reply, done) => {
      reply.header('Vary', 'Accept-Encoding');
      done();
    });
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })],
      controllers: [OkController],
    }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(instance), { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'access-control-request-method' in headers ? 'OPTIONS' : 'GET',
        headers,
      });
      expect(response.headers.get('vary')).toBe(vary);
    } finally {
      await app.close();
    }
  });
});
