import type { CorsDecision } from '@cors/core';
import { Controller, Delete, Get, Module, Version, VersioningType } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowOrigin, CorsModule } from './index.js';
import { platforms, preflight, send, sendRaw, startServer, type TestServer } from './test-app.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const REFUSED_PREFLIGHT = { status: 403, body: '', headers: { vary: VARY_PREFLIGHT } };

function granted(origin: string, extra: Record<string, string> = {}): object {
  return {
    status: 204,
    body: '',
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': DEFAULT_METHODS,
      ...extra,
      vary: VARY_PREFLIGHT,
    },
  };
}

@Controller('users')
class UsersController {
  @Get(':id')
  find(): string {
    return 'find';
  }

  @AllowOrigin(ADMIN, { credentials: true })
  @Delete(':id')
  remove(): string {
    return 'remove';
  }
}

describe.each(platforms)('preflights routed by path parameters, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: APP })],
      controllers: [UsersController],
    });
  });
  afterAll(() => server.close());

  it('answers OPTIONS /users/42 asking for DELETE with the policy of @Delete(":id")', async () => {
    expect(await preflight(server, '/users/42', ADMIN, 'DELETE')).toEqual(
      granted(ADMIN, { 'access-control-allow-credentials': 'true' }),
    );
    expect(await preflight(server, '/users/42', APP, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
  });

  it('answers the same path asking for GET with the policy of @Get(":id")', async () => {
    expect(await preflight(server, '/users/42', APP, 'GET')).toEqual(granted(APP));
    expect(await preflight(server, '/users/42', ADMIN, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });

  it('ignores the query string when routing', async () => {
    expect((await preflight(server, '/users/42?fields=name', ADMIN, 'DELETE')).status).toBe(204);
  });

  it('answers a path that matches no route with the module policy', async () => {
    expect(await preflight(server, '/users/42/extra', ADMIN, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
    expect(await preflight(server, '/users/42/extra', APP, 'DELETE')).toEqual(granted(APP));
  });

  it('gives actual requests the policy of the route that serves them', async () => {
    expect(await send(server, 'DELETE', '/users/42', { origin: ADMIN })).toEqual({
      status: 200,
      body: 'remove',
      headers: {
        'access-control-allow-origin': ADMIN,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      },
    });
    expect(await send(server, 'GET', '/users/42', { origin: ADMIN })).toEqual({
      status: 200,
      body: 'find',
      headers: { vary: 'Origin' },
    });
  });
});

@Controller('people')
class PeopleController {
  // Declared before 'me': Express tries routes in order, Fastify prefers the static segment.
  @AllowOrigin(ADMIN)
  @Get(':id')
  find(): string {
    return 'find';
  }

  @AllowOrigin(APP)
  @Get('me')
  me(): string {
    return 'me';
  }
}

describe.each(platforms)('a static segment next to a parameter, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot()],
      controllers: [PeopleController],
    });
  });
  afterAll(() => server.close());

  it('answers the preflight for /people/me with the policy of the handler the platform dispatches to', async () => {
    const served = (await send(server, 'GET', '/people/me')).body;
    // Express: first registered match (':id'); Fastify (find-my-way): the static route.
    expect(served).toBe(platform === 'express' ? 'find' : 'me');
    const allowed = served === 'me' ? APP : ADMIN;
    const refused = served === 'me' ? ADMIN : APP;
    expect(await preflight(server, '/people/me', allowed, 'GET')).toEqual(granted(allowed));
    expect(await preflight(server, '/people/me', refused, 'GET')).toEqual(REFUSED_PREFLIGHT);
    expect((await send(server, 'GET', '/people/me', { origin: allowed })).headers).toEqual({
      'access-control-allow-origin': allowed,
      vary: 'Origin',
    });
  });
});

@Controller('accounts')
class AccountsController {
  @AllowOrigin(ADMIN)
  @Delete(':id')
  remove(): string {
    return 'remove';
  }
}

@AllowOrigin('*')
@Controller('health')
class HealthController {
  @Get()
  check(): string {
    return 'ok';
  }
}

