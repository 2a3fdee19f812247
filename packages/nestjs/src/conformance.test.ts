// Every conformance row through @cors/nestjs's route driver, on Express and on Fastify: the
// SPEC's table, hostile input, route behaviours, CORS among other middleware (issue 14), report
// rows, configuration errors, reconfiguration and the burst (issue 19 point 5).
import {
  ROUTE_BODY,
  describeConformance,
  rowsFor,
  runRow,
  writeRawRoute,
  type RawResponse,
  type RouteBehaviour,
  type RouteDriver,
} from '@cors/conformance';
import {
  All,
  Controller,
  Header,
  Req,
  Res,
  UnauthorizedException,
  type Type,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import express from 'express';
import fastify from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AllowOrigin, CorsConfigError, CorsModule } from './index.js';
import { platforms, type Platform } from './test-app.js';

/** The response a `@Res()` handler gets: Node's on Express, Fastify's reply (`raw`) on Fastify. */
type PlatformResponse = RawResponse & { raw?: RawResponse };

/**
 * A controller for one row's route behaviour. `@AllowOrigin()` without arguments takes the
 * module defaults, so the row's options are this route's policy. Built per row, so that the
 * decorators can take the row's values.
 */
function controllerFor(route: RouteBehaviour): Type {
  if (route.raw !== undefined) {
    const raw = route.raw;
    @AllowOrigin()
    @Controller()
    class RawController {
      @All()
      handle(@Req() req: unknown, @Res() res: PlatformResponse): void {
        route.seen?.(req);
        writeRawRoute(res.raw ?? res, raw);
      }
    }
    return RawController;
  }
  @AllowOrigin()
  @Controller()
  class RowController {
    @All()
    handle(@Req() req: unknown): string {
      route.seen?.(req);
      if (route.throws === 401) throw new UnauthorizedException();
      if (route.throws === 500) throw new Error('route failed');
      return ROUTE_BODY;
    }
  }
  if (route.vary !== undefined) {
    // `@Header('Vary', route.vary)`, applied only when the row asks for it.
    const handle = Object.getOwnPropertyDescriptor(RowController.prototype, 'handle');
    Header('Vary', route.vary)(RowController.prototype, 'handle', handle as PropertyDescriptor);
  }
  return RowController;
}

function setBefore(res: ServerResponse, before: NonNullable<RouteBehaviour['before']>): void {
  res.setHeader('Vary', before.vary);
  res.setHeader(...before.header);
}

/** An adapter on an Express or Fastify instance whose earlier middleware runs before all. */
function adapterFor(platform: Platform, before: RouteBehaviour['before']): AbstractHttpAdapter {
  if (platform === 'express') {
    const instance = express();
    if (before !== undefined) {
      instance.use((_req, res, next) => {
        setBefore(res, before);
        next();
      });
    }
    return new ExpressAdapter(instance);
  }
  const instance = fastify();
  if (before !== undefined) {
    instance.addHook('onRequest', (_request, reply, done) => {
      setBefore(reply.raw, before);
      done();
    });
  }
  return new FastifyAdapter(instance);
}

/**
 * The route driver of @cors/nestjs on one platform. The earlier middleware goes on the
 * instance Nest is built on (`'instance'`, truly first), or is registered with `app.use()`,
 * which Nest runs after the CORS hook (so only requests that reach the route see it).
 */
const onNest = (platform: Platform, registerBefore: 'instance' | 'app.use'): RouteDriver => ({
  transport: 'http',
  nodeResponse: true,
  CorsConfigError,
  serve: async (options, route) => {
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot(options as never)],
      controllers: [controllerFor(route)],
    }).compile();
    const { before } = route;
    const adapter = adapterFor(platform, registerBefore === 'instance' ? before : undefined);
    const app = moduleRef.createNestApplication(adapter, { logger: false });
    if (before !== undefined && registerBefore === 'app.use') {
      app.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
        setBefore(res, before);
        next();
      });
    }
    try {
      await app.listen(0, '127.0.0.1');
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    return {
      url,
      fetch: (path, init) => fetch(new URL(path, url), init),
      close: () => app.close(),
    };
  },
});

for (const platform of platforms) {
  describeConformance(`Nest on ${platform}`, onNest(platform, 'instance'));

  describe(`CORS after middleware registered with app.use(), on ${platform}`, () => {
    const drive = onNest(platform, 'app.use');
    const reachingTheRoute = rowsFor(drive).filter(
      (row) => row.route?.before !== undefined && row.expected.routeRuns,
    );
    it.each(reachingTheRoute)('$name', async (row) => {
      expect(await runRow(drive, row)).toEqual(row.expected);
    });
  });
}
