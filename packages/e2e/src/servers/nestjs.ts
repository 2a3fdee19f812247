import 'reflect-metadata';
import type { Server } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Module,
  Param,
  Post,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AllowOrigin, CorsModule, DisableCors } from '@cors/nestjs';
import type { CorsOptions } from '@cors/core';
import {
  HELLO_BODY,
  HELLO_HEADERS,
  SESSION_SET_COOKIE,
  SIGNED_IN_BODY,
  describeCreated,
  describeDeleted,
  describeSession,
  failRoute,
} from '../api-contract.js';
import { serveApi, type ApiServer } from '../api-server.js';

/** An origin that is never the page's: the handler that allows only it refuses the page. */
export const ADMIN_ORIGIN = 'https://admin.example.com';

// No constructors, so no injection and no need for decorator metadata.
@Controller()
class ApiController {
  @Get('hello')
  @Header('X-Request-Id', HELLO_HEADERS['X-Request-Id'] ?? '')
  @Header('X-Internal', HELLO_HEADERS['X-Internal'] ?? '')
  hello(): string {
    return HELLO_BODY;
  }

  @Post('session')
  @HttpCode(200)
  @Header('Set-Cookie', SESSION_SET_COOKIE)
  signIn(): string {
    return SIGNED_IN_BODY;
  }

  @Get('me')
  me(@Headers('cookie') cookie: string | undefined): string {
    return describeSession(cookie);
  }

  @Get('boom')
  boom(): never {
    failRoute();
  }
}

@Controller('users')
class UsersController {
  @Post()
  create(@Body() body: unknown): string {
    return describeCreated(body);
  }

  // No arguments: the module's origin list.
  @Delete(':id')
  @AllowOrigin()
  remove(@Param('id') id: string): string {
    return describeDeleted(id);
  }
}

@Controller('accounts')
class AccountsController {
  // The handler's policy replaces the module's origin list with another origin.
  @Delete(':id')
  @AllowOrigin(ADMIN_ORIGIN)
  remove(@Param('id') id: string): string {
    return describeDeleted(id);
  }
}

@Controller('archive')
@DisableCors()
class ArchiveController {
  @Delete(':id')
  remove(@Param('id') id: string): string {
    return describeDeleted(id);
  }
}

const controllers = [ApiController, UsersController, AccountsController, ArchiveController];

/** The API on NestJS over Express, with `CorsModule.forRoot(options)`. */
export function startNestExpressApi(options: CorsOptions): Promise<ApiServer> {
  return startNestApi(options, 'express');
}

/** The API on NestJS over Fastify, with `CorsModule.forRoot(options)`. */
export function startNestFastifyApi(options: CorsOptions): Promise<ApiServer> {
  return startNestApi(options, 'fastify');
}

async function startNestApi(
  options: CorsOptions,
  platform: 'express' | 'fastify',
): Promise<ApiServer> {
  @Module({ imports: [CorsModule.forRoot(options)], controllers })
  class AppModule {}

  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  // logger: false keeps Nest's start-up lines and the failing route's stack out of the output.
  const app: INestApplication = await NestFactory.create(AppModule, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  return serveApi(server, async () => {
    server.closeAllConnections();
    await app.close();
  });
}
