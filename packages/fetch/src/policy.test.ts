// Issue 17 on Fetch handlers: withCors(handler, policy, { onError }), and the cachedOrigins rows
// with what the default onError logs. The reconfiguration run is in conformance.test.ts.
import { APP, ORIGIN_FAILURE_MESSAGE, cachedOriginRows, sendRow } from '@cors/conformance';
import { describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  createCorsPolicy,
  withCors,
  type WithCorsHandlerOptions,
  type WithCorsOptions,
} from './index.js';
import { routeHandler, withErrorLog, withServer } from './test-handler.test-support.js';

const failing = (): Response => {
  throw new Error('handler failed');
};

describe('withCors(handler, policy)', () => {
  it("takes withCors's own options third, and answers a failure with the policy's grant", async () => {
    const policy = createCorsPolicy<Request>({ origin: [APP] });
    const handler = withCors(failing, policy, {
      onError: () => new Response('sorry', { status: 503 }),
    });
    const response = await handler(new Request('http://localhost/', { headers: { origin: APP } }));
    expect([response.status, await response.text()]).toEqual([503, 'sorry']);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    policy.reconfigure({ origin: ['https://new.example.com'] });
    const after = await handler(new Request('http://localhost/', { headers: { origin: APP } }));
    expect([after.status, after.headers.get('access-control-allow-origin')]).toEqual([503, null]);
  });

  it('still takes onError among the options, or third after them', async () => {
    for (const handler of [
      withCors(failing, { origin: [APP], onError: 'rethrow' }),
      withCors(failing, { origin: [APP] }, { onError: 'rethrow' }),
    ]) {
      expect(() => handler(new Request('http://localhost/'))).toThrow('handler failed');
    }
  });

  it.each<[string, () => unknown, string]>([
    [
      'onError given twice',
      () => withCors(failing, { onError: 'rethrow' }, { onError: 'rethrow' }),
      'onError',
    ],
    [
      'a CORS option in the third argument',
      () =>
        withCors(failing, createCorsPolicy(), {
          origin: APP,
        } as WithCorsHandlerOptions),
      'origin',
    ],
    [
      'a third argument that is not an object',
      () => withCors(failing, createCorsPolicy(), 'rethrow' as WithCorsHandlerOptions),
      'handlerOptions',
    ],
    [
      'an onError that is not a function or rethrow, third',
      () =>
        withCors(failing, createCorsPolicy(), {
          onError: 'log',
        } as unknown as WithCorsHandlerOptions),
      'onError',
    ],
    [
      'options inherited from a prototype',
      () => withCors(failing, Object.create({ credentials: true }) as WithCorsOptions),
      'credentials',
    ],
    [
      'a JSON __proto__ key next to onError',
      () =>
        withCors(failing, {
          ...(JSON.parse('{"__proto__": {"credentials": true}}') as object),
          onError: 'rethrow',
        } as WithCorsOptions),
      '__proto__',
    ],
  ])('throws CorsConfigError for %s', (_name, make, option) => {
    let error: unknown;
    try {
      make();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect((error as CorsConfigError).issues.map((issue) => issue.option)).toContain(option);
  });

  it('takes a policy by its brand: options shaped like a policy are checked as options', () => {
    expect(() =>
      withCors(failing, { evaluate: () => ({}), errorVary: [] } as unknown as WithCorsOptions),
    ).toThrow(CorsConfigError);
  });
});

describe('cachedOrigins rows over HTTP', () => {
  it.each(cachedOriginRows)('$name', async (row) => {
    const [observed, logged] = await withErrorLog(() =>
      withServer(routeHandler(row.options), (baseUrl) => sendRow(baseUrl, row.request)),
    );
    expect(observed).toEqual(row.expected);
    // The default onError logs a failing lookup, and nothing else.
    const failed = row.expected.status === 500;
    expect(logged).toEqual(failed ? [new Error(ORIGIN_FAILURE_MESSAGE)] : []);
  });
});
