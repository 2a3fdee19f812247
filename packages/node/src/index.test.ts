// The plain form and the middleware form of @cors/node: what they return, when they call next,
// how errors reach the caller, and Vary on Node's response. What every adapter does is in
// conformance.test.ts (rows).
import {
  APP,
  CREDENTIALED,
  CREDENTIALED_GRANT,
  CREDENTIALED_PREFLIGHT_GRANT,
  EVIL,
  failingOrigins,
  fetchAnswer,
  ORIGIN_FAILURE_MESSAGE,
  withServer,
} from '@cors/conformance';
import { CorsConfigError as CoreCorsConfigError, createCorsPolicy } from '@cors/core';
import { createHook } from 'node:async_hooks';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, type CorsHandler } from './index.js';

const policy = CREDENTIALED;
const grant = CREDENTIALED_GRANT;
const preflightGrant = {
  ...CREDENTIALED_PREFLIGHT_GRANT,
  'access-control-allow-headers': 'content-type',
};
const preflightHeaders = {
  origin: APP,
  'access-control-request-method': 'PUT',
  'access-control-request-headers': 'content-type',
};

const send = fetchAnswer;

/** Counts the promises created while `run` executes synchronously. */
function countPromises<T>(run: () => T): { result: T; promises: number } {
  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises++;
    },
  });
  hook.enable();
  try {
    return { result: run(), promises };
  } finally {
    hook.disable();
  }
}

/** A plain server in the documented form, which answers 500 when the handler throws. */
function plainServer(
  handler: CorsHandler,
  route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('route'),
): RequestListener {
  return async (req, res) => {
    try {
      if (await handler(req, res)) return;
    } catch {
      res.statusCode = 500;
      res.end('origin check failed');
      return;
    }
    route(req, res);
  };
}

describe('the plain form, handler(req, res)', () => {
  it('returns true for an answered preflight, whose response is already ended', async () => {
    const results: unknown[] = [];
    const handler = cors(policy);
    const listener: RequestListener = (req, res) => {
      const ended = handler(req, res);
      results.push(ended);
      if (ended === false) res.end('route');
    };
    await withServer(listener, async (url) => {
      const answer = await send(url, { method: 'OPTIONS', headers: preflightHeaders });
      expect(answer).toEqual({ status: 204, body: '', headers: preflightGrant });
    });
    expect(results).toEqual([true]);
  });

  it('returns false for an actual request, and the caller writes the response', async () => {
    const results: unknown[] = [];
    const handler = cors(policy);
    const listener: RequestListener = (req, res) => {
      const ended = handler(req, res);
      results.push(ended);
      if (ended === false) res.end('route');
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Origin' },
      });
      expect(await send(url, { headers: { origin: EVIL } })).toEqual({
        status: 200,
        body: 'route',
        headers: { vary: 'Origin' },
      });
    });
    expect(results).toEqual([false, false]);
  });

  it('answers synchronously with a boolean and creates no promise when the origin check is synchronous', async () => {
    const probes: { result: unknown; promises: number }[] = [];
    const handler = cors({ ...policy, origin: (origin: string) => origin === APP });
    const listener: RequestListener = (req, res) => {
      const probe = countPromises(() => handler(req, res));
      probes.push(probe);
      if (!probe.result) res.end('route');
    };
    await withServer(listener, async (url) => {
      await send(url, { headers: { origin: APP } });
      await send(url, { method: 'OPTIONS', headers: preflightHeaders });
    });
    expect(probes).toEqual([
      { result: false, promises: 0 },
      { result: true, promises: 0 },
    ]);
  });

  it('returns a promise only when the origin function is async', async () => {
    const results: unknown[] = [];
    const handler = cors({ ...policy, origin: async (origin: string) => origin === APP });
    const listener: RequestListener = async (req, res) => {
      const pending = handler(req, res);
      results.push(pending instanceof Promise);
      if (await pending) return;
      res.end('route');
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Origin' },
      });
      expect(await send(url, { method: 'OPTIONS', headers: preflightHeaders })).toEqual({
        status: 204,
        body: '',
        headers: preflightGrant,
      });
      expect(await send(url, { headers: { origin: EVIL } })).toEqual({
        status: 200,
        body: 'route',
        headers: { vary: 'Origin' },
      });
    });
    expect(results).toEqual([true, true, true]);
  });

  it.each(failingOrigins)(
    'hands the error to the caller with no grant when the origin function %s, and keeps serving',
    async (_how, failing) => {
      const errors: unknown[] = [];
      const handler = cors({
        ...policy,
        origin: (origin: string) =>
          origin === 'https://flaky.example.com' ? failing() : origin === APP,
      });
      const listener: RequestListener = async (req, res) => {
        try {
          if (await handler(req, res)) return;
        } catch (error) {
          errors.push(error);
          res.statusCode = 500;
          res.end('origin check failed');
          return;
        }
        res.end('route');
      };
      await withServer(listener, async (url) => {
        const flaky = { origin: 'https://flaky.example.com' };
        expect(await send(url, { headers: flaky })).toEqual({
          status: 500,
          body: 'origin check failed',
          headers: { vary: 'Origin' },
        });
        expect(
          await send(url, { method: 'OPTIONS', headers: { ...preflightHeaders, ...flaky } }),
        ).toEqual({ status: 500, body: 'origin check failed', headers: { vary: 'Origin' } });
        expect(await send(url, { headers: { origin: APP } })).toEqual({
          status: 200,
          body: 'route',
          headers: { ...grant, vary: 'Origin' },
        });
      });
      expect(errors).toHaveLength(2);
      expect(String(errors[0])).toContain(ORIGIN_FAILURE_MESSAGE);
    },
  );
});

