// Issue 17 on Fastify: a policy from createCorsPolicy registered in place of options, followed
// by every route over real HTTP; options read as the core reads them. The reconfiguration run
// and the cachedOrigins rows are in conformance.test.ts.
import {
  ADMIN,
  APP,
  DEFAULT_METHODS,
  PREFLIGHT_VARY as VARY_PREFLIGHT,
  ROUTE_BODY,
  sendRow,
  type RowRequest,
} from '@cors/conformance';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, createCorsPolicy, type FastifyCorsOptions } from './index.js';
import { withServer } from './test-app.test-support.js';

const NEW = 'https://new.example.com';
const get = (origin: string): RowRequest => ({ method: 'GET', headers: { origin } });
const preflight = (origin: string): RowRequest => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT' },
});
const refused = { status: 200, routeRuns: true, headers: { vary: 'Origin' } };
const granted = (origin: string, extra: Record<string, string> = {}) => ({
  status: 200,
  routeRuns: true,
  headers: { 'access-control-allow-origin': origin, ...extra, vary: 'Origin' },
});

/** `/` follows the plugin's policy; `/private` adds credentials; `/open` allows every origin. */
async function policyApp(
  policy: ReturnType<typeof createCorsPolicy<FastifyRequest>>,
): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(cors, policy);
  app.all('/', async () => ROUTE_BODY);
  app.all('/private', { config: { cors: { credentials: true } } }, async () => ROUTE_BODY);
  app.all('/open', { config: { cors: { origin: '*' } } }, async () => ROUTE_BODY);
  return app;
}

describe('a reconfigurable policy registered with app.register(cors, policy)', () => {
  it('recompiles routes with config.cors over the new options, and preflights find them', async () => {
    const policy = createCorsPolicy<FastifyRequest>({ origin: [APP] });
    const app = await policyApp(policy);
    await withServer(app, async (baseUrl) => {
      expect(await sendRow(baseUrl, get(APP), '/private')).toEqual(
        granted(APP, { 'access-control-allow-credentials': 'true' }),
      );
      expect(await sendRow(baseUrl, get(NEW), '/private')).toEqual(refused);

      policy.reconfigure({ origin: [NEW], exposedHeaders: ['x-new'] });
      const expose = { 'access-control-expose-headers': 'x-new' };
      expect(await sendRow(baseUrl, get(NEW), '/')).toEqual(granted(NEW, expose));
      expect(await sendRow(baseUrl, get(APP), '/')).toEqual(refused);
      expect(await sendRow(baseUrl, get(NEW), '/private')).toEqual(
        granted(NEW, { 'access-control-allow-credentials': 'true', ...expose }),
      );
      expect(await sendRow(baseUrl, get(APP), '/private')).toEqual(refused);
      // The route's own origin still wins over the policy's.
      expect(await sendRow(baseUrl, get(ADMIN), '/open')).toEqual({
        status: 200,
        routeRuns: true,
        headers: { 'access-control-allow-origin': '*', ...expose },
      });
      expect(await sendRow(baseUrl, preflight(NEW), '/private')).toEqual({
        status: 204,
        routeRuns: false,
        headers: {
          'access-control-allow-origin': NEW,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': DEFAULT_METHODS,
          vary: VARY_PREFLIGHT,
        },
      });
    });
  });

  it("refuses a reconfiguration that makes a route's options invalid, naming it, and changes nothing", async () => {
    const policy = createCorsPolicy<FastifyRequest>({ origin: [APP] });
    const app = await policyApp(policy);
    await withServer(app, async (baseUrl) => {
      let error: unknown;
      try {
        // '*' with the credentials of /private is refused by the SPEC.
        policy.reconfigure({ origin: '*' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CorsConfigError);
      expect((error as CorsConfigError).message).toMatch(
        /credentials: true \(route [A-Z,]+ \/private\)/,
      );
      expect(policy.options).toEqual({ origin: [APP] });
      expect(await sendRow(baseUrl, get(NEW), '/')).toEqual(refused);
      expect(await sendRow(baseUrl, get(APP), '/')).toEqual(granted(APP));
      expect(await sendRow(baseUrl, get(APP), '/private')).toEqual(
        granted(APP, { 'access-control-allow-credentials': 'true' }),
      );
    });
  });

  it('routes added after a reconfiguration merge over the new options', async () => {
    const policy = createCorsPolicy<FastifyRequest>({ origin: [APP] });
    const app = Fastify();
    await app.register(cors, policy);
    policy.reconfigure({ origin: [NEW] });
    app.get('/late', { config: { cors: { credentials: true } } }, async () => ROUTE_BODY);
    await withServer(app, async (baseUrl) => {
      expect(await sendRow(baseUrl, get(NEW), '/late')).toEqual(
        granted(NEW, { 'access-control-allow-credentials': 'true' }),
      );
    });
  });

  it('stops recompiling a closed app’s routes', async () => {
    const policy = createCorsPolicy<FastifyRequest>({ origin: [APP] });
    const app = await policyApp(policy);
    await app.ready();
    expect(() => policy.reconfigure({ origin: '*' })).toThrow(CorsConfigError);
    await app.close();
    expect(() => policy.reconfigure({ origin: '*' })).not.toThrow();
  });

  it('takes a policy by its brand: options shaped like a policy are checked as options', async () => {
    const app = Fastify();
    await expect(
      app.register(cors, { evaluate: () => ({}), errorVary: [] } as unknown as FastifyCorsOptions),
    ).rejects.toBeInstanceOf(CorsConfigError);
  });
});

describe('options read as @cors/core reads them', () => {
  it('refuses options inherited from a prototype, on the plugin and on a route (naming it)', async () => {
    const inherited = Object.create({ credentials: true }) as FastifyCorsOptions;
    inherited.origin = [APP];
    await expect(Fastify().register(cors, inherited)).rejects.toThrow(/credentials.*inherited/);

    const other = Fastify();
    await other.register(cors, { origin: [APP], logLevel: 'warn' } as FastifyCorsOptions);
    expect(() =>
      other.get(
        '/r',
        { config: { cors: Object.create({ credentials: true }) as object } },
        () => 'x',
      ),
    ).toThrow(/credentials.*route GET \/r/);
  });
});
