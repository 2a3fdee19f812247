import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describe, expectTypeOf, it } from 'vitest';
import {
  cors,
  corsUpgrade,
  type CorsConfigError,
  type CorsDecision,
  type CorsOptions,
} from './index.js';

interface AppEnv {
  Bindings: { ALLOWED_ORIGINS: string };
  Variables: { tenant: { origins: string[] } };
}

describe('cors() types', () => {
  it('returns a Hono middleware that any app accepts, with or without a path', () => {
    expectTypeOf(cors()).toExtend<MiddlewareHandler>();
    const app = new Hono<AppEnv>();
    app.use(cors());
    app.use('*', cors({ origin: 'https://app.example.com' }));
    app.use('/api/*', cors({ origin: ['https://app.example.com'], credentials: true }));
    app.get('/items/:id', cors(), (c) => c.text(c.req.param('id')));
  });

  it('types the Context of the origin function and onDecision from the Env given to cors<E>()', () => {
    const app = new Hono<AppEnv>();
    app.use(
      '/api/*',
      cors<AppEnv>({
        origin: async (origin, c) => {
          expectTypeOf(c.env.ALLOWED_ORIGINS).toEqualTypeOf<string>();
          expectTypeOf(c.get('tenant')).toEqualTypeOf<{ origins: string[] }>();
          return c.get('tenant').origins.includes(origin);
        },
        onDecision: (decision, c) => {
          expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
          expectTypeOf(c.var.tenant).toEqualTypeOf<{ origins: string[] }>();
        },
      }),
    );
  });

  it("leaves the Env open when none is given, like Hono's createMiddleware, so no cast is needed", () => {
    const app = new Hono<AppEnv>();
    app.use(
      cors({
        origin: (origin, c) => {
          expectTypeOf(c).toEqualTypeOf<Context>();
          return c.req.header('x-tenant') === 'acme' && origin.endsWith('.acme.example');
        },
      }),
    );
  });

  it('takes the Env explicitly when the middleware is built apart from the app', () => {
    const apiCors = cors<AppEnv>({
      origin: (origin, c) => c.env.ALLOWED_ORIGINS.split(',').includes(origin),
    });
    expectTypeOf(apiCors).toEqualTypeOf<MiddlewareHandler<AppEnv>>();
    new Hono<AppEnv>().use('/api/*', apiCors);
    // It composes with Hono's own typed middleware.
    const tenant = createMiddleware<AppEnv>(async (c, next) => {
      c.set('tenant', { origins: [] });
      await next();
    });
    new Hono<AppEnv>().use(tenant, apiCors);
  });

  it('accepts an origin function annotated with a Context', () => {
    const handler = cors({
      origin: (origin: string, c: Context<AppEnv>) => c.env.ALLOWED_ORIGINS === origin,
    });
    expectTypeOf(handler).toEqualTypeOf<MiddlewareHandler<AppEnv>>();
  });

  it('rejects options that are not CORS options', () => {
    // @ts-expect-error hono/cors's allowMethods is spelled methods here
    cors({ allowMethods: ['GET'] });
    // @ts-expect-error origin functions return a boolean, not the origin to send
    cors({ origin: (origin: string) => origin });
    // @ts-expect-error credentials is a boolean
    cors({ credentials: 'true' });
  });

  it('re-exports the core types and the error class', () => {
    expectTypeOf<CorsOptions>().toHaveProperty('origin');
    expectTypeOf<CorsConfigError>().toExtend<Error>();
    expectTypeOf<CorsConfigError>().toHaveProperty('issues');
  });
});

describe('corsUpgrade types', () => {
  it('is a middleware of the same app as cors()', () => {
    type AppEnv = { Bindings: { ALLOWED_ORIGINS: string } };
    const handler = corsUpgrade<AppEnv>({
      origin: (origin: string, c: Context<AppEnv>) => c.env.ALLOWED_ORIGINS === origin,
    });
    expectTypeOf(handler).toEqualTypeOf<MiddlewareHandler<AppEnv>>();
  });
});
