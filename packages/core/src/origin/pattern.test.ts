import { describe, expect, it } from 'vitest';
import { parseConfiguredOrigin, parseRequestOrigin, type OriginPatternSpec } from './parse.js';
import { matchesPattern } from './pattern.js';

function pattern(value: string): OriginPatternSpec {
  const parsed = parseConfiguredOrigin(value);
  if (parsed.kind !== 'pattern') throw new Error(`${value} is not a pattern`);
  return parsed.pattern;
}

function matches(configured: string, requestOrigin: string): boolean {
  const parsed = parseRequestOrigin(requestOrigin);
  if (parsed === undefined) throw new Error(`${requestOrigin} is not a request origin`);
  return matchesPattern(pattern(configured), parsed);
}

describe('matchesPattern', () => {
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
});
