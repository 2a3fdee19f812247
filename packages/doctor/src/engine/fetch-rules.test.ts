import { describe, expect, it } from 'vitest';
import {
  corsUnsafeRequestHeaderNames,
  isForbiddenRequestHeader,
  isSafelistedRequestHeader,
  normalizeMethod,
} from './fetch-rules.js';
import { planFetch } from './browser-request.js';

describe('CORS-safelisted request headers (Fetch)', () => {
  const rows: Array<{ name: string; value: string; safelisted: boolean }> = [
    { name: 'Accept', value: 'application/json', safelisted: true },
    { name: 'Accept', value: 'text/html; q="1"', safelisted: false },
    { name: 'Accept-Language', value: 'en-US,en;q=0.9', safelisted: true },
    { name: 'Content-Language', value: 'de (Swiss)', safelisted: false },
    { name: 'Content-Type', value: 'text/plain;charset=UTF-8', safelisted: true },
    { name: 'Content-Type', value: 'multipart/form-data; boundary=x', safelisted: true },
    { name: 'content-type', value: 'application/x-www-form-urlencoded', safelisted: true },
    { name: 'Content-Type', value: 'application/json', safelisted: false },
    { name: 'Content-Type', value: 'text/plain; charset="(utf-8)"', safelisted: false },
    { name: 'Range', value: 'bytes=0-499', safelisted: true },
    { name: 'Range', value: 'bytes=500-', safelisted: true },
    { name: 'Range', value: 'bytes=500-100', safelisted: false },
    { name: 'Range', value: 'bytes=-500', safelisted: false },
    { name: 'Range', value: 'bytes=0-1,5-6', safelisted: false },
    { name: 'Accept', value: 'a'.repeat(129), safelisted: false },
    { name: 'Authorization', value: 'Bearer x', safelisted: false },
    { name: 'X-Custom', value: '1', safelisted: false },
  ];
  for (const { name, value, safelisted } of rows) {
    it(`${safelisted ? 'safelists' : 'does not safelist'} ${name}: ${value.slice(0, 40)}`, () => {
      expect(isSafelistedRequestHeader(name, value)).toBe(safelisted);
    });
  }

  it('builds Access-Control-Request-Headers lowercased, de-duplicated and sorted', () => {
    expect(
      corsUnsafeRequestHeaderNames([
        ['X-Zeta', '1'],
        ['Content-Type', 'application/json'],
        ['Authorization', 'Bearer x'],
        ['Accept', 'text/plain'],
        ['x-zeta', '2'],
      ]),
    ).toEqual(['authorization', 'content-type', 'x-zeta']);
  });

  it('makes every safelisted header unsafe once their values pass 1024 bytes together', () => {
    const long = 'a'.repeat(120);
    const headers = Array.from(
      { length: 9 },
      (_, index) => [index % 2 ? 'Accept' : 'Accept-Language', long] as const,
    );
    expect(corsUnsafeRequestHeaderNames(headers)).toEqual(['accept', 'accept-language']);
  });
});

describe('what fetch() sends', () => {
  it.each([
    ['delete', 'DELETE'],
    ['put', 'PUT'],
    ['patch', 'patch'],
    ['PATCH', 'PATCH'],
  ])('normalizes the method %s to %s', (given, sent) => {
    expect(normalizeMethod(given)).toBe(sent);
  });

  it.each(['Origin', 'Cookie', 'Sec-Fetch-Mode', 'Proxy-Authorization', 'Host'])(
    'treats %s as forbidden',
    (name) => {
      expect(isForbiddenRequestHeader(name, 'x')).toBe(true);
    },
  );

  it('drops forbidden headers and notes it', () => {
    const planned = planFetch(
      { origin: 'https://a.test', headers: { Cookie: 'a=1', 'X-A': '1' } },
      'https://b.test/',
    );
    expect(planned.headers).toEqual([['X-A', '1']]);
    expect(planned.notes.join()).toContain('Cookie');
  });

  it.each([
    [{ method: 'GET' }, false],
    [{ method: 'POST', headers: { 'Content-Type': 'text/plain' } }, false],
    [{ method: 'POST', headers: { 'Content-Type': 'application/json' } }, true],
    [{ method: 'PUT' }, true],
    [{ method: 'GET', headers: { Range: 'bytes=0-1' } }, false],
    [{ method: 'GET', headers: { Authorization: 'x' } }, true],
  ] as const)('preflights %j: %s', (request, preflight) => {
    expect(
      planFetch({ origin: 'https://a.test', ...request }, 'https://b.test/').needsPreflight,
    ).toBe(preflight);
  });

  it('sends no preflight to its own origin', () => {
    expect(
      planFetch({ origin: 'https://b.test', method: 'PUT' }, 'https://b.test/x').needsPreflight,
    ).toBe(false);
  });

  it.each(['https://app.example.com/', 'app.example.com', 'https://app.example.com/path'])(
    'rejects the origin %s, which no browser sends',
    (origin) => {
      expect(() => planFetch({ origin }, 'https://b.test/')).toThrow(/not a serialized origin/);
    },
  );
});
