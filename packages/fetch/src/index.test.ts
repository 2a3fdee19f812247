// In-process tests on Node's global `Request` and `Response`, as a Worker, Bun or Deno would
// call the handler. The same behaviour over real HTTP is in http.test.ts.
import {
  allRows,
  configErrorRows,
  expectConfigError,
  observe,
  originFailureRows,
  ORIGIN_FAILURE_MESSAGE,
  pickCorsHeaders,
  ROUTE_BODY,
} from '@cors/conformance';
import { describe, expect, it, vi } from 'vitest';
import { APP, EVIL, GRANT, routeHandler, withErrorLog } from './test-handler.test-support.js';
import { CorsConfigError, withCors, type CorsDecision, type WithCorsOptions } from './index.js';
import { reportRows, runReportRow } from '@cors/conformance';

const URL_ = 'http://localhost/';

function request(method: string, headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method, headers });
}

describe('conformance rows, in-process', () => {
  it.each(allRows)('$name', async (row) => {
    const response = await routeHandler(row.options)(
      request(row.request.method, row.request.headers),
    );
    expect(await observe(response)).toEqual(row.expected);
  });

  it.each(originFailureRows)('$name (the default onError)', async (row) => {
    const [observed, logged] = await withErrorLog(async () =>
      observe(await routeHandler(row.options)(request(row.request.method, row.request.headers))),
    );
    expect(observed).toEqual(row.expected);
    expect(logged).toEqual([new Error(ORIGIN_FAILURE_MESSAGE)]);
  });
});

describe('configuration errors', () => {
  it.each(configErrorRows)(
    'withCors() throws CorsConfigError at start-up for $name',
    async (row) => {
      await expectConfigError(
        () => withCors(() => new Response(), row.options as WithCorsOptions),
        row,
        CorsConfigError,
      );
    },
  );

  it.each([
    ['a string other than rethrow', 'log'],
    ['an object', { report: true }],
  ])('refuses onError set to %s, naming the value and the fix', (_, onError) => {
    expect(() => withCors(() => new Response(), { onError } as unknown as WithCorsOptions)).toThrow(
      CorsConfigError,
    );
    try {
      withCors(() => new Response(), { onError } as unknown as WithCorsOptions);
    } catch (error) {
      const { issues, message } = error as CorsConfigError;
      expect(issues[0]?.option).toBe('onError');
      expect(message).toContain("'rethrow' or a function");
    }
  });

  it('refuses a handler that is not a function', () => {
    expect(() => withCors({ origin: APP } as never)).toThrow(/handler: .* is not a function/);
  });
});

describe('the synchronous path', () => {
  it('returns a Response, not a promise, when the handler and the decision are synchronous', () => {
    const handler = withCors(() => new Response('ok'), { origin: APP });
    const actual = handler(request('GET', { origin: APP }));
    expect(actual).toBeInstanceOf(Response);
    expect(pickCorsHeaders((actual as Response).headers)).toEqual(GRANT);
    const preflight = handler(
      request('OPTIONS', { origin: APP, 'access-control-request-method': 'PUT' }),
    );
    expect(preflight).toBeInstanceOf(Response);
    expect((preflight as Response).status).toBe(204);
  });

  it('passes the runtime arguments after the request on to the handler', async () => {
    const env = { ALLOWED: APP };
    const ctx = { waitUntil: vi.fn() };
    const seen: unknown[] = [];
    const handler = withCors(
      (req: Request, e: typeof env, c: typeof ctx) => {
        seen.push(e, c);
        return new Response(ROUTE_BODY);
      },
      { origin: APP },
    );
    await handler(request('GET', { origin: APP }), env, ctx);
    expect(seen).toEqual([env, ctx]);
  });
});