describe('the middleware form, handler(req, res, next)', () => {
  it('calls next in the same tick and creates no promise when the decision is synchronous', async () => {
    const probes: { nextCalled: boolean; result: unknown; promises: number }[] = [];
    const handler = cors(policy);
    const listener: RequestListener = (req, res) => {
      let nextCalled = false;
      const { result, promises } = countPromises(() =>
        handler(req, res, () => {
          nextCalled = true;
        }),
      );
      probes.push({ nextCalled, result, promises });
      if (nextCalled) res.end('route');
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Origin' },
      });
      expect(await send(url, { method: 'OPTIONS', headers: preflightHeaders })).toEqual({
        status: 204,
        body: '',
        headers: preflightGrant,
      });
    });
    expect(probes).toEqual([
      { nextCalled: true, result: undefined, promises: 0 },
      { nextCalled: false, result: undefined, promises: 0 },
    ]);
  });

  it('calls next later, and creates promises, only with an async origin function', async () => {
    const probes: { nextCalledAtOnce: boolean; promises: number }[] = [];
    const handler = cors({ ...policy, origin: async (origin: string) => origin === APP });
    const listener: RequestListener = (req, res) => {
      let nextCalled = false;
      const { promises } = countPromises(() =>
        handler(req, res, (error?: unknown) => {
          nextCalled = true;
          res.statusCode = error ? 500 : 200;
          res.end('route');
        }),
      );
      probes.push({ nextCalledAtOnce: nextCalled, promises });
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Origin' },
      });
    });
    expect(probes).toHaveLength(1);
    expect(probes[0]?.nextCalledAtOnce).toBe(false);
    expect(probes[0]?.promises).toBeGreaterThan(0);
  });

  it('passes an error from the origin function to next(error) with no grant', async () => {
    const errors: unknown[] = [];
    const handler = cors({
      ...policy,
      origin: async (): Promise<boolean> => {
        throw new Error('origin store unavailable');
      },
    });
    const listener: RequestListener = (req, res) =>
      handler(req, res, (error?: unknown) => {
        errors.push(error);
        res.statusCode = error ? 500 : 200;
        res.end(error ? 'failed' : 'route');
      });
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 500,
        body: 'failed',
        headers: { vary: 'Origin' },
      });
    });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain(ORIGIN_FAILURE_MESSAGE);
  });
});

describe('a response answered by someone else while an async origin function runs', () => {
  it.each([
    ['plain form', false],
    ['middleware form', true],
  ])('is left alone in the %s', async (_form, asMiddleware) => {
    const outcomes: unknown[] = [];
    let release = (): void => undefined;
    const handler = cors({
      ...policy,
      origin: async (origin: string) => {
        await new Promise<void>((resolve) => (release = resolve));
        return origin === APP;
      },
    });
    const listener: RequestListener = async (req, res) => {
      const pending = asMiddleware
        ? handler(req, res, (error?: unknown) => outcomes.push(['next', error]))
        : handler(req, res);
      // A timeout middleware answering first, before the origin function settles.
      res.statusCode = 503;
      res.end('timed out');
      release();
      try {
        outcomes.push(['settled', await pending]);
      } catch (error) {
        outcomes.push(['threw', error]);
      }
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 503,
        body: 'timed out',
        headers: {},
      });
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(outcomes).toEqual([['settled', asMiddleware ? undefined : true]]);
  });
});

