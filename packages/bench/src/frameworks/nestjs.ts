import 'reflect-metadata';
import { All, Controller, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RequestListener, Server } from 'node:http';
import { ROUTE_BODY, type Framework, importAdapter } from './app.js';
import { corsPackageOptions, ourOptions } from './incumbent-options.js';

@Controller()
class RouteController {
  @All()
  route(): string {
    return ROUTE_BODY;
  }
}

function appModule(imports: DynamicModule[]): Type {
  @Module({ imports, controllers: [RouteController] })
  class AppModule {}
  return AppModule;
}

type NestApp = NestExpressApplication | NestFastifyApplication;

/** A Nest app on one platform, and the request listener its HTTP server would be given. */
interface Platform {
  create(module: Type): Promise<NestApp>;
  listener(app: NestApp): Promise<RequestListener>;
}

const express: Platform = {
  create: (module) => NestFactory.create<NestExpressApplication>(module, { logger: false }),
  listener: async (app) => app.getHttpAdapter().getInstance() as RequestListener,
};

// Loaded only by a fastify run: each server process loads its own framework alone.
const fastify: Platform = {
  async create(module) {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
      logger: false,
    });
  },
  // In-process, the listener Fastify gave its `http.Server` (routing, hooks and reply, as served).
  async listener(app) {
    const instance = (app as NestFastifyApplication).getHttpAdapter().getInstance();
    await instance.ready();
    const [listener] = instance.server.listeners('request') as RequestListener[];
    if (listener === undefined) throw new Error('Fastify gave its server no request listener');
    return listener;
  },
};

/**
 * NestJS: `app.enableCors(...)` (the `cors` package on Express, `@fastify/cors` on Fastify)
 * against `CorsModule.forRoot(...)` in the module's imports.
 */
function nestFramework(name: 'nestjs' | 'nestjs-fastify', platform: Platform): Framework {
  return {
    name,
    incumbent: 'app.enableCors',
    adapter: '@cors/nestjs',
    hasFloor: true,
    async create(variant, policy) {
      const imports: DynamicModule[] = [];
      if (variant === 'ours' || variant === 'floor') {
        const { CorsModule } = await importAdapter(
          '@cors/nestjs',
          () => import('@cors/nestjs'),
          variant,
        );
        imports.push(CorsModule.forRoot(ourOptions(policy)) as DynamicModule);
      }
      const app = await platform.create(appModule(imports));
      if (variant === 'incumbent') {
        // Both platforms take the `cors` package's options shape.
        (app as NestExpressApplication).enableCors(
          corsPackageOptions(policy) as Parameters<NestExpressApplication['enableCors']>[0],
        );
      }
      await app.init();
      const listener = await platform.listener(app);
      return {
        kind: 'node',
        listener,
        async listen(): Promise<Server> {
          await app.listen(0, '127.0.0.1');
          return app.getHttpServer() as Server;
        },
      };
    },
  };
}

/** NestJS on `@nestjs/platform-express`. */
export const nestjsFramework = nestFramework('nestjs', express);

/** NestJS on `@nestjs/platform-fastify`. */
export const nestjsFastifyFramework = nestFramework('nestjs-fastify', fastify);