describe.each(platforms)('a global prefix, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      platform,
      {
        imports: [CorsModule.forRoot({ origin: APP })],
        controllers: [AccountsController, HealthController],
      },
      (app) => app.setGlobalPrefix('api', { exclude: ['health'] }),
    );
  });
  afterAll(() => server.close());

  it('routes a preflight under the prefix to its handler', async () => {
    expect(await preflight(server, '/api/accounts/9', ADMIN, 'DELETE')).toEqual(granted(ADMIN));
  });

  it('does not route the path without the prefix to that handler', async () => {
    expect(await preflight(server, '/accounts/9', ADMIN, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
  });

  it('routes a path excluded from the prefix to its handler', async () => {
    expect((await send(server, 'GET', '/health', { origin: EVIL })).headers).toEqual({
      'access-control-allow-origin': '*',
    });
    expect((await send(server, 'GET', '/api/health', { origin: EVIL })).headers).toEqual({
      vary: 'Origin',
    });
  });
});

@AllowOrigin(APP)
@Controller({ path: 'orders', version: '1' })
class OrdersV1Controller {
  @Delete(':id')
  remove(): string {
    return 'v1';
  }
}

@AllowOrigin(ADMIN)
@Controller({ path: 'orders', version: '2' })
class OrdersV2Controller {
  @Delete(':id')
  remove(): string {
    return 'v2';
  }

  @AllowOrigin(EVIL)
  @Version('3')
  @Get(':id')
  find(): string {
    return 'v3';
  }
}

describe.each(platforms)('URI versioning, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      platform,
      { imports: [CorsModule.forRoot()], controllers: [OrdersV1Controller, OrdersV2Controller] },
      (app) => app.enableVersioning({ type: VersioningType.URI }),
    );
  });
  afterAll(() => server.close());

  it('routes each version path to the policy of its controller', async () => {
    expect(await preflight(server, '/v1/orders/5', APP, 'DELETE')).toEqual(granted(APP));
    expect(await preflight(server, '/v1/orders/5', ADMIN, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
    expect(await preflight(server, '/v2/orders/5', ADMIN, 'DELETE')).toEqual(granted(ADMIN));
    expect(await preflight(server, '/v2/orders/5', APP, 'DELETE')).toEqual(REFUSED_PREFLIGHT);
  });

  it("routes a handler's own version to its policy", async () => {
    expect(await preflight(server, '/v3/orders/5', EVIL, 'GET')).toEqual(granted(EVIL));
    expect(await preflight(server, '/v2/orders/5', EVIL, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });
});

@AllowOrigin(APP)
@Controller({ path: 'reports', version: '1' })
class ReportsV1Controller {
  @Get()
  list(): string {
    return 'v1';
  }
}

@AllowOrigin(ADMIN)
@Controller({ path: 'reports', version: '2' })
class ReportsV2Controller {
  @Get()
  list(): string {
    return 'v2';
  }
}

@AllowOrigin(APP)
@Controller({ path: 'invoices', version: ['1', '2'] })
class InvoicesController {
  @Get()
  list(): string {
    return 'invoices';
  }
}

@AllowOrigin(APP)
@Controller({ path: 'invoices', version: '3' })
class InvoicesV3Controller {
  @Get()
  list(): string {
    return 'invoices v3';
  }
}

describe.each(platforms)('header versioning, on %s', (platform) => {
  let server: TestServer;
  const decisions: CorsDecision[] = [];
  beforeAll(async () => {
    server = await startServer(
      platform,
      {
        imports: [CorsModule.forRoot({ onDecision: (decision) => decisions.push(decision) })],
        controllers: [
          ReportsV1Controller,
          ReportsV2Controller,
          InvoicesController,
          InvoicesV3Controller,
        ],
      },
      (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'X-API-Version' }),
    );
  });
  afterAll(() => server.close());

  it('refuses a preflight that could reach versions with different policies, and says why', async () => {
    decisions.length = 0;
    expect(await preflight(server, '/reports', APP, 'GET')).toEqual(REFUSED_PREFLIGHT);
    expect(await preflight(server, '/reports', ADMIN, 'GET')).toEqual(REFUSED_PREFLIGHT);
    expect(decisions.map(({ reason, detail }) => ({ reason, detail }))).toEqual([
      { reason: 'route-ambiguous', detail: 'GET /reports' },
      { reason: 'route-ambiguous', detail: 'GET /reports' },
    ]);
  });

  it('answers a preflight whose possible versions share one policy', async () => {
    expect(await preflight(server, '/invoices', APP, 'GET')).toEqual(granted(APP));
    expect(await preflight(server, '/invoices', ADMIN, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });

  it('gives an actual request the policy of the version it asks for', async () => {
    expect(await send(server, 'GET', '/reports', { origin: ADMIN, 'x-api-version': '2' })).toEqual({
      status: 200,
      body: 'v2',
      headers: { 'access-control-allow-origin': ADMIN, vary: 'Origin' },
    });
    expect(await send(server, 'GET', '/reports', { origin: ADMIN, 'x-api-version': '1' })).toEqual({
      status: 200,
      body: 'v1',
      headers: { vary: 'Origin' },
    });
  });
});

@AllowOrigin(APP)
@Controller('files')
class FilesController {
  @Get('*')
  read(): string {
    return 'file';
  }
}

describe.each(platforms)('a wildcard route, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot()],
      controllers: [FilesController],
    });
  });
  afterAll(() => server.close());

  it('routes any depth under the wildcard to its handler', async () => {
    expect(await preflight(server, '/files/a/b/c.txt', APP, 'GET')).toEqual(granted(APP));
    expect(await preflight(server, '/files/a/b/c.txt', EVIL, 'GET')).toEqual(REFUSED_PREFLIGHT);
    expect(await send(server, 'GET', '/files/a/b/c.txt', { origin: APP })).toEqual({
      status: 200,
      body: 'file',
      headers: { 'access-control-allow-origin': APP, vary: 'Origin' },
    });
  });
});