describe('responses the handler built', () => {
  it('merges Origin into the Vary the handler set, never twice', async () => {
    const handler = withCors(
      () => new Response('zipped', { headers: { Vary: 'Accept-Encoding, origin' } }),
      { origin: APP },
    );
    const response = await handler(request('GET', { origin: APP }));
    expect(pickCorsHeaders(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      vary: 'Accept-Encoding, origin',
    });
    const other = withCors(() => new Response('x', { headers: { Vary: 'Accept-Encoding' } }), {
      origin: APP,
    });
    expect(pickCorsHeaders((await other(request('GET', { origin: APP }))).headers)).toEqual({
      ...GRANT,
      vary: 'Accept-Encoding, Origin',
    });
  });

  it('copies a Response.redirect, whose headers are immutable, and keeps its status and Location', async () => {
    const handler = withCors(() => Response.redirect('https://example.com/next', 302), {
      origin: APP,
    });
    const response = await handler(request('GET', { origin: APP }));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/next');
    expect(pickCorsHeaders(response.headers)).toEqual(GRANT);
  });

  it('copies a response whose headers are immutable (as a fetched upstream response) with its body', async () => {
    const upstream = new Response('from upstream', { status: 201, headers: { Vary: 'Cookie' } });
    Object.defineProperty(upstream, 'headers', { value: freeze(upstream.headers) });
    const handler = withCors(() => upstream, { origin: APP });
    const response = await handler(request('GET', { origin: APP }));
    expect(response).not.toBe(upstream);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('from upstream');
    expect(pickCorsHeaders(response.headers)).toEqual({ ...GRANT, vary: 'Cookie, Origin' });
  });

  it('leaves a 101 WebSocket upgrade alone', async () => {
    const upgrade = Response.redirect('https://example.com/', 302);
    Object.defineProperty(upgrade, 'status', { value: 101 });
    const handler = withCors(() => upgrade, { origin: APP });
    expect(await handler(request('GET', { origin: APP }))).toBe(upgrade);
  });
});

/** Headers that refuse changes, as those of a `fetch()` response in the runtimes. */
function freeze(headers: Headers): Headers {
  const frozen = new Headers(headers);
  const refuse = (): never => {
    throw new TypeError('immutable');
  };
  Object.defineProperties(frozen, {
    set: { value: refuse },
    append: { value: refuse },
    delete: { value: refuse },
  });
  return frozen;
}

describe('a handler that returns nothing', () => {
  it("passes Bun's undefined after server.upgrade() through untouched", async () => {
    const upgraded = withCors(() => undefined as unknown as Response, { origin: APP });
    expect(upgraded(request('GET', { origin: APP }))).toBeUndefined();
    const later = withCors(async () => undefined as unknown as Response, { origin: APP });
    expect(await later(request('GET', { origin: APP }))).toBeUndefined();
  });
});

