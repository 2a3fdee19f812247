// The rule these tests hold (issue #18): the policy that answers a request is the policy of the
// handler the platform actually runs, or no grant where that cannot be known; never a
// neighbour's. Each case sends requests over real HTTP and checks the grant against the body,
// which names the handler that served it.
import { All, Controller, Get, VERSION_NEUTRAL, Version, VersioningType } from '@nestjs/common';
import type { VersioningOptions } from '@nestjs/common';
import { RouteConstraints } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowOrigin, CorsModule, DisableCors } from '../index.js';
import {
  platforms,
  sendRaw,
  type Answer,
  type Platform,
  type TestServer,
  startServer,
} from '../test-app.js';

const PARTNER = 'https://partner.example.com';
const MODULE = 'https://module.example.com';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

/** What each handler's policy gives an actual GET from PARTNER. */
const PARTNER_GRANT = {
  'access-control-allow-origin': PARTNER,
  'access-control-allow-credentials': 'true',
  vary: 'Origin',
};
const ANY_GRANT = { 'access-control-allow-origin': '*' };
const NO_GRANT = {};

@AllowOrigin([PARTNER], { credentials: true })
@Controller('data')
class PartnerDataController {
  @Version(['1', VERSION_NEUTRAL])
  @Get()
  read(): string {
    return 'partner';
  }
}

@DisableCors()
@Controller('data')
class DisabledDataController {
  @Get()
  read(): string {
    return 'disabled';
  }
}

/** An actual GET /data from PARTNER with exactly `headers`. */
function getData(server: TestServer, headers: Record<string, string>): Promise<Answer> {
  return sendRaw(server, 'GET', '/data', { origin: PARTNER, ...headers });
}

/** The answer the handler named by the body must give (its own policy, nobody else's). */
function ownAnswer(body: string): object {
  return {
    status: 200,
    body,
    headers: body === 'partner' ? PARTNER_GRANT : NO_GRANT,
  };
}

interface VersioningCase {
  readonly name: string;
  readonly versioning: VersioningOptions;
  /** Request headers, and the handler each platform runs for them. */
  readonly requests: readonly {
    readonly headers: Record<string, string>;
    readonly served: Readonly<Record<Platform, 'partner' | 'disabled'>>;
  }[];
}

const versioningCases: readonly VersioningCase[] = [
  {
    name: 'media-type versioning',
    versioning: { type: VersioningType.MEDIA_TYPE, key: 'v=' },
    requests: [
      // Issue #18.1: Fastify's constraint reads an empty Accept as "no version" (the unversioned
      // route); Express's version filter reads it as version-neutral.
      { headers: { accept: '' }, served: { express: 'partner', fastify: 'disabled' } },
      {
        headers: { accept: 'application/json' },
        served: { express: 'partner', fastify: 'partner' },
      },
      {
        headers: { accept: 'application/json;v=1' },
        served: { express: 'partner', fastify: 'partner' },
      },
      {
        headers: { accept: 'application/json;v=2' },
        served: { express: 'disabled', fastify: 'disabled' },
      },
      {
        headers: { accept: 'application/json;q=1' },
        served: { express: 'disabled', fastify: 'disabled' },
      },
    ],
  },
  {
    name: 'header versioning',
    versioning: { type: VersioningType.HEADER, header: 'X-API-Version' },
    requests: [
      // An empty version header is a version ("") on both platforms, not version-neutral.
      { headers: { 'x-api-version': '' }, served: { express: 'disabled', fastify: 'disabled' } },
      { headers: {}, served: { express: 'partner', fastify: 'partner' } },
      { headers: { 'x-api-version': '1' }, served: { express: 'partner', fastify: 'partner' } },
      { headers: { 'x-api-version': '2' }, served: { express: 'disabled', fastify: 'disabled' } },
    ],
  },
  {
    name: 'custom versioning',
    versioning: {
      type: VersioningType.CUSTOM,
      extractor: (request: unknown) => {
        const header = (request as { headers: Record<string, string | undefined> }).headers[
          'x-version'
        ];
        return header === undefined ? [] : header.split(',');
      },
    },
    requests: [
      { headers: {}, served: { express: 'disabled', fastify: 'disabled' } },
      { headers: { 'x-version': '1' }, served: { express: 'partner', fastify: 'partner' } },
      { headers: { 'x-version': '3,1' }, served: { express: 'partner', fastify: 'partner' } },
      { headers: { 'x-version': '2' }, served: { express: 'disabled', fastify: 'disabled' } },
    ],
  },
];

