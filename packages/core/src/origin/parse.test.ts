import { describe, expect, it } from 'vitest';
import {
  MAX_ORIGIN_LENGTH,
  isRequestOrigin,
  parseConfiguredOrigin,
  parseRequestOrigin,
} from './parse.js';

describe('parseConfiguredOrigin: exact origins are normalized once', () => {
  it.each([
    ['an origin already in serialized form', 'https://app.example.com', 'https://app.example.com'],
    ['an uppercase scheme and host', 'HTTPS://App.Example.COM', 'https://app.example.com'],
    ['a Unicode host', 'https://bücher.example', 'https://xn--bcher-kva.example'],
    [
      'an uppercase Unicode host with its default port',
      'https://BÜCHER.example:443',
      'https://xn--bcher-kva.example',
    ],
    ['the default http port', 'http://localhost:80', 'http://localhost'],
    ['the default https port', 'https://app.example.com:443', 'https://app.example.com'],
    ['the default ws and wss ports', 'wss://live.example.com:443', 'wss://live.example.com'],
    ['a non-default port', 'http://localhost:8080', 'http://localhost:8080'],
    ['a port with leading zeros', 'https://example.com:08080', 'https://example.com:8080'],
    [
      'the https port on http (not a default there)',
      'http://example.com:443',
      'http://example.com:443',
    ],
    ['an IPv6 host with a port', 'http://[::1]:3000', 'http://[::1]:3000'],
    ['an IPv6 host written out in full', 'http://[0:0:0:0:0:0:0:1]', 'http://[::1]'],
    ['an IPv6 host with its default port', 'http://[::1]:80', 'http://[::1]'],
    ['an IPv4 host', 'http://127.0.0.1:5173', 'http://127.0.0.1:5173'],
    ['an IPv4 host in a shorthand the URL parser expands', 'http://0x7f.1', 'http://127.0.0.1'],
    [
      'a chrome-extension origin (non-special scheme)',
      'chrome-extension://ABCDEFGHIJ',
      'chrome-extension://abcdefghij',
    ],
    ['a moz-extension origin', 'moz-extension://0a1b-2c3d', 'moz-extension://0a1b-2c3d'],
    ["the literal 'null'", 'null', 'null'],
  ])('normalizes %s', (_what, value, origin) => {
    expect(parseConfiguredOrigin(value)).toEqual({ kind: 'exact', origin });
  });

  it("reads '*' as every origin", () => {
    expect(parseConfiguredOrigin('*')).toEqual({ kind: 'any' });
  });
});

describe('parseConfiguredOrigin: patterns', () => {
  it.each([
    [
      'a subdomain wildcard',
      'https://*.example.com',
      {
        scheme: 'https',
        host: 'example.com',
        anySubdomain: true,
        port: '',
        source: 'https://*.example.com',
      },
    ],
    [
      'a subdomain wildcard with an uppercase Unicode base',
      'HTTPS://*.Bücher.example',
      {
        scheme: 'https',
        host: 'xn--bcher-kva.example',
        anySubdomain: true,
        port: '',
        source: 'https://*.xn--bcher-kva.example',
      },
    ],
    [
      'a subdomain wildcard with a fixed port',
      'https://*.example.com:8443',
      {
        scheme: 'https',
        host: 'example.com',
        anySubdomain: true,
        port: '8443',
        source: 'https://*.example.com:8443',
      },
    ],
    [
      'a subdomain wildcard with its default port written out',
      'https://*.example.com:443',
      {
        scheme: 'https',
        host: 'example.com',
        anySubdomain: true,
        port: '',
        source: 'https://*.example.com',
      },
    ],
    [
      'a port wildcard',
      'http://localhost:*',
      {
        scheme: 'http',
        host: 'localhost',
        anySubdomain: false,
        port: '*',
        source: 'http://localhost:*',
      },
    ],
    [
      'a port wildcard on an IPv6 host',
      'http://[::1]:*',
      { scheme: 'http', host: '[::1]', anySubdomain: false, port: '*', source: 'http://[::1]:*' },
    ],
    [
      'both wildcards',
      'https://*.example.com:*',
      {
        scheme: 'https',
        host: 'example.com',
        anySubdomain: true,
        port: '*',
        source: 'https://*.example.com:*',
      },
    ],
  ])('parses %s', (_what, value, pattern) => {
    expect(parseConfiguredOrigin(value)).toEqual({ kind: 'pattern', pattern });
  });
});