describe('Vary', () => {
  it.each([
    [
      'res.setHeader with a list',
      (res: ServerResponse) => res.setHeader('vary', ['Accept-Encoding', 'Origin']).end('route'),
    ],
  ])('keeps Origin when the route sets Vary itself with %s', async (_how, route) => {
    const listener = plainServer(cors(policy), (_req, res) => route(res));
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Accept-Encoding, Origin' },
      });
      expect(await send(url, { headers: { origin: EVIL } })).toEqual({
        status: 200,
        body: 'route',
        headers: { vary: 'Accept-Encoding, Origin' },
      });
    });
  });

  it.each(failingOrigins)(
    "merges Origin into the error response's Vary when the origin function %s",
    async (_how, failing) => {
      const handler = cors({ ...policy, origin: failing });
      const listener: RequestListener = async (req, res) => {
        res.setHeader('Vary', 'Accept-Encoding');
        try {
          if (await handler(req, res)) return;
        } catch {
          res.statusCode = 500;
          // The caller's error handling may set a Vary of its own: Origin is kept in it.
          if (req.url === '/own-vary') res.setHeader('Vary', 'Accept-Language');
          res.end('failed');
          return;
        }
        res.end('route');
      };
      await withServer(listener, async (url) => {
        for (const init of [{}, { method: 'OPTIONS', headers: preflightHeaders }]) {
          expect(await send(url, { headers: { origin: APP }, ...init })).toEqual({
            status: 500,
            body: 'failed',
            headers: { vary: 'Accept-Encoding, Origin' },
          });
        }
        expect(await send(`${url}/own-vary`, { headers: { origin: APP } })).toEqual({
          status: 500,
          body: 'failed',
          headers: { vary: 'Accept-Language, Origin' },
        });
      });
    },
  );

  it('keeps a setHeader that something earlier replaced on the response, and still keeps Origin', async () => {
    const handler = cors(policy);
    const seen: string[] = [];
    const listener: RequestListener = (req, res) => {
      // E.g. a metrics middleware that wraps this response's setHeader before CORS runs.
      const original = res.setHeader;
      res.setHeader = function (this: ServerResponse, name, value) {
        seen.push(name.toLowerCase());
        return original.call(this, name, value);
      };
      if (!handler(req, res)) res.setHeader('Vary', 'Accept-Encoding').end('route');
    };
    await withServer(listener, async (url) => {
      expect(await send(url, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { ...grant, vary: 'Accept-Encoding, Origin' },
      });
    });
    expect(seen).toContain('access-control-allow-origin');
    // Every Vary write went through it: ours, the route's, and ours merged back at the head.
    expect(seen.filter((name) => name === 'vary')).toHaveLength(3);
  });

  it('does not touch Vary on other responses of the same server', async () => {
    const handler = cors(policy);
    const listener: RequestListener = (req, res) => {
      if (req.url === '/cors' && handler(req, res)) return;
      res.setHeader('Vary', 'Accept-Encoding');
      res.end('route');
    };
    await withServer(listener, async (url) => {
      await send(`${url}/cors`, { headers: { origin: APP } });
      expect(await send(`${url}/plain`, { headers: { origin: APP } })).toEqual({
        status: 200,
        body: 'route',
        headers: { vary: 'Accept-Encoding' },
      });
    });
  });
});

describe('exports', () => {
  it('re-exports the core CorsConfigError and throws it at start-up', () => {
    expect(CorsConfigError).toBe(CoreCorsConfigError);
    expect(() => cors({ origin: '*', credentials: true })).toThrow(CorsConfigError);
  });

  it('takes a policy by its brand: options shaped like a policy are still checked as options', () => {
    expect(() => cors(createCorsPolicy({ origin: 'https://app.example.com' }))).not.toThrow();
    expect(() =>
      cors({ evaluate: () => ({}), errorVary: [] } as unknown as Parameters<typeof cors>[0]),
    ).toThrow(CorsConfigError);
  });
});