describe.each(platforms)(
  'a versioned route and a disabled one on the same path, on %s',
  (platform) => {
    describe.each(versioningCases)('$name', ({ versioning, requests }) => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startServer(
          platform,
          {
            imports: [CorsModule.forRoot()],
            controllers: [PartnerDataController, DisabledDataController],
          },
          (app) => app.enableVersioning(versioning),
        );
      });
      afterAll(() => server.close());

      it.each(requests)(
        'answers $headers with the policy of the handler that serves it',
        async ({ headers, served }) => {
          expect(await getData(server, headers)).toEqual(ownAnswer(served[platform]));
        },
      );

      it('refuses the preflight, which cannot tell which of the two will serve', async () => {
        const answer = await sendRaw(server, 'OPTIONS', '/data', {
          origin: PARTNER,
          'access-control-request-method': 'GET',
        });
        expect(answer).toEqual({ status: 403, body: '', headers: { vary: VARY_PREFLIGHT } });
      });
    });
  },
);

@AllowOrigin('*')
@Controller('page')
class PublicPageController {
  @RouteConstraints({ host: 'public.example.com' })
  @Get()
  read(): string {
    return 'public';
  }
}

@DisableCors()
@Controller('page')
class InternalPageController {
  @Get()
  read(): string {
    return 'internal';
  }
}

describe.each(platforms)(
  '@RouteConstraints({ host }) next to a disabled route, on %s',
  (platform) => {
    // Fastify honours the host constraint; Express ignores @RouteConstraints() and runs the route
    // registered first.
    const served = {
      'public.example.com': 'public',
      'internal.example.com': platform === 'fastify' ? 'internal' : 'public',
    } as const;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(platform, {
        imports: [CorsModule.forRoot()],
        controllers: [PublicPageController, InternalPageController],
      });
    });
    afterAll(() => server.close());

    it.each(Object.keys(served) as (keyof typeof served)[])(
      'answers a request for %s with the policy of the handler that serves it',
      async (host) => {
        const answer = await sendRaw(server, 'GET', '/page', { host, origin: PARTNER });
        const body = served[host];
        expect(answer).toEqual({
          status: 200,
          body,
          headers: body === 'public' ? ANY_GRANT : NO_GRANT,
        });
      },
    );

    it.each(Object.keys(served) as (keyof typeof served)[])(
      'answers a preflight for %s with the policy of the handler that will serve it',
      async (host) => {
        const answer = await sendRaw(server, 'OPTIONS', '/page', {
          host,
          origin: PARTNER,
          'access-control-request-method': 'GET',
        });
        expect(answer).toEqual(
          served[host] === 'public'
            ? {
                status: 204,
                body: '',
                headers: {
                  'access-control-allow-origin': '*',
                  'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
                  vary: 'Access-Control-Request-Method, Access-Control-Request-Headers',
                },
              }
            : { status: 403, body: '', headers: { vary: VARY_PREFLIGHT } },
        );
      },
    );
  },
);

describe.each(platforms)('HEAD next to a versioned route, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      platform,
      {
        imports: [CorsModule.forRoot()],
        controllers: [PartnerDataController, DisabledDataController],
      },
      (app) => app.enableVersioning({ type: VersioningType.MEDIA_TYPE, key: 'v=' }),
    );
  });
  afterAll(() => server.close());

  it('answers HEAD with the policy of the GET handler that serves it', async () => {
    const answer = await sendRaw(server, 'HEAD', '/data', { origin: PARTNER, accept: '' });
    // Fastify serves HEAD with the disabled GET route, Express with the versioned one.
    expect(answer).toEqual({
      status: 200,
      body: '',
      headers: platform === 'fastify' ? NO_GRANT : PARTNER_GRANT,
    });
  });
});

@AllowOrigin('*')
@Controller('items')
class OpenItemsController {
  @Get()
  read(): string {
    return 'open';
  }
}

@DisableCors()
@Controller({ path: 'items', version: '1' })
class VersionedItemsController {
  @Get()
  read(): string {
    return 'v1';
  }
}

describe.each(platforms)('a custom version extractor that throws, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      platform,
      {
        imports: [CorsModule.forRoot({ origin: MODULE })],
        controllers: [VersionedItemsController, OpenItemsController],
      },
      (app) =>
        app.enableVersioning({
          type: VersioningType.CUSTOM,
          extractor: (request: unknown) => {
            const header = (request as { headers: Record<string, string | undefined> }).headers[
              'x-version'
            ];
            if (header === 'boom') throw new Error('unreadable version');
            return header ?? '';
          },
        }),
    );
  });
  afterAll(() => server.close());

  it('answers the error response as no route serves it: with the module policy', async () => {
    const answer = await sendRaw(server, 'GET', '/items', { origin: MODULE, 'x-version': 'boom' });
    expect(answer.status).toBe(500);
    expect(answer.headers).toEqual({ 'access-control-allow-origin': MODULE, vary: 'Origin' });
  });

  it('answers the requests the routes serve with their own policies', async () => {
    expect(await sendRaw(server, 'GET', '/items', { origin: PARTNER })).toEqual({
      status: 200,
      body: 'open',
      headers: ANY_GRANT,
    });
    expect(await sendRaw(server, 'GET', '/items', { origin: PARTNER, 'x-version': '1' })).toEqual({
      status: 200,
      body: 'v1',
      headers: NO_GRANT,
    });
  });
});

