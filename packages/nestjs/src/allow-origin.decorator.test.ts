import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowOrigin, CorsConfigError, CorsModule, DisableCors } from './index.js';
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
const PARTNER = 'https://partner.example.org';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const REFUSED_PREFLIGHT = { status: 403, body: '', headers: { vary: VARY_PREFLIGHT } };

@Controller('open')
class UndecoratedController {
  @Get()
  list(): string {
    return 'open';
  }

  @Delete(':id')
  remove(): string {
    return 'removed';
  }
}

@AllowOrigin()
@Controller('inherits')
class NoArgumentController {
  @Get()
  list(): string {
    return 'inherits';
  }
}

@AllowOrigin(ADMIN, { credentials: true, maxAge: 600 })
@Controller('admin')
class AdminController {
  @Get()
  list(): string {
    return 'admin';
  }

  @AllowOrigin(undefined, { maxAge: 60 })
  @Put(':id')
  update(): string {
    return 'updated';
  }

  @AllowOrigin(APP)
  @Post()
  create(): string {
    return 'created';
  }

  @DisableCors()
  @Delete(':id')
  remove(): string {
    return 'removed';
  }
}

@Controller('items')
class ItemsController {
  @AllowOrigin(PARTNER)
  @Delete(':id')
  remove(): string {
    return 'removed';
  }

  @Get(':id')
  find(): string {
    return 'item';
  }
}

@DisableCors()
@Controller('internal')
class InternalController {
  @Get()
  list(): string {
    return 'internal';
  }

  @AllowOrigin(PARTNER)
  @Get('shared')
  shared(): string {
    return 'shared';
  }
}

describe.each(platforms)(
  'decorators over module defaults that name an origin, on %s',
  (platform) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(platform, {
        imports: [CorsModule.forRoot({ origin: APP, exposedHeaders: ['x-module'] })],
        controllers: [
          UndecoratedController,
          NoArgumentController,
          AdminController,
          ItemsController,
          InternalController,
        ],
      });
    });
    afterAll(() => server.close());

    it('gives an undecorated route the module policy', async () => {
      expect(await send(server, 'GET', '/open', { origin: APP })).toEqual({
        status: 200,
        body: 'open',
        headers: {
          'access-control-allow-origin': APP,
          'access-control-expose-headers': 'x-module',
          vary: 'Origin',
        },
      });
      expect(await preflight(server, '/open/1', APP, 'DELETE')).toEqual({
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-methods': DEFAULT_METHODS,
          vary: VARY_PREFLIGHT,
        },
      });
      expect(await preflight(server, '/open/1', ADMIN, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
    });

    it('answers a path no route matches with the module policy', async () => {
      expect(await preflight(server, '/nowhere', APP, 'PUT')).toEqual({
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-methods': DEFAULT_METHODS,
          vary: VARY_PREFLIGHT,
        },
      });
      expect((await send(server, 'GET', '/nowhere', { origin: APP })).headers).toEqual({
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'x-module',
        vary: 'Origin',
      });
    });

    it('gives @AllowOrigin() without arguments the module origin', async () => {
      expect((await send(server, 'GET', '/inherits', { origin: APP })).headers).toEqual({
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'x-module',
        vary: 'Origin',
      });
      expect((await send(server, 'GET', '/inherits', { origin: ADMIN })).headers).toEqual({
        vary: 'Origin',
      });
    });

    it('gives every handler of a decorated controller its policy, merged over the module defaults', async () => {
      expect(await send(server, 'GET', '/admin', { origin: ADMIN })).toEqual({
        status: 200,
        body: 'admin',
        headers: {
          'access-control-allow-origin': ADMIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'x-module',
          vary: 'Origin',
        },
      });
      expect((await send(server, 'GET', '/admin', { origin: APP })).headers).toEqual({
        vary: 'Origin',
      });
    });

    it('merges a handler over its controller option by option, keeping the controller origin', async () => {
      expect(await preflight(server, '/admin/7', ADMIN, 'PUT')).toEqual({
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': ADMIN,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': DEFAULT_METHODS,
          'access-control-max-age': '60',
          vary: VARY_PREFLIGHT,
        },
      });
    });

    it('lets a handler origin replace the controller origin and keeps the other controller options', async () => {
      expect(await preflight(server, '/admin', APP, 'POST')).toEqual({
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': DEFAULT_METHODS,
          'access-control-max-age': '600',
          vary: VARY_PREFLIGHT,
        },
      });
      expect(await preflight(server, '/admin', ADMIN, 'POST')).toEqual(REFUSED_PREFLIGHT);
    });

    it("lets a handler's @DisableCors() override its controller's @AllowOrigin()", async () => {
      expect(await preflight(server, '/admin/7', ADMIN, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
      expect(await send(server, 'DELETE', '/admin/7', { origin: ADMIN })).toEqual({
        status: 200,
        body: 'removed',
        headers: {},
      });
    });

    it('gives a decorated handler of an undecorated controller its own policy', async () => {
      expect((await preflight(server, '/items/3', PARTNER, 'DELETE')).headers).toEqual({
        'access-control-allow-origin': PARTNER,
        'access-control-allow-methods': DEFAULT_METHODS,
        vary: VARY_PREFLIGHT,
      });
      expect(await preflight(server, '/items/3', APP, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
      // The other handler on the same path keeps the module policy.
      expect((await preflight(server, '/items/3', APP, 'GET')).status).toBe(204);
      expect(await preflight(server, '/items/3', PARTNER, 'GET')).toEqual(REFUSED_PREFLIGHT);
    });

    it('grants nothing under @DisableCors(), whatever the module defaults say', async () => {
      expect(await preflight(server, '/internal', APP, 'GET')).toEqual(REFUSED_PREFLIGHT);
      expect(await send(server, 'GET', '/internal', { origin: APP })).toEqual({
        status: 200,
        body: 'internal',
        headers: {},
      });
    });

    it("lets a handler's @AllowOrigin() override its controller's @DisableCors()", async () => {
      expect(await send(server, 'GET', '/internal/shared', { origin: PARTNER })).toEqual({
        status: 200,
        body: 'shared',
        headers: {
          'access-control-allow-origin': PARTNER,
          'access-control-expose-headers': 'x-module',
          vary: 'Origin',
        },
      });
    });
  },
);

@AllowOrigin(PARTNER)
@Controller('base')
class BaseController {}

@Controller('child')
class ChildController extends BaseController {
  @Get()
  list(): string {
    return 'child';
  }
}

describe.each(platforms)('inherited declarations, on %s', (platform) => {
  it("gives a subclass without a declaration its parent controller's policy", async () => {
    const server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: APP })],
      controllers: [ChildController],
    });
    try {
      expect((await send(server, 'GET', '/child', { origin: PARTNER })).headers).toEqual({
        'access-control-allow-origin': PARTNER,
        vary: 'Origin',
      });
    } finally {
      await server.close();
    }
  });
});

