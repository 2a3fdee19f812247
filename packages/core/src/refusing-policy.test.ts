import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CorsConfigError,
  createRefusingPolicy,
  type CorsDecision,
  type CorsRequest,
  type RouteRefusalReason,
} from './index.js';

const APP = 'https://app.example.com';
const REFUSAL_VARY = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];

const preflight = (url?: string, requestMethod = 'PUT'): CorsRequest<string> => ({
  method: 'OPTIONS',
  origin: APP,
  requestMethod,
  url,
  request: 'req',
});

function decide(
  reason: RouteRefusalReason,
  request: CorsRequest<string>,
  options: Parameters<typeof createRefusingPolicy<string>>[1] = {},
): CorsDecision {
  return createRefusingPolicy<string>(reason, options).evaluate(request) as CorsDecision;
}

describe('createRefusingPolicy', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each<[string, RouteRefusalReason, CorsRequest<string>, string]>([
    ['a disabled route', 'cors-disabled', preflight('/webhook'), 'PUT /webhook'],
    ['an ambiguous route', 'route-ambiguous', preflight('/items/1'), 'PUT /items/1'],
    ['the path without its query', 'cors-disabled', preflight('/a?token=secret'), 'PUT /a'],
    ['no url given', 'cors-disabled', preflight(undefined, 'DELETE'), 'DELETE'],
  ])('refuses a preflight to %s, naming the method and path', (_name, reason, request, detail) => {
    expect(decide(reason, request)).toEqual({
      kind: 'preflight',
      allowed: false,
      headers: {},
      vary: REFUSAL_VARY,
      action: 'respond',
      status: 403,
      reason,
      detail,
    });
  });

  it('hands the refused preflight on with preflightContinue, as a policy does', () => {
    expect(decide('cors-disabled', preflight('/x'), { preflightContinue: true })).toEqual({
      kind: 'preflight',
      allowed: false,
      headers: {},
      vary: REFUSAL_VARY,
      action: 'continue',
      reason: 'cors-disabled',
      detail: 'PUT /x',
    });
  });

  it.each<[string, CorsRequest<string>]>([
    ['an actual request', { method: 'POST', origin: APP, url: '/webhook' }],
    [
      'an OPTIONS request without Access-Control-Request-Method',
      { method: 'OPTIONS', origin: APP },
    ],
    ['a request without Origin', { method: 'OPTIONS', requestMethod: 'PUT' }],
  ])('hands %s on untouched and reports nothing', (_name, request) => {
    const seen: unknown[] = [];
    const decision = decide('cors-disabled', request, { onDecision: (d) => seen.push(d) });
    expect(decision).toMatchObject({ allowed: false, headers: {}, vary: [], action: 'continue' });
    expect(decision.reason).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('logs the refusal with debug and hands it to onDecision with the request', () => {
    const lines: string[] = [];
    const seen: unknown[] = [];
    const decision = decide('cors-disabled', preflight('/webhook', 'POST'), {
      debug: (line) => lines.push(line),
      onDecision: (refusal, request) => seen.push([refusal, request]),
    });
    expect(lines).toEqual(['cors: refused preflight: CORS is disabled for "POST /webhook"']);
    expect(seen).toEqual([[decision, 'req']]);
  });

  it('answers as if no hook were set when the hooks throw, reporting each hook once', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const policy = createRefusingPolicy('route-ambiguous', {
      debug: () => {
        throw new Error('logger down');
      },
      onDecision: () => {
        throw new Error('metrics down');
      },
    });
    for (let i = 0; i < 2; i++) {
      expect(policy.evaluate(preflight('/v'))).toMatchObject({ action: 'respond', status: 403 });
    }
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('checks the options it is built from as createCorsPolicy does', () => {
    expect(() => createRefusingPolicy('cors-disabled', { debug: 'verbose' as never })).toThrow(
      CorsConfigError,
    );
    expect(() => createRefusingPolicy('cors-disabled', { exposeHeaders: [] } as never)).toThrow(
      /exposedHeaders/,
    );
    // Defaults that routes complete need not be a policy of their own.
    expect(() => createRefusingPolicy('cors-disabled', { credentials: true })).not.toThrow();
    expect(() => createRefusingPolicy('origin-not-allowed' as never)).toThrow(
      /not a reason a refusing policy gives/,
    );
  });
});
