import { failingOrigins } from '@cors/conformance';
import type { CorsDecision } from '@cors/core';
import {
  Catch,
  Controller,
  Delete,
  Get,
  Header,
  HttpStatus,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  Options,
  Post,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ArgumentsHost,
  type ExecutionContext,
  type MiddlewareConsumer,
  type NestInterceptor,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AllowOrigin, CorsModule, DisableCors } from './index.js';
import { platforms, preflight, send, sendRaw, startServer, type TestServer } from './test-app.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const ADMIN_ACTUAL = {
  'access-control-allow-origin': ADMIN,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'x-request-id',
  vary: 'Origin',
};

/** How often each stage of the guarded route ran. */
const runs = { guard: 0, interceptor: 0, handler: 0 };

@Injectable()
class AuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    runs.guard++;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers.authorization !== 'Bearer secret') throw new UnauthorizedException();
    return true;
  }
}

@Injectable()
class CountingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    runs.interceptor++;
    return next.handle();
  }
}

@AllowOrigin(ADMIN, {
  credentials: true,
  allowedHeaders: ['authorization'],
  exposedHeaders: ['x-request-id'],
})
@UseGuards(AuthGuard)
@UseInterceptors(CountingInterceptor)
@Controller('accounts')
class AccountsController {
  @Delete(':id')
  remove(): string {
    runs.handler++;
    return 'deleted';
  }
}

describe.each(platforms)('a guarded credentialed route, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot()],
      controllers: [AccountsController],
    });
  });
  afterAll(() => server.close());

  it('answers the preflight without running the guard, the interceptor or the handler', async () => {
    const before = { ...runs };
    expect(
      await preflight(server, '/accounts/7', ADMIN, 'DELETE', {
        'access-control-request-headers': 'authorization',
      }),
    ).toEqual({
      status: 204,
      body: '',
      headers: {
        'access-control-allow-origin': ADMIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'authorization',
        vary: VARY_PREFLIGHT,
      },
    });
    expect(await preflight(server, '/accounts/7', EVIL, 'DELETE')).toEqual({
      status: 403,
      body: '',
      headers: { vary: VARY_PREFLIGHT },
    });
    expect(runs).toEqual(before);
  });

  it('keeps the CORS headers on the 401 the guard throws', async () => {
    const answer = await send(server, 'DELETE', '/accounts/7', { origin: ADMIN });
    expect(answer.status).toBe(HttpStatus.UNAUTHORIZED);
    expect(answer.headers).toEqual(ADMIN_ACTUAL);
  });

  it('runs the route for an authorized actual request', async () => {
    expect(
      await send(server, 'DELETE', '/accounts/7', {
        origin: ADMIN,
        authorization: 'Bearer secret',
      }),
    ).toEqual({
      status: 200,
      body: 'deleted',
      headers: ADMIN_ACTUAL,
    });
  });
});

class TeapotError extends Error {}

@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: TeapotError, host: ArgumentsHost): void {
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { teapot: true }, 418);
  }
}

@AllowOrigin(ADMIN, { credentials: true, exposedHeaders: ['x-request-id'] })
@Controller('failing')
class FailingController {
  @Get('http')
  http(): never {
    throw new NotFoundException('no such thing');
  }

  @Get('error')
  error(): never {
    throw new Error('boom');
  }

  @UseFilters(TeapotFilter)
  @Get('filtered')
  filtered(): never {
    throw new TeapotError('short and stout');
  }

  @Get('middleware-throws')
  middlewareThrows(): string {
    return 'never reached';
  }

  @Get('middleware-next')
  middlewareNext(): string {
    return 'never reached';
  }
}

@Module({ controllers: [FailingController], providers: [TeapotFilter] })
class FailingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(() => {
        throw new UnauthorizedException();
      })
      .forRoutes('failing/middleware-throws');
    consumer
      .apply((_request: unknown, _response: unknown, next: (error?: unknown) => void) =>
        next(new UnauthorizedException()),
      )
      .forRoutes('failing/middleware-next');
  }
}