describe('a handler that throws', () => {
  const credentialed = { origin: APP, credentials: true };
  const granted = { ...GRANT, 'access-control-allow-credentials': 'true' };

  it.each([
    [
      'throws',
      () => {
        throw new Error('database down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('database down'))],
  ] as const)(
    'answers 500 with the grant when the handler %s, and logs the error by default',
    async (_, fail) => {
      const [response, logged] = await withErrorLog(async () =>
        withCors(fail, credentialed)(request('GET', { origin: APP })),
      );
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal Server Error');
      expect(pickCorsHeaders(response.headers)).toEqual(granted);
      expect(logged).toEqual([new Error('database down')]);
    },
  );

  it("sends onError's own response with the grant merged in, and gives it the request", async () => {
    const seen: unknown[] = [];
    const handler = withCors(
      () => {
        throw new Error('not yours');
      },
      {
        ...credentialed,
        onError: async (error, req) => {
          seen.push(error, req);
          return Response.json(
            { error: (error as Error).message },
            {
              status: 403,
              headers: { Vary: 'Authorization' },
            },
          );
        },
      },
    );
    const req = request('GET', { origin: APP });
    const response = await handler(req);
    expect([response.status, await response.json()]).toEqual([403, { error: 'not yours' }]);
    expect(pickCorsHeaders(response.headers)).toEqual({
      ...granted,
      vary: 'Authorization, Origin',
    });
    expect(seen).toEqual([new Error('not yours'), req]);
  });

  it("answers 500 when onError returns nothing, and gives a refused origin's error no grant", async () => {
    const onError = vi.fn(() => undefined);
    const handler = withCors(() => Promise.reject(new Error('boom')), { ...credentialed, onError });
    const response = await handler(request('GET', { origin: EVIL }));
    expect(response.status).toBe(500);
    expect(pickCorsHeaders(response.headers)).toEqual({ vary: 'Origin' });
    expect(onError).toHaveBeenCalledOnce();
  });

  it("re-throws the handler's error unchanged with onError: 'rethrow'", async () => {
    const failure = new Error('boom');
    const sync = withCors(
      () => {
        throw failure;
      },
      { origin: APP, onError: 'rethrow' },
    );
    expect(() => sync(request('GET', { origin: APP }))).toThrow(failure);
    const async = withCors(() => Promise.reject(failure), { origin: APP, onError: 'rethrow' });
    await expect(async(request('GET', { origin: APP }))).rejects.toBe(failure);
    const origin = withCors(() => new Response(), {
      origin: () => Promise.reject(failure),
      onError: 'rethrow',
    });
    await expect(origin(request('GET', { origin: APP }))).rejects.toBe(failure);
  });
});

describe('an origin function and onDecision', () => {
  it('receive the Request; the origin function may be async', async () => {
    const calls: { decision: CorsDecision; request: Request }[] = [];
    const handler = withCors(() => new Response(ROUTE_BODY), {
      origin: async (origin, req) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return req.headers.get('x-tenant') === 'acme' && origin === APP;
      },
      onDecision: (decision, req) => calls.push({ decision, request: req }),
    });
    const granted = request('GET', { origin: APP, 'x-tenant': 'acme' });
    const response = handler(granted);
    expect(response).toBeInstanceOf(Promise);
    expect(pickCorsHeaders((await response).headers)).toEqual(GRANT);
    const refused = request('GET', { origin: APP, 'x-tenant': 'other' });
    expect(pickCorsHeaders((await handler(refused)).headers)).toEqual({ vary: 'Origin' });
    expect(calls.map((call) => [call.decision.allowed, call.request])).toEqual([
      [true, granted],
      [false, refused],
    ]);
    expect(calls[1]?.decision).toMatchObject({ reason: 'origin-not-allowed', detail: APP });
  });
});

describe('preflights', () => {
  it('answers a preflight without running the handler, with an empty body', async () => {
    const handler = vi.fn(() => new Response(ROUTE_BODY));
    const wrapped = withCors(handler, { origin: APP, optionsSuccessStatus: 200 });
    const response = await wrapped(
      request('OPTIONS', { origin: APP, 'access-control-request-method': 'DELETE' }),
    );
    expect([response.status, await response.text()]).toEqual([200, '']);
    expect(response.headers.get('content-length')).toBe('0');
    expect(handler).not.toHaveBeenCalled();
  });

  it('hands a preflight on to the handler with preflightContinue and puts the grant on its response', async () => {
    const wrapped = withCors(() => new Response('mine', { status: 200 }), {
      origin: APP,
      preflightContinue: true,
    });
    const response = await wrapped(
      request('OPTIONS', { origin: APP, 'access-control-request-method': 'PUT' }),
    );
    expect(await response.text()).toBe('mine');
    expect(response.headers.get('access-control-allow-methods')).toBe(
      'GET,HEAD,PUT,PATCH,POST,DELETE',
    );
  });
});

describe('report rows, in-process', () => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, async (options) =>
      observe(await routeHandler(options)(request(row.request.method, row.request.headers))),
    );
    expect(result).toEqual(row.expected);
  });
});