describe('parseConfiguredOrigin: every error names the value and, where it can, the fix', () => {
  const noFix = undefined;
  it.each([
    ['an empty string', '', 'an empty origin string allows nothing', noFix],
    ['white space only', '  ', 'an empty origin string allows nothing', noFix],
    [
      'trailing white space',
      'https://app.example.com ',
      '"https://app.example.com " has white space around it',
      'did you mean https://app.example.com?',
    ],
    [
      'leading white space',
      ' https://x.com',
      '" https://x.com" has white space around it',
      'did you mean https://x.com?',
    ],
    [
      'no scheme',
      'app.example.com',
      '"app.example.com" has no scheme',
      'did you mean https://app.example.com?',
    ],
    [
      'a scheme-relative value',
      '//app.example.com',
      '"//app.example.com" has no scheme',
      'did you mean https://app.example.com?',
    ],
    [
      'a pattern with no scheme',
      '*.example.com',
      '"*.example.com" has no scheme',
      'did you mean https://*.example.com?',
    ],
    ['an empty scheme', '://x.com', '"://x.com" has no scheme', noFix],
    [
      'a scheme starting with a digit',
      '1http://x.com',
      '"1http://x.com" has an invalid scheme "1http"',
      noFix,
    ],
    [
      'a scheme with an underscore',
      'ht_tp://x.com',
      '"ht_tp://x.com" has an invalid scheme "ht_tp"',
      noFix,
    ],
    [
      'a trailing slash',
      'https://app.example.com/',
      '"https://app.example.com/" has a path or trailing slash; an origin is only scheme://host[:port]',
      'did you mean https://app.example.com?',
    ],
    [
      'a path',
      'HTTPS://App.example.com:443/api',
      '"HTTPS://App.example.com:443/api" has a path or trailing slash; an origin is only scheme://host[:port]',
      'did you mean https://app.example.com?',
    ],
    [
      'a query',
      'https://app.example.com?x=1',
      '"https://app.example.com?x=1" has a query or fragment; an origin is only scheme://host[:port]',
      'did you mean https://app.example.com?',
    ],
    [
      'a fragment',
      'https://app.example.com#top',
      '"https://app.example.com#top" has a query or fragment; an origin is only scheme://host[:port]',
      'did you mean https://app.example.com?',
    ],
    [
      'a backslash (a path separator to the URL parser)',
      'https://app.example.com\\x',
      '"https://app.example.com\\\\x" has a query or fragment; an origin is only scheme://host[:port]',
      'did you mean https://app.example.com?',
    ],
    [
      'user information',
      'https://user:pw@app.example.com',
      '"https://user:pw@app.example.com" has user information; an origin never has',
      'did you mean https://app.example.com?',
    ],
    ['no host', 'https://', '"https://" has no valid host', noFix],
    ['a port and no host', 'https://:8080', '"https://:8080" has no valid host', noFix],
    [
      'an empty port',
      'https://app.example.com:',
      '"https://app.example.com:" has no valid host',
      noFix,
    ],
    ['an unclosed IPv6 bracket', 'http://[::1', '"http://[::1" has no valid host', noFix],
    ['text after an IPv6 bracket', 'http://[::1]x', '"http://[::1]x" has no valid host', noFix],
    [
      'a port above 65535',
      'https://app.example.com:99999',
      '"https://app.example.com:99999" has an invalid port "99999"; use a port number from 1 to 65535, or \'*\'',
      noFix,
    ],
    [
      'port 0',
      'http://localhost:0',
      '"http://localhost:0" has an invalid port "0"; use a port number from 1 to 65535, or \'*\'',
      noFix,
    ],
    [
      'a port that is not a number',
      'https://app.example.com:abc',
      '"https://app.example.com:abc" has an invalid port "abc"; use a port number from 1 to 65535, or \'*\'',
      noFix,
    ],
    [
      "'*' inside a label",
      'https://app-*.example.com',
      "\"https://app-*.example.com\" has '*' inside a host; '*' may only be a whole leading label or the port",
      'e.g. https://*.example.com or http://localhost:*',
    ],
    [
      "'*' as a middle label",
      'https://app.*.example.com',
      "\"https://app.*.example.com\" has '*' inside a host; '*' may only be a whole leading label or the port",
      'e.g. https://*.example.com or http://localhost:*',
    ],
    [
      "two leading '*' labels",
      'https://*.*.example.com',
      "\"https://*.*.example.com\" has '*' inside a host; '*' may only be a whole leading label or the port",
      'e.g. https://*.example.com or http://localhost:*',
    ],
    [
      "'*' as the whole host",
      'https://*',
      "\"https://*\" has '*' inside a host; '*' may only be a whole leading label or the port",
      'e.g. https://*.example.com or http://localhost:*',
    ],
    [
      'a wildcard on a top-level domain',
      'https://*.com',
      '"https://*.com" puts a wildcard straight on a top-level domain, which would allow every site under it',
      'name a registrable domain, e.g. https://*.example.com',
    ],
    [
      'a wildcard on an IPv4 address',
      'https://*.127.0.0.1',
      '"https://*.127.0.0.1" puts a wildcard straight on a top-level domain, which would allow every site under it',
      'name a registrable domain, e.g. https://*.example.com',
    ],
    [
      'a host ending in a dot',
      'https://app.example.com.',
      '"https://app.example.com." ends its host with a dot',
      'did you mean https://app.example.com?',
    ],
    [
      'a pattern ending in a dot',
      'https://*.example.com.',
      '"https://*.example.com." ends its host with a dot',
      'did you mean https://*.example.com?',
    ],
    [
      'an empty label',
      'https://app..example.com',
      '"https://app..example.com" has an empty label in its host',
      noFix,
    ],
    [
      'a space in a web host',
      'https://exa mple.com',
      '"https://exa mple.com" has an invalid host "exa mple.com"',
      noFix,
    ],
    [
      'a space in a non-special host',
      'foo://bad host',
      '"foo://bad host" has an invalid host "bad host"',
      noFix,
    ],
  ])('rejects %s', (_what, value, message, hint) => {
    const expected =
      hint === undefined ? { kind: 'error', message } : { kind: 'error', message, hint };
    expect(parseConfiguredOrigin(value)).toEqual(expected);
  });
});

