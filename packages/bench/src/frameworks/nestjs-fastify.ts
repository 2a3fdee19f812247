import 'reflect-metadata';
import { All, Controller, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
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

/**
 * NestJS on `@nestjs/platform-fastify`: `app.enableCors(...)` (`@fastify/cors` inside, in an
 * `onRequest` hook) against `CorsModule.forRoot(...)` in the module's imports. In-process, the
 * listener is the one Fastify gave its `http.Server` (routing, hooks and reply, as when served).
 */
export const nestjsFastifyFramework: Framework = {
  name: 'nestjs-fastify',
  incumbent: 'app.enableCors',
  adapter: '@cors/nestjs',
  async create(variant, policy) {
    const imports: DynamicModule[] = [];
    if (variant === 'ours') {
      const { CorsModule } = await importAdapter('@cors/nestjs', () => import('@cors/nestjs'));
      imports.push(CorsModule.forRoot(ourOptions(policy)) as DynamicModule);
    }
    const app = await NestFactory.create<NestFastifyApplication>(
      appModule(imports),
      new FastifyAdapter(),
      { logger: false },
    );
    if (variant === 'incumbent') {
      app.enableCors(
        corsPackageOptions(policy) as Parameters<NestFastifyApplication['enableCors']>[0],
      );
    }
    await app.init();
    const instance = app.getHttpAdapter().getInstance();
    await instance.ready();
    const [listener] = instance.server.listeners('request') as RequestListener[];
    if (listener === undefined) throw new Error('Fastify gave its server no request listener');
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