describe.each(platforms)('decorators over module defaults without an origin, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot({ maxAge: 300 })],
      controllers: [UndecoratedController, NoArgumentController, ItemsController],
    });
  });
  afterAll(() => server.close());

  it('grants nothing on an undecorated route and refuses its preflights', async () => {
    expect(await send(server, 'GET', '/open', { origin: APP })).toEqual({
      status: 200,
      body: 'open',
      headers: {},
    });
    expect(await preflight(server, '/open/1', APP, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
  });

  it('refuses a preflight for a path no route matches', async () => {
    expect(await preflight(server, '/nowhere', APP, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });

  it("gives @AllowOrigin() without arguments '*' and the other module options", async () => {
    expect((await send(server, 'GET', '/inherits', { origin: APP })).headers).toEqual({
      'access-control-allow-origin': '*',
    });
    expect(await preflight(server, '/inherits', PARTNER, 'GET')).toEqual({
      status: 204,
      body: '',
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-max-age': '300',
        vary: 'Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    });
  });

  it('answers only the decorated handler of a path', async () => {
    expect((await preflight(server, '/items/3', PARTNER, 'DELETE')).status).toBe(204);
    expect(await preflight(server, '/items/3', PARTNER, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });
});

describe.each(platforms)('invalid declarations stop the app at bootstrap, on %s', (platform) => {
  it('throws CorsConfigError naming the handler and the fix for a bad @AllowOrigin origin', async () => {
    @Controller('bad')
    class BadOriginController {
      @AllowOrigin('https://app.example.com/')
      @Get()
      list(): string {
        return 'bad';
      }
    }
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot()],
        controllers: [BadOriginController],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain('BadOriginController.list');
    expect((error as CorsConfigError).message).toContain('did you mean https://app.example.com?');
  });

  it("throws CorsConfigError when a decorator's '*' meets the module's credentials", async () => {
    @AllowOrigin()
    @Controller('open')
    class OpenController {
      @Get()
      list(): string {
        return 'open';
      }
    }
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot({ credentials: true })],
        controllers: [OpenController],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).issues[0]?.option).toBe('origin');
    expect((error as CorsConfigError).message).toContain('OpenController.list');
  });

  it('throws CorsConfigError for a misspelt decorator option', async () => {
    @Controller('typo')
    class TypoController {
      @AllowOrigin(APP, { exposeHeaders: ['x-id'] } as never)
      @Get()
      list(): string {
        return 'typo';
      }
    }
    const error = await startupError(() =>
      startServer(platform, { imports: [CorsModule.forRoot()], controllers: [TypoController] }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain('did you mean exposedHeaders?');
  });

  it('throws CorsConfigError for a handler with both @AllowOrigin() and @DisableCors()', async () => {
    @Controller('both')
    class BothController {
      @AllowOrigin(APP)
      @DisableCors()
      @Get()
      list(): string {
        return 'both';
      }
    }
    const error = await startupError(() =>
      startServer(platform, { imports: [CorsModule.forRoot()], controllers: [BothController] }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain(
      'BothController.list has both @AllowOrigin() and @DisableCors()',
    );
  });
});

describe('module defaults', () => {
  it('throws CorsConfigError where CorsModule.forRoot() is called', () => {
    expect(() => CorsModule.forRoot({ maxAge: -1 })).toThrow(CorsConfigError);
    expect(() => CorsModule.forRoot({ origin: 'app.example.com' })).toThrow(
      'did you mean https://app.example.com?',
    );
  });

  it('accepts credentials without an origin, for decorators to name the origins', () => {
    expect(() => CorsModule.forRoot({ credentials: true })).not.toThrow();
  });
});