@AllowOrigin(ADMIN)
@Controller('stats')
class StatsController {
  @Get()
  list(): string {
    return 'stats';
  }
}

@Module({ controllers: [StatsController] })
class AdminModule {}

describe.each(platforms)('module paths from RouterModule, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [
        CorsModule.forRoot({ origin: APP }),
        AdminModule,
        RouterModule.register([{ path: 'admin', module: AdminModule }]),
      ],
    });
  });
  afterAll(() => server.close());

  it('routes a preflight under the module path to its handler', async () => {
    expect(await preflight(server, '/admin/stats', ADMIN, 'GET')).toEqual(granted(ADMIN));
    expect(await preflight(server, '/stats', ADMIN, 'GET')).toEqual(REFUSED_PREFLIGHT);
  });
});

@AllowOrigin(ADMIN)
@Controller({ path: 'dashboard', host: 'admin.example.test' })
class AdminHostController {
  @Get()
  show(): string {
    return 'admin dashboard';
  }
}

describe.each(platforms)('host-bound controllers, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot({ origin: APP })],
      controllers: [AdminHostController],
    });
  });
  afterAll(() => server.close());

  it('routes a preflight for the bound host to the controller', async () => {
    const headers = {
      host: 'admin.example.test',
      origin: ADMIN,
      'access-control-request-method': 'GET',
    };
    expect(await sendRaw(server, 'OPTIONS', '/dashboard', headers)).toEqual(granted(ADMIN));
  });

  it('answers a preflight for another host with the module policy', async () => {
    const headers = {
      host: 'www.example.test',
      origin: ADMIN,
      'access-control-request-method': 'GET',
    };
    expect(await sendRaw(server, 'OPTIONS', '/dashboard', headers)).toEqual(REFUSED_PREFLIGHT);
    expect(await sendRaw(server, 'OPTIONS', '/dashboard', { ...headers, origin: APP })).toEqual(
      granted(APP),
    );
  });
});