// isRequestOrigin answers the same question without splitting: every row checks both.
describe('parseRequestOrigin and isRequestOrigin: only one origin exactly as a browser serializes it', () => {
  it.each([
    ['https://app.example.com', { scheme: 'https', host: 'app.example.com', port: '' }],
    ['http://localhost:5173', { scheme: 'http', host: 'localhost', port: '5173' }],
    ['https://a.com:65535', { scheme: 'https', host: 'a.com', port: '65535' }],
    ['http://[::1]:3000', { scheme: 'http', host: '[::1]', port: '3000' }],
    ['http://127.0.0.1', { scheme: 'http', host: '127.0.0.1', port: '' }],
    ['chrome-extension://abcdefghij', { scheme: 'chrome-extension', host: 'abcdefghij', port: '' }],
    ['https://xn--bcher-kva.example', { scheme: 'https', host: 'xn--bcher-kva.example', port: '' }],
    ['https://a_b.example', { scheme: 'https', host: 'a_b.example', port: '' }],
    ['http://[::1]', { scheme: 'http', host: '[::1]', port: '' }],
    ['http://[::1]:8080', { scheme: 'http', host: '[::1]', port: '8080' }],
    ['http://a.com:443', { scheme: 'http', host: 'a.com', port: '443' }],
  ])('splits %s', (value, parts) => {
    expect(parseRequestOrigin(value)).toEqual(parts);
    expect(isRequestOrigin(value)).toBe(true);
  });

  it.each([
    ['null', 'null'],
    ['an empty value', ''],
    ['uppercase', 'HTTPS://APP.EXAMPLE.COM'],
    ['a mixed-case host', 'https://App.example.com'],
    ['the default https port written out', 'https://a.com:443'],
    ['the default http port written out', 'http://a.com:80'],
    ['a port with a leading zero', 'https://a.com:080'],
    ['port 0', 'https://a.com:0'],
    ['a port above 65535', 'https://a.com:65536'],
    ['a trailing slash', 'https://a.com/'],
    ['a path', 'https://a.com/x'],
    ['a query', 'https://a.com?x'],
    ['user information', 'https://u@a.com'],
    ['an empty leading label', 'https://.a.com'],
    ['an empty inner label', 'https://a..com'],
    ['a trailing dot', 'https://a.com.'],
    ['two comma-joined origins', 'https://a.com, https://b.com'],
    ['two space-joined origins', 'https://a.com https://b.com'],
    ['a leading space', ' https://a.com'],
    ['a tab', 'https://a.com\t'],
    ['a line feed', 'https://a.com\n'],
    ['a NUL', 'https://a.com\0'],
    ['non-ASCII characters', 'https://exämple.com'],
    ['no scheme', '//a.com'],
    ['a literal *', '*'],
    ['a wildcard pattern', 'https://*.a.com'],
    ['a value longer than the bound', `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.com`],
    ['the default port of an IPv6 host', 'http://[::1]:80'],
    ['an IPv6 host with a port above 65535', 'http://[::1]:70000'],
  ])('refuses %s', (_what, value) => {
    expect(parseRequestOrigin(value)).toBeUndefined();
    expect(isRequestOrigin(value)).toBe(false);
  });

  it('accepts a host up to the length bound and refuses one character more', () => {
    const prefix = 'https://';
    const atBound = `${prefix}${'a'.repeat(MAX_ORIGIN_LENGTH - prefix.length)}`;
    expect(parseRequestOrigin(atBound)?.host).toHaveLength(MAX_ORIGIN_LENGTH - prefix.length);
    expect(parseRequestOrigin(`${atBound}a`)).toBeUndefined();
    expect(isRequestOrigin(atBound)).toBe(true);
    expect(isRequestOrigin(`${atBound}a`)).toBe(false);
  });
});