describe.each(platforms)('error responses, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, { imports: [CorsModule.forRoot(), FailingModule] });
  });
  afterAll(() => server.close());

  it.each([
    ['an HttpException', '/failing/http', 404],
    ['a thrown Error', '/failing/error', 500],
    ['an exception filter', '/failing/filtered', 418],
    ['a Nest middleware that throws', '/failing/middleware-throws', 401],
    ['a Nest middleware that passes an error on', '/failing/middleware-next', 401],
  ])('keeps the CORS headers on the response to %s', async (_what, path, status) => {
    const answer = await send(server, 'GET', path, { origin: ADMIN });
    expect(answer.status).toBe(status);
    expect(answer.headers).toEqual(ADMIN_ACTUAL);
  });

  it('keeps the refusal (Vary only) on an error response to a refused origin', async () => {
    const answer = await send(server, 'GET', '/failing/error', { origin: EVIL });
    expect(answer.status).toBe(500);
    expect(answer.headers).toEqual({ vary: 'Origin' });
  });

  it('answers the preflight of a route that would fail', async () => {
    expect((await preflight(server, '/failing/middleware-throws', ADMIN, 'GET')).status).toBe(204);
  });
});

@Controller('hello')
class HelloController {
  @Get()
  hello(): string {
    return 'hello';
  }

  @Header('Vary', 'Accept-Language')
  @Get('localized')
  localized(): string {
    return 'hallo';
  }
}

describe.each(platforms)('Vary set by a route, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: APP })],
      controllers: [HelloController],
    });
  });
  afterAll(() => server.close());

  it('merges Origin back into the Vary a route replaces, for allowed and refused origins', async () => {
    for (const origin of [APP, EVIL]) {
      const answer = await send(server, 'GET', '/hello/localized', { origin });
      expect(answer.body).toBe('hallo');
      expect(answer.headers.vary).toBe('Accept-Language, Origin');
    }
  });
});

describe.each(platforms)('onDecision, on %s', (platform) => {
  let server: TestServer;
  const calls: { decision: CorsDecision; request: unknown }[] = [];
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [
        CorsModule.forRoot({
          origin: APP,
          onDecision: (decision, request) => calls.push({ decision, request }),
        }),
      ],
      controllers: [HelloController],
    });
  });
  afterAll(() => server.close());

  it("receives each decision with the platform's request object", async () => {
    calls.length = 0;
    await send(server, 'GET', '/hello?x=1', { origin: APP });
    await preflight(server, '/hello', EVIL, 'GET');
    expect(calls.map(({ decision }) => [decision.kind, decision.allowed, decision.reason])).toEqual(
      [
        ['actual', true, undefined],
        ['preflight', false, 'origin-not-allowed'],
      ],
    );
    const request = calls[0]?.request as { url?: string; raw?: unknown; get?: unknown };
    expect(request.url).toBe('/hello?x=1');
    // Express hands on its Request (with `get()`), Fastify its FastifyRequest (with `raw`).
    if (platform === 'express') expect(typeof request.get).toBe('function');
    else expect(request.raw).toBeDefined();
  });
});

@DisableCors()
@Controller('webhook')
class WebhookController {
  @Post()
  receive(): string {
    return 'received';
  }

  @Options()
  options(): string {
    return 'own options';
  }
}

describe.each(platforms)('preflightContinue on a route without a policy, on %s', (platform) => {
  it('hands the refused preflight on to the route, as any refused preflight, and reports it', async () => {
    const calls: CorsDecision[] = [];
    const server = await startServer(platform, {
      imports: [
        CorsModule.forRoot({
          origin: APP,
          preflightContinue: true,
          onDecision: (decision) => calls.push(decision),
        }),
      ],
      controllers: [WebhookController],
    });
    try {
      expect(await preflight(server, '/webhook', APP, 'POST')).toEqual({
        status: 200,
        body: 'own options',
        headers: { vary: VARY_PREFLIGHT },
      });
      expect(calls.map(({ action, reason, detail }) => ({ action, reason, detail }))).toEqual([
        { action: 'continue', reason: 'cors-disabled', detail: 'POST /webhook' },
      ]);
    } finally {
      await server.close();
    }
  });
});

