import 'reflect-metadata';
import { All, Controller, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
 * NestJS on `@nestjs/platform-express`: `app.enableCors(...)` (the `cors` package) against
 * `CorsModule.forRoot(...)` in the module's imports.
 */
export const nestjsFramework: Framework = {
  name: 'nestjs',
  incumbent: 'app.enableCors',
  adapter: '@cors/nestjs',
  async create(variant, policy) {
    const imports: DynamicModule[] = [];
    if (variant === 'ours') {
      const { CorsModule } = await importAdapter('@cors/nestjs', () => import('@cors/nestjs'));
      imports.push(CorsModule.forRoot(ourOptions(policy)) as DynamicModule);
    }
    const app = await NestFactory.create<NestExpressApplication>(appModule(imports), {
      logger: false,
    });
    if (variant === 'incumbent')
      app.enableCors(
        corsPackageOptions(policy) as Parameters<NestExpressApplication['enableCors']>[0],
      );
    await app.init();
    const listener = app.getHttpAdapter().getInstance() as RequestListener;
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
