import { describe, expect, it } from 'vitest';
import { parseConfiguredOrigin, parseRequestOrigin, type OriginPatternSpec } from './parse.js';
import { compilePattern } from './pattern.js';

function pattern(value: string): OriginPatternSpec {
  const parsed = parseConfiguredOrigin(value);
  if (parsed.kind !== 'pattern') throw new Error(`${value} is not a pattern`);
  return parsed.pattern;
}

function matches(configured: string, requestOrigin: string): boolean {
  return compilePattern(pattern(configured))(requestOrigin);
}

describe('compilePattern', () => {
  it.each([
    ['https://*.example.com', 'https://a.example.com'],
    ['https://*.example.com', 'https://a.b.example.com'],
    ['https://*.example.com', 'https://x-y_z.example.com'],
    ['https://*.example.com:8443', 'https://a.example.com:8443'],
    ['https://*.example.com:*', 'https://a.example.com'],
    ['https://*.example.com:*', 'https://a.example.com:1'],
    ['http://localhost:*', 'http://localhost'],
    ['http://localhost:*', 'http://localhost:5173'],
    ['http://[::1]:*', 'http://[::1]:3000'],
    ['https://*.bücher.example', 'https://shop.xn--bcher-kva.example'],
  ])('%s matches %s', (configured, requestOrigin) => {
    expect(matches(configured, requestOrigin)).toBe(true);
  });

  it.each([
    ['the apex itself', 'https://*.example.com', 'https://example.com'],
    [
      'a host that ends in the base without a label boundary',
      'https://*.example.com',
      'https://evilexample.com',
    ],
    [
      'a host that ends in the base after a hyphen',
      'https://*.example.com',
      'https://a-example.com',
    ],
    [
      'the base followed by another domain',
      'https://*.example.com',
      'https://a.example.com.evil.net',
    ],
    ['the base as a label elsewhere', 'https://*.example.com', 'https://example.com.example.net'],
    ['another scheme', 'https://*.example.com', 'http://a.example.com'],
    ['a port when the pattern has none', 'https://*.example.com', 'https://a.example.com:8443'],
    ['another port', 'https://*.example.com:8443', 'https://a.example.com:8444'],
    ['no port when the pattern names one', 'https://*.example.com:8443', 'https://a.example.com'],
    ['another host with a port wildcard', 'http://localhost:*', 'http://localhost.evil.net:8080'],
    [
      'a subdomain with a port wildcard on an exact host',
      'http://localhost:*',
      'http://a.localhost:3000',
    ],
    ['another scheme with a port wildcard', 'http://localhost:*', 'https://localhost:3000'],
    ['a longer base', 'https://*.example.com', 'https://a.example.community'],
  ])('refuses %s', (_what, configured, requestOrigin) => {
    expect(matches(configured, requestOrigin)).toBe(false);
  });

  it.each([
    ['the default port named', 'https://*.example.com:*', 'https://a.example.com:443'],
    ['a port above 65535', 'https://*.example.com:*', 'https://a.example.com:65536'],
    ['a port with a leading zero', 'http://localhost:*', 'http://localhost:080'],
    ['an uppercase host', 'https://*.example.com', 'https://A.example.com'],
    ['an uppercase scheme', 'https://*.example.com', 'HTTPS://a.example.com'],
    ['a trailing dot', 'https://*.example.com', 'https://a.example.com.'],
    ['an empty label', 'https://*.example.com', 'https://a..example.com'],
    ['a path', 'https://*.example.com', 'https://a.example.com/'],
    ['user information', 'https://*.example.com', 'https://user@a.example.com'],
    ['two origins', 'https://*.example.com', 'https://a.example.com, https://b.example.com'],
    [
      'an origin longer than 512 characters',
      'https://*.example.com',
      `https://${'a.'.repeat(260)}example.com`,
    ],
  ])('refuses %s, which is not a serialized origin', (_what, configured, requestOrigin) => {
    expect(parseRequestOrigin(requestOrigin)).toBeUndefined();
    expect(matches(configured, requestOrigin)).toBe(false);
  });

  it('accepts only origins that parse, and a port up to 65535', () => {
    expect(matches('https://*.example.com:*', 'https://a.example.com:65535')).toBe(true);
    expect(parseRequestOrigin('https://a.example.com:65535')).toBeDefined();
  });

  it('matches nothing when the host can never be in a request origin', () => {
    const spec: OriginPatternSpec = {
      scheme: 'https',
      host: 'ex!ample.com',
      anySubdomain: true,
      port: '',
      source: 'https://*.ex!ample.com',
    };
    expect(compilePattern(spec)('https://a.ex!ample.com')).toBe(false);
  });
});
