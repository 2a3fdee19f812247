import { describe, expectTypeOf, it } from 'vitest';
import { createCorsPolicy, withCors, type CorsDecision, type FetchHandler } from './index.js';

interface Env {
  ALLOWED: string;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
class NextLikeRequest extends Request {
  readonly nextUrl = new URL('http://localhost/');
}

describe('withCors types', () => {
  it("keeps the handler's shape: its request type and the runtime's extra arguments", () => {
    const handler = withCors(
      (request: Request, env: Env, ctx: ExecutionContext) => {
        ctx.waitUntil(Promise.resolve());
        return new Response(`${request.method} ${env.ALLOWED}`);
      },
      { origin: 'https://app.example.com' },
    );
    expectTypeOf(handler).toEqualTypeOf<FetchHandler<Request, [Env, ExecutionContext]>>();
    expectTypeOf(handler).returns.toEqualTypeOf<Response | Promise<Response>>();
  });

  it('gives the origin function, onDecision and onError the handler’s request type', () => {
    withCors((request: NextLikeRequest) => Response.json({ path: request.nextUrl.pathname }), {
      origin: (_origin, request) => {
        expectTypeOf(request).toEqualTypeOf<NextLikeRequest>();
        return true;
      },
      onDecision: (decision, request) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(request).toEqualTypeOf<NextLikeRequest>();
      },
      onError: (error, request) => {
        expectTypeOf(error).toBeUnknown();
        expectTypeOf(request).toEqualTypeOf<NextLikeRequest>();
        return undefined;
      },
    });
    // @ts-expect-error: onError is a function or 'rethrow'
    withCors(() => new Response(), { onError: 'log' });
  });

  it('takes a policy, with onError third; CORS options never go third', () => {
    const policy = createCorsPolicy<Request>({ origin: 'https://app.example.com' });
    const handler = withCors((request: Request) => new Response(request.url), policy, {
      onError: (error, request) => {
        expectTypeOf(error).toBeUnknown();
        expectTypeOf(request).toEqualTypeOf<Request>();
        return undefined;
      },
    });
    expectTypeOf(handler).toEqualTypeOf<FetchHandler>();
    withCors(() => new Response(), policy, { onError: 'rethrow' });
    // @ts-expect-error: the third argument holds withCors's own options only
    withCors(() => new Response(), policy, { origin: 'https://app.example.com' });
    // @ts-expect-error: onError is a function or 'rethrow'
    withCors(() => new Response(), policy, { onError: 'log' });
  });
});
