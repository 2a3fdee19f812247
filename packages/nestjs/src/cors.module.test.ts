import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AllowOrigin,
  CorsConfigError,
  CorsModule,
  type CorsModuleAsyncOptions,
  type CorsOptionsFactory,
  type ModuleDefaults,
} from './index.js';
import {
  platforms,
  preflight,
  send,
  startServer,
  startupError,
  type TestServer,
} from './test-app.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

@Controller('plain')
class PlainController {
  @Get()
  list(): string {
    return 'plain';
  }
}

@AllowOrigin()
@Controller('public')
class PublicController {
  @Get()
  list(): string {
    return 'public';
  }
}

const configuration = (): Record<string, string> => ({
  CORS_ORIGINS: `${APP},${ADMIN}`,
  CORS_MAX_AGE: '600',
});

describe.each(platforms)('CorsModule.forRoot() without options, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot()],
      controllers: [PlainController, PublicController],
    });
  });
  afterAll(() => server.close());

  it('answers only decorated routes', async () => {
    expect(await send(server, 'GET', '/plain', { origin: APP })).toEqual({
      status: 200,
      body: 'plain',
      headers: {},
    });
    expect(await send(server, 'GET', '/public', { origin: APP })).toEqual({
      status: 200,
      body: 'public',
      headers: { 'access-control-allow-origin': '*' },
    });
  });
});

describe.each(platforms)('CorsModule.forRootAsync() with ConfigService, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [
        CorsModule.forRootAsync({
          imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [configuration] })],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            origin: config.getOrThrow<string>('CORS_ORIGINS').split(','),
            credentials: true,
            maxAge: Number(config.getOrThrow<string>('CORS_MAX_AGE')),
          }),
        }),
      ],
      controllers: [PlainController],
    });
  });
  afterAll(() => server.close());

  it('uses the allowlist the factory read from the configuration', async () => {
    expect(await preflight(server, '/plain', ADMIN, 'GET')).toEqual({
      status: 204,
      body: '',
      headers: {
        'access-control-allow-origin': ADMIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-max-age': '600',
        vary: VARY_PREFLIGHT,
      },
    });
    expect(await preflight(server, '/plain', EVIL, 'GET')).toEqual({
      status: 403,
      body: '',
      headers: { vary: VARY_PREFLIGHT },
    });
  });
});

/** Reads the allowlist from ConfigService, for `useClass` and `useExisting`. */
@Injectable()
class CorsConfig implements CorsOptionsFactory {
  // Explicit token: the tests build without decorator metadata.
  constructor(@Inject(ConfigService) private readonly config: ConfigService) {}

  createCorsOptions(): ModuleDefaults {
    return { origin: this.config.getOrThrow<string>('CORS_ORIGINS').split(',') };
  }
}

@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [configuration] })],
  providers: [CorsConfig],
  exports: [CorsConfig],
})
class CorsConfigModule {}

describe.each(platforms)('CorsModule.forRootAsync() with a class, on %s', (platform) => {
  it.each<[string, CorsModuleAsyncOptions]>([
    [
      'useClass',
      {
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [configuration] })],
        useClass: CorsConfig,
      },
    ],
    ['useExisting', { imports: [CorsConfigModule], useExisting: CorsConfig }],
  ])('takes the module defaults from createCorsOptions() with %s', async (_how, options) => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRootAsync(options)],
      controllers: [PlainController],
    });
    try {
      expect((await send(server, 'GET', '/plain', { origin: ADMIN })).headers).toEqual({
        'access-control-allow-origin': ADMIN,
        vary: 'Origin',
      });
      expect((await send(server, 'GET', '/plain', { origin: EVIL })).headers).toEqual({
        vary: 'Origin',
      });
    } finally {
      await server.close();
    }
  });

  it('throws CorsConfigError when createCorsOptions() returns invalid options', async () => {
    @Injectable()
    class InvalidCorsConfig implements CorsOptionsFactory {
      createCorsOptions(): Promise<ModuleDefaults> {
        return Promise.resolve({ origin: '*', credentials: true });
      }
    }
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRootAsync({ useClass: InvalidCorsConfig })],
        controllers: [PlainController],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
  });
});

describe('CorsModule.forRootAsync() options', () => {
  it.each([
    ['none', {}],
    ['two', { useClass: CorsConfig, useExisting: CorsConfig }],
  ])(
    'throws CorsConfigError given %s of useFactory, useClass and useExisting',
    (_count, options) => {
      expect(() => CorsModule.forRootAsync(options as CorsModuleAsyncOptions)).toThrow(
        CorsConfigError,
      );
      expect(() => CorsModule.forRootAsync(options as CorsModuleAsyncOptions)).toThrow(
        /useFactory, useClass and useExisting.*give exactly one/,
      );
    },
  );
});

describe.each(platforms)('start-up checks, on %s', (platform) => {
  it('throws CorsConfigError when the async factory returns invalid options', async () => {
    const error = await startupError(() =>
      startServer(platform, {
        imports: [
          CorsModule.forRootAsync({ useFactory: async () => ({ origin: '*', credentials: true }) }),
        ],
        controllers: [PlainController],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain('list the origins');
  });

  it('refuses a second CorsModule, which would replace the first one silently', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: ADMIN })] })
    class FeatureModule {}
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot({ origin: APP }), FeatureModule],
        controllers: [PlainController],
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('imported more than once');
  });
});

describe('an application context without HTTP', () => {
  it('starts and closes with CorsModule imported', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: APP })] })
    class WorkerModule {}
    const context = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await context.close();
  });
});
