import { describe, expect, it, vi } from 'vitest';
import type { CorsConfigIssue } from '../config-error.js';
import type { OriginOption } from '../options.js';
import { compileOrigins, isPromiseLike, matchOrigin, type OriginMatcher } from './matcher.js';

function compile<Request = unknown>(option: OriginOption<Request>): OriginMatcher<Request> {
  const issues: CorsConfigIssue[] = [];
  const matcher = compileOrigins(option, issues);
  expect(issues).toEqual([]);
  return matcher;
}

function allows(option: OriginOption, origin: string): boolean | Promise<boolean> {
  return matchOrigin(compile(option), origin, undefined);
}

describe('compileOrigins', () => {
  it('puts normalized exact origins into one set', () => {
    const matcher = compile(['HTTPS://App.Example.com:443', 'http://localhost:5173', 'null']);
    expect([...matcher.exact]).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'null',
    ]);
    expect(matcher.needsParsing).toBe(false);
  });

  it("reads '*' anywhere in a list as every origin", () => {
    expect(compile(['https://a.example', '*']).allowsAnyOrigin).toBe(true);
  });

  it('needs to parse request origins only for RegExps and functions', () => {
    // A pattern tests the origin string itself and accepts only well-formed origins.
    expect(compile('https://*.example.com').needsParsing).toBe(false);
    expect(compile(/^https:\/\/a\.example$/).needsParsing).toBe(true);
    expect(compile(() => true).needsParsing).toBe(true);
    expect(compile([]).needsParsing).toBe(false);
  });

  it.each([
    ['/.*/', /.*/],
    ['/.+/', /.+/],
    ['/^.*$/', /^.*$/],
    ['/[^]*/', /[^]*/],
    ['/^https:\\/\\/.+$/', /^https:\/\/.+$/],
    ['/^https?:\\/\\/[^/]+$/', /^https?:\/\/[^/]+$/],
    ['/^http:\\/\\/.*:\\d+$/', /^http:\/\/.*:\d+$/],
  ])('detects %s as allowing every site', (_source, re) => {
    expect(compile([re]).broadRegExp).toBe(re);
  });

  it.each([
    ['a subdomain RegExp', /^https:\/\/([a-z0-9-]+\.)*example\.com$/],
    ['a localhost RegExp with any port', /^http:\/\/localhost(:\d+)?$/],
    ['a loopback RegExp with any port', /^http:\/\/127\.0\.0\.1:\d+$/],
  ])('does not flag %s as allowing every site', (_what, re) => {
    expect(compile(re).broadRegExp).toBeUndefined();
  });

  it('reports every entry that is not a string or a RegExp, with a hint', () => {
    const issues: CorsConfigIssue[] = [];
    compileOrigins(['https://ok.example', true, 42, 'https://bad.example/'] as never, issues);
    expect(issues).toEqual([
      {
        option: 'origin',
        value: true,
        message: 'true is not an origin string or a RegExp',
        hint: "use '*' for any origin, or list the allowed origins",
      },
      {
        option: 'origin',
        value: 42,
        message: '42 is not an origin string or a RegExp',
        hint: "e.g. 'https://app.example.com', 'https://*.example.com' or /^https:\\/\\/.+\\.example\\.com$/",
      },
      {
        option: 'origin',
        value: 'https://bad.example/',
        message:
          '"https://bad.example/" has a path or trailing slash; an origin is only scheme://host[:port]',
        hint: 'did you mean https://bad.example?',
      },
    ]);
  });
});

