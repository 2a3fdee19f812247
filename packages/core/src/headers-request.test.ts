import { describe, expect, it } from 'vitest';
import { HeadersCorsRequest } from './headers-request.js';
import { createCorsPolicy, type CorsDecision } from './index.js';

/** Headers that count how often each name is read. */
function countingHeaders(init: Record<string, string>): { headers: Headers; reads: string[] } {
  const reads: string[] = [];
  const headers = new Headers(init);
  const get = headers.get.bind(headers);
  headers.get = (name: string) => {
    reads.push(name.toLowerCase());
    return get(name);
  };
  return { headers, reads };
}

describe('HeadersCorsRequest', () => {
  const policy = createCorsPolicy({ origin: 'https://app.example.com' });

  it('reads only Origin for an actual request', () => {
    const { headers, reads } = countingHeaders({ origin: 'https://app.example.com' });
    const decision = policy.evaluate(new HeadersCorsRequest('GET', headers, undefined));
    expect(decision).toMatchObject({ kind: 'actual', allowed: true });
    expect(reads).toEqual(['origin']);
  });

  it('reads the Access-Control-Request-* headers of a preflight', () => {
    const { headers, reads } = countingHeaders({
      origin: 'https://app.example.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-token',
    });
    // A policy without an origin function decides synchronously.
    const decision = policy.evaluate(
      new HeadersCorsRequest('OPTIONS', headers, undefined),
    ) as CorsDecision;
    expect(decision).toMatchObject({ kind: 'preflight', allowed: true });
    expect(decision.headers['Access-Control-Allow-Headers']).toBe('x-token');
    expect(reads).toContain('access-control-request-headers');
  });

  it('hands the framework request on to an origin function', () => {
    const context = { tenant: 'acme' };
    const seen: unknown[] = [];
    const withFunction = createCorsPolicy<typeof context>({
      origin: (_origin, request) => seen.push(request) > 0,
    });
    withFunction.evaluate(
      new HeadersCorsRequest('GET', new Headers({ origin: 'https://a.example' }), context),
    );
    expect(seen).toEqual([context]);
  });
});
