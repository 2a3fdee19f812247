import { Controller, Delete, Get, Module, Param } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AllowOrigin,
  CorsConfigError,
  CorsModule,
  DisableCors,
  createCorsPolicy,
  type ReconfigurableCorsPolicy,
} from './index.js';
import { platforms, preflight, send, startServer, type TestServer } from './test-app.js';

const APP = 'https://app.example.com';
const NEW = 'https://new.example.com';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

@Controller('plain')
class PlainController {
  @Get()
  list(): string {
    return 'plain';
  }
}

@AllowOrigin(undefined, { credentials: true })
@Controller('admin')
class AdminController {
  @Get()
  list(): string {
    return 'admin';
  }

  @Delete(':id')
  remove(@Param('id') id: string): string {
    return id;
  }
}

@AllowOrigin('*')
@Controller('public')
class PublicController {
  @Get()
  list(): string {
    return 'public';
  }
}

@DisableCors()
@Controller('internal')
class InternalController {
  @Get()
  list(): string {
    return 'internal';
  }
}

const controllers = [PlainController, AdminController, PublicController, InternalController];

describe.each(platforms)('CorsModule.forRoot(policy), reconfigured, on %s', (platform) => {
  let server: TestServer;
  let policy: ReconfigurableCorsPolicy;
  beforeAll(async () => {
    policy = createCorsPolicy({ origin: [APP], exposedHeaders: ['x-a'] });
    server = await startServer(platform, { imports: [CorsModule.forRoot(policy)], controllers });
  });
  afterAll(() => server.close());

  it('starts with the policy options as module defaults', async () => {
    expect((await send(server, 'GET', '/plain', { origin: APP })).headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'x-a',
      vary: 'Origin',
    });
    expect((await send(server, 'GET', '/admin', { origin: APP })).headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-a',
      vary: 'Origin',
    });
  });

  it('moves the module defaults and every route policy built on them to the new options', async () => {
    policy.reconfigure({ origin: [NEW], exposedHeaders: ['x-b'] });
    expect((await send(server, 'GET', '/plain', { origin: APP })).headers).toEqual({
      vary: 'Origin',
    });
    expect((await send(server, 'GET', '/plain', { origin: NEW })).headers).toEqual({
      'access-control-allow-origin': NEW,
      'access-control-expose-headers': 'x-b',
      vary: 'Origin',
    });
    // The controller's credentials stay, merged over the new defaults.
    expect((await send(server, 'GET', '/admin', { origin: NEW })).headers).toEqual({
      'access-control-allow-origin': NEW,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-b',
      vary: 'Origin',
    });
    expect(await preflight(server, '/admin/42', NEW, 'DELETE')).toEqual({
      status: 204,
      body: '',
      headers: {
        'access-control-allow-origin': NEW,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        vary: VARY_PREFLIGHT,
      },
    });
    expect((await preflight(server, '/admin/42', APP, 'DELETE')).headers).toEqual({
      vary: VARY_PREFLIGHT,
    });
    // A route with its own origin keeps it, and takes the other new defaults.
    expect((await send(server, 'GET', '/public', { origin: APP })).headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'x-b',
    });
    expect((await send(server, 'GET', '/internal', { origin: NEW })).headers).toEqual({});
  });

  it('refuses options that a route cannot combine with, and changes nothing', async () => {
    // Valid alone, but the admin controller adds credentials, which '*' exposed headers refuse.
    let error: unknown;
    try {
      policy.reconfigure({ origin: [APP], exposedHeaders: '*' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain('AdminController.list');
    expect(policy.options).toEqual({ origin: [NEW], exposedHeaders: ['x-b'] });
    expect((await send(server, 'GET', '/plain', { origin: NEW })).headers).toEqual({
      'access-control-allow-origin': NEW,
      'access-control-expose-headers': 'x-b',
      vary: 'Origin',
    });
    expect((await send(server, 'GET', '/plain', { origin: APP })).headers).toEqual({
      vary: 'Origin',
    });
  });
});

describe.each(platforms)('CorsModule.forRootAsync() returning a policy, on %s', (platform) => {
  it('follows the policy, and stops following it when the app closes', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    @Module({})
    class EmptyModule {}
    const server = await startServer(platform, {
      imports: [CorsModule.forRootAsync({ imports: [EmptyModule], useFactory: () => policy })],
      controllers,
    });
    try {
      policy.reconfigure({ origin: [NEW] });
      expect((await send(server, 'GET', '/admin', { origin: NEW })).headers).toEqual({
        'access-control-allow-origin': NEW,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      });
    } finally {
      await server.close();
    }
    // The closed app no longer checks its routes against new options.
    expect(() => policy.reconfigure({ origin: [APP], exposedHeaders: '*' })).not.toThrow();
  });
});
