// A strict TypeScript consumer: options are typed, decorators apply, a typo is a type error.
import 'reflect-metadata';
import { Controller, Delete, Get, Module, Param } from '@nestjs/common';
import { createCorsPolicy, CorsConfigError, type CorsOptions } from '@cors/core';
import { cors as nodeCors } from '@cors/node';
import { cors as koaCors } from '@cors/koa';
import { cors as honoCors } from '@cors/hono';
import { AllowOrigin, CorsModule, DisableCors } from '@cors/nestjs';
import { cors as fastifyCors, type FastifyCorsOptions } from '@cors/fastify';
import { withCors, type WithCorsOptions } from '@cors/fetch';
import Fastify from 'fastify';
import type { Context as KoaContext } from 'koa';
import type { Context as HonoContext } from 'hono';

const options: CorsOptions = {
  origin: ['https://app.example.com', 'https://*.example.com', /^https:\/\/[a-z]+\.example\.org$/],
  credentials: true,
  exposedHeaders: ['x-request-id'],
  maxAge: 600,
};
const policy = createCorsPolicy(options);
export function isAllowed(origin: string): boolean {
  const decision = policy.evaluate({ method: 'GET', origin });
  return decision instanceof Promise ? false : decision.allowed;
}
export function isConfigError(error: unknown): error is CorsConfigError {
  return error instanceof CorsConfigError;
}

export const node = nodeCors(options);
export const koa = koaCors({
  origin: (origin: string, ctx: KoaContext) => ctx.path !== '/x' && origin.length > 0,
});
export const hono = honoCors({
  origin: async (origin: string, c: HonoContext) => c.req.path !== '/x' && origin !== '',
});

export async function fastifyApp(): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify();
  const pluginOptions: FastifyCorsOptions = {
    origin: (origin, request) => request.url !== '/x' && origin !== '',
  };
  await app.register(fastifyCors, pluginOptions);
  // The route config is typed by the plugin's module augmentation.
  app.get('/public', { config: { cors: { origin: '*', credentials: false } } }, () => 'hi');
  app.post('/webhook', { config: { cors: false } }, () => 'ok');
  return app;
}

const fetchOptions: WithCorsOptions = { origin: ['https://app.example.com'], onError: 'rethrow' };
export const worker = {
  fetch: withCors(
    (request: Request, env: { NAME: string }) => new Response(`${request.method} ${env.NAME}`),
    fetchOptions,
  ),
};

// @ts-expect-error: `exposeHeaders` is a typo of `exposedHeaders`.
export const typo: CorsOptions = { origin: 'https://app.example.com', exposeHeaders: ['x-id'] };
// @ts-expect-error: `credentials` is a boolean.
export const wrongType: CorsOptions = { credentials: 'yes' };

@AllowOrigin(['https://admin.example.com'], { credentials: true })
@Controller('users')
export class UsersController {
  @Get(':id')
  find(@Param('id') id: string): string {
    return id;
  }

  @AllowOrigin('https://ops.example.com')
  @Delete(':id')
  remove(@Param('id') id: string): string {
    return id;
  }

  @DisableCors()
  @Get('private/:id')
  secret(): string {
    return 'no';
  }
}

@Module({
  imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })],
  controllers: [UsersController],
})
export class AppModule {}