describe.each(platforms)('origin functions, on %s', (platform) => {
  it('grants from an async origin function', async () => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: async (origin) => origin === APP })],
      controllers: [HelloController],
    });
    try {
      expect((await send(server, 'GET', '/hello', { origin: APP })).headers).toEqual({
        'access-control-allow-origin': APP,
        vary: 'Origin',
      });
      expect((await preflight(server, '/hello', APP, 'GET')).status).toBe(204);
      expect((await send(server, 'GET', '/hello', { origin: EVIL })).headers).toEqual({
        vary: 'Origin',
      });
    } finally {
      await server.close();
    }
  });

  it.each(failingOrigins)(
    'answers with an error, no grant and Vary: Origin when the origin function %s, and stays up',
    async (_what, origin) => {
      const server = await startServer(platform, {
        imports: [CorsModule.forRoot({ origin })],
        controllers: [HelloController],
      });
      try {
        const failed = await send(server, 'GET', '/hello', { origin: APP });
        expect([failed.status, failed.headers]).toEqual([500, { vary: 'Origin' }]);
        const failedPreflight = await preflight(server, '/hello', APP, 'GET');
        expect([failedPreflight.status, failedPreflight.headers]).toEqual([
          500,
          { vary: 'Origin' },
        ]);
        // Without an Origin the function is not called: the server still serves.
        expect(await send(server, 'GET', '/hello')).toEqual({
          status: 200,
          body: 'hello',
          headers: { vary: 'Origin' },
        });
      } finally {
        await server.close();
      }
    },
  );
});

/** A global filter that answers every error with a 503 and a Vary of its own. */
@Catch()
class VaryingFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Vary', 'Accept-Language');
    httpAdapter.reply(response, { error: 'unavailable' }, 503);
  }
}

@DisableCors()
@Controller('closed')
class ClosedController {
  @Get()
  closed(): string {
    return 'closed';
  }
}

describe.each(platforms)('error responses of a failing origin function, on %s', (platform) => {
  it.each(failingOrigins)(
    'merges Origin into the Vary an exception filter sets when the function %s',
    async (_what, origin) => {
      const server = await startServer(platform, {
        imports: [CorsModule.forRoot({ origin, credentials: true })],
        controllers: [HelloController],
        providers: [{ provide: APP_FILTER, useClass: VaryingFilter }],
      });
      try {
        for (const answer of [
          await send(server, 'GET', '/hello', { origin: APP }),
          await preflight(server, '/hello', APP, 'GET'),
        ]) {
          expect(answer).toEqual({
            status: 503,
            body: '{"error":"unavailable"}',
            headers: { vary: 'Accept-Language, Origin' },
          });
        }
      } finally {
        await server.close();
      }
    },
  );

  it('answers a refusal of its own as refused when onDecision throws, and reports the error once', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const server = await startServer(platform, {
      imports: [
        CorsModule.forRoot({
          origin: APP,
          onDecision: () => {
            throw new Error('log sink down');
          },
        }),
      ],
      controllers: [ClosedController],
    });
    try {
      // SPEC/issue 18: a throwing hook never turns a request into an error.
      for (let i = 0; i < 2; i++) {
        const answer = await preflight(server, '/closed', APP, 'GET');
        expect([answer.status, answer.headers]).toEqual([403, { vary: VARY_PREFLIGHT }]);
      }
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      error.mockRestore();
      await server.close();
    }
  });
});

describe.each(platforms)('hostile requests, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: [APP, ADMIN], credentials: true })],
      controllers: [HelloController, AccountsController],
    });
  });
  afterAll(() => server.close());

  it('grants nothing to two separate Origin header lines and never echoes them', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const answer = await sendRaw(server, method, '/hello', {
        origin: [APP, ADMIN],
        'access-control-request-method': 'GET',
      });
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.stringify(answer.headers)).not.toContain('example.com');
    }
  });
});
