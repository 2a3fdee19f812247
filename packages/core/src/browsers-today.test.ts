import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CorsDecision } from './decision.js';
import type { CorsOptions } from './options.js';
import { createCorsPolicy } from './reconfigurable-policy.js';

const APP = 'https://app.example.com';

// Issue 20, point 4: what today's browsers do, in the checks and the messages.

describe('a maxAge longer than browsers honour', () => {
  afterEach(() => vi.restoreAllMocks());

  // Each row uses a value of its own: the warning is given once per value and per sink.
  it.each<[number, string]>([
    [
      7_201,
      'cors: maxAge 7201 is longer than browsers cache a preflight: Chromium caps it at 7200 s (2 hours) (Firefox honours up to 86400 s). It is sent as written and browsers use their cap; set maxAge: 7200 to say what Chromium does',
    ],
    [
      86_401,
      'cors: maxAge 86401 is longer than browsers cache a preflight: Chromium caps it at 7200 s (2 hours), Firefox at 86400 s (24 hours). It is sent as written and browsers use their cap; set maxAge: 7200 to say what Chromium does',
    ],
  ])('warns once at start-up for maxAge %i, and still sends it', (maxAge, line) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const policy = createCorsPolicy({ origin: APP, maxAge });
    createCorsPolicy({ origin: [APP, 'https://admin.example.com'], maxAge });
    expect(warn.mock.calls).toEqual([[line]]);
    expect(policy.evaluate({ method: 'OPTIONS', origin: APP, requestMethod: 'GET' })).toMatchObject(
      { headers: { 'Access-Control-Max-Age': String(maxAge) } },
    );
    // Requests never warn.
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([0, 600, 7_200])('does not warn for maxAge %i', (maxAge) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    createCorsPolicy({ origin: APP, maxAge });
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns through a debug function instead of console.warn, once per function', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const lines: string[] = [];
    const debug = (line: string): void => void lines.push(line);
    createCorsPolicy({ origin: APP, maxAge: 10_000, debug });
    createCorsPolicy({ origin: APP, maxAge: 10_000, debug });
    expect(lines).toEqual([expect.stringContaining('cors: maxAge 10000 is longer')]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns when a reconfiguration brings a too-long maxAge', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const policy = createCorsPolicy({ origin: APP, maxAge: 600 });
    expect(warn).not.toHaveBeenCalled();
    policy.reconfigure({ origin: APP, maxAge: 9_999 });
    expect(warn).toHaveBeenCalledExactlyOnceWith(expect.stringContaining('maxAge 9999'));
  });

  it('starts even when the debug function throws on the warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const debug = (): void => {
      throw new Error('logger down');
    };
    expect(() => createCorsPolicy({ origin: APP, maxAge: 12_345, debug })).not.toThrow();
    expect(warn).toHaveBeenCalledExactlyOnceWith(expect.stringContaining('maxAge 12345'));
  });
});

describe('methods other than the six browsers uppercase', () => {
  const preflight = (requestMethod: string) => ({
    method: 'OPTIONS',
    origin: APP,
    requestMethod,
  });

  it.each<[string, CorsOptions, string, Partial<CorsDecision>]>([
    // Fetch: `fetch(url, { method: 'patch' })` sends `patch` as written.
    [
      'refuses patch when PATCH is listed',
      { origin: APP, methods: ['PATCH'] },
      'patch',
      { allowed: false, status: 403, reason: 'method-not-allowed', detail: 'patch', headers: {} },
    ],
    [
      'grants PATCH when PATCH is listed',
      { origin: APP, methods: ['PATCH'] },
      'PATCH',
      { allowed: true, status: 204 },
    ],
    [
      'grants patch when patch is listed',
      { origin: APP, methods: ['patch'] },
      'patch',
      {
        allowed: true,
        headers: expect.objectContaining({ 'Access-Control-Allow-Methods': 'patch' }) as Record<
          string,
          string
        >,
      },
    ],
    [
      'refuses Purge when PURGE is listed',
      { origin: APP, methods: ['PURGE'] },
      'Purge',
      { allowed: false, reason: 'method-not-allowed', detail: 'Purge' },
    ],
  ])('%s', (_name, options, requestMethod, expected) => {
    expect(createCorsPolicy(options).evaluate(preflight(requestMethod))).toMatchObject(expected);
  });

  it.each<[string[], string, string]>([
    [
      ['PATCH'],
      'patch',
      'cors: refused preflight: method "patch" is not in methods (methods are case-sensitive; the page sent `patch`, the policy lists `PATCH`; browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, so send `PATCH` from the page, or list `patch` too)',
    ],
    [
      ['GET', 'Purge'],
      'PURGE',
      'cors: refused preflight: method "PURGE" is not in methods (methods are case-sensitive; the page sent `PURGE`, the policy lists `Purge`; browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, so send `Purge` from the page, or list `PURGE` too)',
    ],
    [
      ['PATCH'],
      'PURGE',
      'cors: refused preflight: method "PURGE" is not in methods (compared case-sensitively); add it there',
    ],
  ])('explains the refusal of %j for %s in the debug line', (methods, requestMethod, line) => {
    const lines: string[] = [];
    createCorsPolicy({ origin: APP, methods, debug: (text) => lines.push(text) }).evaluate(
      preflight(requestMethod),
    );
    expect(lines).toEqual([line]);
  });
});