describe.each(platforms)('a route added to the platform instance directly, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      platform,
      {
        imports: [CorsModule.forRoot({ origin: PARTNER })],
        controllers: [DisabledDataController],
      },
      (app) => {
        type Handler = (request: unknown, response: unknown) => unknown;
        const instance = app.getHttpAdapter().getInstance() as {
          get(path: string, handler: Handler): void;
          post(path: string, handler: Handler): void;
        };
        const reply =
          (body: string): Handler =>
          (_request, response) =>
            platform === 'express' ? (response as { send(body: string): void }).send(body) : body;
        instance.get('/raw', reply('raw'));
        // On a path Nest also has a route on (GET /data), with another method.
        instance.post('/data', reply('raw post'));
      },
    );
  });
  afterAll(() => server.close());

  it('gets the module policy, as a path without a Nest route does', async () => {
    expect(await sendRaw(server, 'GET', '/raw', { origin: PARTNER })).toEqual({
      status: 200,
      body: 'raw',
      headers: { 'access-control-allow-origin': PARTNER, vary: 'Origin' },
    });
    expect(await sendRaw(server, 'GET', '/data', { origin: PARTNER })).toEqual(
      ownAnswer('disabled'),
    );
  });

  it("never gets a Nest route's policy on that route's path", async () => {
    // Fastify: a route on a path of the table that is none of its routes cannot be told apart
    // from them, so no grant. Express: no Nest route serves POST /data, so the module policy.
    expect(await sendRaw(server, 'POST', '/data', { origin: PARTNER })).toEqual({
      status: 200,
      body: 'raw post',
      headers:
        platform === 'fastify'
          ? NO_GRANT
          : { 'access-control-allow-origin': PARTNER, vary: 'Origin' },
    });
  });
});

@Controller('any')
class AnyMethodController {
  @AllowOrigin([PARTNER], { credentials: true })
  @All()
  any(): string {
    return 'partner';
  }

  @DisableCors()
  @Get('closed')
  closed(): string {
    return 'disabled';
  }
}

describe.each(platforms)('@All() next to a disabled route, on %s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(platform, {
      imports: [CorsModule.forRoot()],
      controllers: [AnyMethodController],
    });
  });
  afterAll(() => server.close());

  it.each(['GET', 'PUT', 'DELETE'])(
    'answers %s with the policy of the @All() handler',
    async (method) => {
      const answer = await sendRaw(server, method, '/any', { origin: PARTNER });
      expect(answer).toEqual(ownAnswer('partner'));
    },
  );

  it('answers the disabled route with its own policy', async () => {
    expect(await sendRaw(server, 'GET', '/any/closed', { origin: PARTNER })).toEqual(
      ownAnswer('disabled'),
    );
  });
});

describe.each(platforms)('whatever the platform picks, on %s', (platform) => {
  // Configurations where the platforms' choices are intricate (a default version that the
  // disabled route takes too, version arrays): whichever handler serves, its own policy answers.
  const configurations: readonly VersioningOptions[] = [
    { type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' },
    {
      type: VersioningType.HEADER,
      header: 'X-API-Version',
      defaultVersion: ['2', VERSION_NEUTRAL],
    },
    { type: VersioningType.MEDIA_TYPE, key: 'v=', defaultVersion: '2' },
    { type: VersioningType.MEDIA_TYPE, key: 'v=', defaultVersion: VERSION_NEUTRAL },
  ];
  const requests: readonly Record<string, string>[] = [
    {},
    { accept: '' },
    { accept: 'application/json' },
    { accept: 'application/json;v=1' },
    { accept: 'application/json;v=2' },
    { 'x-api-version': '' },
    { 'x-api-version': '1' },
    { 'x-api-version': '2' },
  ];

  it.each(configurations)(
    "answers every request with its handler's policy: %o",
    async (versioning) => {
      const server = await startServer(
        platform,
        {
          imports: [CorsModule.forRoot()],
          controllers: [PartnerDataController, DisabledDataController],
        },
        (app) => app.enableVersioning(versioning),
      );
      try {
        const served = new Set<string>();
        for (const headers of requests) {
          const answer = await getData(server, headers);
          if (answer.status === 200) {
            served.add(answer.body);
            expect({ headers, answer }).toEqual({ headers, answer: ownAnswer(answer.body) });
          } else {
            expect({ headers, answer: answer.headers }).toEqual({ headers, answer: NO_GRANT });
          }
        }
        // The case is only meaningful if the partner route serves some of them.
        expect(served).toContain('partner');
      } finally {
        await server.close();
      }
    },
  );
});