describe('matchOrigin: exact origins and patterns', () => {
  const list = [
    'https://app.example.com',
    'HTTP://LOCALHOST:5173',
    'https://*.shop.example',
    'http://[::1]:*',
  ];

  it.each([
    ['https://app.example.com', true],
    ['http://localhost:5173', true],
    ['https://a.shop.example', true],
    ['https://a.b.shop.example', true],
    ['http://[::1]:4000', true],
    ['http://[::1]', true],
    ['https://shop.example', false],
    ['https://app.example.com:8443', false],
    ['http://app.example.com', false],
    ['https://APP.example.com', false],
    ['https://app.example.com/', false],
    ['null', false],
    ['', false],
  ])('%s → %s', (origin, expected) => {
    expect(allows(list, origin)).toBe(expected);
  });

  it('refuses everything when the list is empty', () => {
    expect(allows([], 'https://app.example.com')).toBe(false);
    expect(allows([], 'null')).toBe(false);
  });

  it("allows 'null' only when it is listed", () => {
    expect(allows(['null'], 'null')).toBe(true);
    expect(allows(['https://*.example.com'], 'null')).toBe(false);
  });

  it('finds the last of 10,000 exact origins', () => {
    const origins = Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`);
    expect(allows(origins, 'https://app9999.example.com')).toBe(true);
    expect(allows(origins, 'https://app10000.example.com')).toBe(false);
  });
});

describe('matchOrigin: RegExps are tested against the whole origin', () => {
  it.each([
    [
      'an unanchored RegExp against a longer origin',
      /https:\/\/example\.org/,
      'https://example.org.evil.net',
      false,
    ],
    [
      'an unanchored RegExp against the same origin',
      /https:\/\/example\.org/,
      'https://example.org',
      true,
    ],
    ['a RegExp for part of the host', /example\.org/, 'https://example.org', false],
    [
      'an alternation, first branch, plus a suffix',
      /https:\/\/a\.example|https:\/\/b\.example/,
      'https://a.example.evil.net',
      false,
    ],
    [
      'an alternation, second branch, with a prefix',
      /https:\/\/a\.example|https:\/\/b\.example/,
      'https://xb.example',
      false,
    ],
    [
      'an alternation, second branch',
      /https:\/\/a\.example|https:\/\/b\.example/,
      'https://b.example',
      true,
    ],
    [
      'an anchored RegExp',
      /^https:\/\/(?:[a-z]+\.)?example\.org$/,
      'https://shop.example.org',
      true,
    ],
    ['the i flag, kept', /^https:\/\/APP\.example\.org$/i, 'https://app.example.org', true],
    ['a RegExp against null', /^.*$/, 'null', false],
    ['a RegExp naming null', /null/, 'null', false],
    ['a RegExp against a path', /^https:\/\/example\.org.*$/, 'https://example.org/x', false],
    [
      'a RegExp against two origins',
      /^https:\/\/.+$/,
      'https://a.example, https://b.example',
      false,
    ],
    ['a RegExp against uppercase', /^https:\/\/.+$/i, 'HTTPS://EXAMPLE.ORG', false],
  ])('%s', (_what, re, origin, expected) => {
    expect(allows(re, origin)).toBe(expected);
  });

  it.each([
    ['g', /^https:\/\/a\.example$/g],
    ['y', /^https:\/\/a\.example$/y],
    ['gy', /^https:\/\/a\.example$/gy],
  ])('ignores the stateful %s flag, so the same origin matches every time', (_flag, re) => {
    const matcher = compile(re);
    for (let i = 0; i < 3; i++)
      expect(matchOrigin(matcher, 'https://a.example', undefined)).toBe(true);
    expect(re.lastIndex).toBe(0);
  });
});

describe('matchOrigin: origin functions', () => {
  const request = { id: 'the framework request' };

  it('calls a sync function with the origin and the request and stays sync', () => {
    const originFunction = vi.fn((origin: string) => origin === 'https://a.example');
    const matcher = compile<typeof request>(originFunction);
    expect(matchOrigin(matcher, 'https://a.example', request)).toBe(true);
    expect(matchOrigin(matcher, 'https://b.example', request)).toBe(false);
    expect(originFunction).toHaveBeenNthCalledWith(1, 'https://a.example', request);
    expect(originFunction).toHaveBeenCalledTimes(2);
  });

  it('returns a promise only for an async function', async () => {
    const matcher = compile(async (origin: string) => origin === 'https://a.example');
    const allowed = matchOrigin(matcher, 'https://a.example', undefined);
    expect(isPromiseLike(allowed)).toBe(true);
    await expect(allowed).resolves.toBe(true);
    await expect(matchOrigin(matcher, 'https://b.example', undefined)).resolves.toBe(false);
  });

  it.each([
    ['a string', 'yes'],
    ['a number', 1],
    ['an object', {}],
    ['an array', ['https://a.example']],
  ])('does not grant when a function returns %s (only true grants)', async (_what, value) => {
    expect(allows((() => value) as never, 'https://a.example')).toBe(false);
    await expect(allows((async () => value) as never, 'https://a.example')).resolves.toBe(false);
  });

  it("lets a function decide about 'null'", () => {
    expect(allows((origin: string) => origin === 'null', 'null')).toBe(true);
  });

  it.each([
    ['two origins', 'https://a.example, https://b.example'],
    ['a path', 'https://a.example/'],
    ['uppercase', 'HTTPS://A.EXAMPLE'],
    ['a NUL', 'https://a.example\0'],
    ['an 8 KB value', `https://${'a'.repeat(8192)}.example`],
    ['an empty value', ''],
  ])('never calls the function with a malformed origin (%s)', (_what, origin) => {
    const originFunction = vi.fn(() => true);
    expect(allows(originFunction, origin)).toBe(false);
    expect(originFunction).not.toHaveBeenCalled();
  });

  it('lets an error thrown by a sync function propagate', () => {
    const failure = new Error('lookup failed');
    expect(() =>
      allows(() => {
        throw failure;
      }, 'https://a.example'),
    ).toThrow(failure);
  });

  it('lets a rejection of an async function propagate', async () => {
    const failure = new Error('lookup failed');
    await expect(allows(() => Promise.reject(failure), 'https://a.example')).rejects.toBe(failure);
  });
});
