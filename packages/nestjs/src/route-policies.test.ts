// Issue #18.4: option objects cannot smuggle settings. Module defaults and decorator options are
// merged from their own enumerable properties only; `__proto__` and `constructor` are refused at
// start-up, and inherited properties (a `{ __proto__: … }` literal, a polluted Object.prototype)
// are never read.
import { Controller, Get, VersioningType } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  AllowOrigin,
  CorsConfigError,
  CorsModule,
  type AllowOriginOptions,
  type CorsOptions,
} from './index.js';
import {
  platforms,
  preflight,
  sendRaw,
  startServer,
  startupError,
  type TestServer,
} from './test-app.js';

const PARTNER = 'https://partner.example.com';
/** What a GET from PARTNER gets from a policy `{ origin: PARTNER }`: no credentials, nothing exposed. */
const PARTNER_ONLY = {
  status: 200,
  body: 'ok',
  headers: { 'access-control-allow-origin': PARTNER, vary: 'Origin' },
};

const SMUGGLED = '{"credentials":true,"exposedHeaders":["x-secret"]}';

/** A controller at `/path` whose handler has `@AllowOrigin(PARTNER, options)`. */
function decorated(path: string, options: unknown): new () => unknown {
  @Controller(path)
  class DecoratedController {
    @AllowOrigin(PARTNER, options as AllowOriginOptions)
    @Get()
    read(): string {
      return 'ok';
    }
  }
  return DecoratedController;
}

@Controller('plain')
class PlainController {
  @Get()
  read(): string {
    return 'ok';
  }
}

async function withServer(
  start: () => Promise<TestServer>,
  use: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await start();
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

describe.each(platforms)('decorator options that name prototype keys, on %s', (platform) => {
  it.each([
    ['__proto__', `{"__proto__":${SMUGGLED}}`],
    ['constructor', `{"constructor":${SMUGGLED}}`],
  ])('refuses %s (parsed from JSON) at start-up with CorsConfigError', async (name, json) => {
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot()],
        controllers: [decorated('smuggled', JSON.parse(json))],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    const { message, issues } = error as CorsConfigError;
    expect(issues.map((issue) => issue.option)).toEqual([name]);
    expect(message).toContain(`DecoratedController.read: "${name}" is not a CORS option`);
    expect(message).not.toContain('[object Object]');
    expect(message).not.toContain('function Object');
  });

  it('refuses, at start-up, options a decorator object only inherits', async () => {
    const inheriting = Object.create(JSON.parse(SMUGGLED) as object) as AllowOriginOptions;
    const error = await startupError(() =>
      startServer(platform, {
        imports: [CorsModule.forRoot()],
        controllers: [decorated('inherits', inheriting)],
      }),
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).message).toContain(
      'DecoratedController.read: "credentials" is inherited',
    );
  });
});

describe('module defaults that name prototype keys', () => {
  it.each(['__proto__', 'constructor'])(
    'refuses %s (parsed from JSON) where CorsModule.forRoot() is called',
    (name) => {
      const options = JSON.parse(`{"origin":"${PARTNER}","${name}":${SMUGGLED}}`) as CorsOptions;
      expect(() => CorsModule.forRoot(options)).toThrow(CorsConfigError);
      expect(() => CorsModule.forRoot(options)).toThrow(
        `CorsModule defaults: "${name}" is not a CORS option`,
      );
    },
  );
});

describe('inherited module defaults', () => {
  it('refuses options the defaults object only inherits, where CorsModule.forRoot() is called', () => {
    const defaults = Object.create(JSON.parse(SMUGGLED) as object) as CorsOptions;
    defaults.origin = PARTNER;
    expect(() => CorsModule.forRoot(defaults)).toThrow(
      'CorsModule defaults: "credentials" is inherited',
    );
  });
});

describe.each(platforms)('a polluted Object.prototype, on %s', (platform) => {
  it('grants no credentials and exposes nothing that no option object of the app sets', async () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.credentials = true;
    prototype.exposedHeaders = ['x-secret'];
    try {
      // The app's own options are read as ever.
      expect(() => CorsModule.forRoot({ origin: PARTNER, credentials: true })).not.toThrow();
      await withServer(
        () =>
          startServer(platform, {
            imports: [CorsModule.forRoot({ origin: PARTNER })],
            controllers: [PlainController, decorated('decorated', { maxAge: 60 })],
          }),
        async (server) => {
          expect(await sendRaw(server, 'GET', '/plain', { origin: PARTNER })).toEqual(PARTNER_ONLY);
          expect(await sendRaw(server, 'GET', '/decorated', { origin: PARTNER })).toEqual(
            PARTNER_ONLY,
          );
        },
      );
    } finally {
      delete prototype.credentials;
      delete prototype.exposedHeaders;
    }
  });
});

// Declarations written alike, apart, are one policy: a preflight that could reach either route
// is answered, not refused as ambiguous.
@AllowOrigin([PARTNER], { credentials: true, exposedHeaders: ['x-id'] })
@Controller({ path: 'shared', version: '1' })
class SharedV1Controller {
  @Get()
  read(): string {
    return 'v1';
  }
}

@AllowOrigin([PARTNER], { credentials: true, exposedHeaders: ['x-id'] })
@Controller({ path: 'shared', version: '2' })
class SharedV2Controller {
  @Get()
  read(): string {
    return 'v2';
  }
}

describe.each(platforms)('declarations that merge to equal options, on %s', (platform) => {
  it('are one policy to a preflight that could reach either route', async () => {
    await withServer(
      () =>
        startServer(
          platform,
          {
            imports: [CorsModule.forRoot()],
            controllers: [SharedV1Controller, SharedV2Controller],
          },
          (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'x-api-version' }),
        ),
      async (server) => {
        const answer = await preflight(server, '/shared', PARTNER, 'GET');
        expect(answer.status).toBe(204);
        expect(answer.headers['access-control-allow-origin']).toBe(PARTNER);
        expect(answer.headers['access-control-allow-credentials']).toBe('true');
      },
    );
  });
});
