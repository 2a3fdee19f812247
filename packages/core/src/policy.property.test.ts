/**
 * Property-based tests: arbitrary requests (every header an arbitrary string, plus near misses
 * of the allowed origins) against arbitrary valid configurations. Each decision is checked
 * against a small model written here from the SPEC, independently of the core's parser and
 * matcher. The seed is fixed so CI is reproducible; set FC_SEED to explore others, and
 * FC_RUNS_SCALE (e.g. 10) to run more. fast-check prints the seed and path of a failure.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'vitest';
import type { CorsDecision } from './decision.js';
import { mergeVary } from './headers.js';
import type { CorsOptions } from './options.js';
import { isPromiseLike } from './origin/matcher.js';
import { createCorsPolicy, type CorsRequest } from './policy.js';

const SEED = Number(process.env.FC_SEED ?? 20_250_101);
const RUNS_SCALE = Number(process.env.FC_RUNS_SCALE ?? 1);
const runs = (count: number): number => Math.max(1, Math.round(count * RUNS_SCALE));

// ---------------------------------------------------------------------------------------------
// The model: what the SPEC allows, written without the core's code.

/** A configured `origin` entry, with the canonical form a browser would send. */
type Entry =
  | { readonly kind: 'exact'; readonly written: string; readonly canonical: string }
  | { readonly kind: 'null' }
  | {
      readonly kind: 'subdomains';
      readonly written: string;
      readonly scheme: string;
      readonly base: string;
      /** `''` (default port), `'*'` (any) or a port number. */
      readonly port: string;
    }
  | {
      readonly kind: 'any-port';
      readonly written: string;
      readonly scheme: string;
      readonly host: string;
    }
  | {
      readonly kind: 'regexp';
      readonly re: RegExp;
      readonly scheme: string;
      readonly base: string;
      readonly subdomains: boolean;
    };

type OriginConfig =
  | {
      readonly kind: 'any';
      readonly form: 'default' | 'star' | 'in-list';
      readonly entries: readonly Entry[];
    }
  | { readonly kind: 'list'; readonly entries: readonly Entry[]; readonly single: boolean }
  | { readonly kind: 'function'; readonly grants: 'true' | 'truthy-string' };

interface Config {
  readonly origin: OriginConfig;
  readonly credentials: boolean;
  readonly methods: readonly string[] | '*' | undefined;
  readonly allowedHeaders: readonly string[] | '*' | undefined;
  readonly exposedHeaders: readonly string[] | '*' | undefined;
  readonly maxAge: number | undefined;
  readonly privateNetwork: boolean | undefined;
  readonly preflightContinue: boolean | undefined;
  readonly optionsSuccessStatus: number | undefined;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const TCHAR = `${LOWER}${LOWER.toUpperCase()}${DIGITS}!#$%&'*+-.^_\`|~`;
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: '80',
  https: '443',
  ws: '80',
  wss: '443',
  ftp: '21',
};
const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

const only = (value: string, alphabet: string): boolean =>
  [...value].every((c) => alphabet.includes(c));
const isToken = (value: string): boolean => value.length > 0 && only(value, TCHAR);
const isLabel = (value: string): boolean => value.length > 0 && only(value, `${LOWER}${DIGITS}-_`);

interface OriginParts {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

/** One serialized origin as a browser sends it (lowercase, no default port), else undefined. */
function modelParseOrigin(value: string): OriginParts | undefined {
  if (value.length > 512) return undefined;
  const separator = value.indexOf('://');
  if (separator < 1) return undefined;
  const scheme = value.slice(0, separator);
  if (!LOWER.includes(scheme[0] ?? '') || !only(scheme, `${LOWER}${DIGITS}+.-`)) return undefined;
  const rest = value.slice(separator + 3);
  let host: string;
  let port = '';
  let afterHost: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 2 || !only(rest.slice(1, close), `${DIGITS}abcdef:.`)) return undefined;
    host = rest.slice(0, close + 1);
    afterHost = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    host = colon === -1 ? rest : rest.slice(0, colon);
    afterHost = colon === -1 ? '' : rest.slice(colon);
    if (!host.split('.').every(isLabel)) return undefined;
  }
  if (afterHost !== '') {
    if (afterHost[0] !== ':') return undefined;
    port = afterHost.slice(1);
    if (port === '' || !only(port, DIGITS) || port[0] === '0' || port.length > 5) return undefined;
    if (Number(port) > 65535 || DEFAULT_PORTS[scheme] === port) return undefined;
  }
  return { scheme, host, port };
}

function isStrictSubdomain(host: string, base: string, label: (value: string) => boolean): boolean {
  if (!host.endsWith(`.${base}`)) return false;
  const prefix = host.slice(0, host.length - base.length - 1);
  return prefix.split('.').every(label);
}

function entryAllows(entry: Entry, origin: string, parts: OriginParts | undefined): boolean {
  if (entry.kind === 'null') return origin === 'null';
  if (entry.kind === 'exact') return origin === entry.canonical;
  if (parts === undefined) return false;
  switch (entry.kind) {
    case 'subdomains':
      return (
        parts.scheme === entry.scheme &&
        (entry.port === '*' || entry.port === parts.port) &&
        isStrictSubdomain(parts.host, entry.base, isLabel)
      );
    case 'any-port':
      return parts.scheme === entry.scheme && parts.host === entry.host;
    case 'regexp':
      return (
        parts.scheme === entry.scheme &&
        parts.port === '' &&
        (parts.host === entry.base ||
          (entry.subdomains &&
            isStrictSubdomain(
              parts.host,
              entry.base,
              (l) => l !== '' && only(l, `${LOWER}${DIGITS}-`),
            )))
      );
  }
}

/** Whether the configuration allows `origin` (for a `'*'` policy: every request). */
function modelAllowsOrigin(config: OriginConfig, origin: string): boolean {
  if (config.kind === 'any') return true;
  const parts = modelParseOrigin(origin);
  if (config.kind === 'function') {
    // The function sees only well-formed origins, and only a literal `true` grants.
    return config.grants === 'true' && parts !== undefined && origin.includes('://a');
  }
  return config.entries.some((entry) => entryAllows(entry, origin, parts));
}

function modelParseHeaderList(value: string): string[] | undefined {
  if (value.length > 8192) return undefined;
  const names: string[] = [];
  for (const item of value.split(',')) {
    let start = 0;
    let end = item.length;
    while (start < end && (item[start] === ' ' || item[start] === '\t')) start++;
    while (end > start && (item[end - 1] === ' ' || item[end - 1] === '\t')) end--;
    const name = item.slice(start, end);
    if (name === '') continue;
    if (!isToken(name)) return undefined;
    if (!names.includes(name.toLowerCase())) names.push(name.toLowerCase());
  }
  return names;
}

function configuredMethods(config: Config): readonly string[] | '*' {
  if (config.methods === undefined) return DEFAULT_METHODS;
  if (config.methods === '*') return '*';
  // Sent and compared as written (a lowercase spelling of a normalized method is refused at
  // start-up, so the generator never writes one).
  return config.methods;
}

// ---------------------------------------------------------------------------------------------
// Generators.

const scheme = fc.constantFrom('http', 'https');
const label = fc.constantFrom('a', 'b', 'app', 'api', 'shop', 'x-1', 'a_b', 'example');
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 2 }), fc.constantFrom('com', 'org', 'test'))
  .map(([labels, tld]) => [...labels, tld].join('.'));
/** Unicode hosts and their punycode, worked out once (not by the code under test). */
const unicodeHost = fc.constantFrom(
  { written: 'bücher.example', canonical: 'xn--bcher-kva.example' },
  { written: 'MÜNCHEN.test', canonical: 'xn--mnchen-3ya.test' },
  { written: 'Äpfel.test', canonical: 'xn--pfel-koa.test' },
);
const letterCase = fc.constantFrom('lower', 'upper', 'title');
function withCase(value: string, form: 'lower' | 'upper' | 'title'): string {
  if (form === 'upper') return value.toUpperCase();
  if (form === 'title')
    return value.replace(
      /(^|\.)([a-z])/g,
      (_m, dot: string, c: string) => `${dot}${c.toUpperCase()}`,
    );
  return value;
}
const host = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(domain, letterCase)
      .map(([d, form]) => ({ written: withCase(d, form), canonical: d })),
  },
  { weight: 1, arbitrary: unicodeHost },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('localhost', '127.0.0.1', '[::1]')
      .map((h) => ({ written: h, canonical: h })),
  },
);
const baseDomain = fc.oneof(
  { weight: 4, arbitrary: domain.map((d) => ({ written: d, canonical: d })) },
  { weight: 1, arbitrary: unicodeHost },
);

const exactEntry: fc.Arbitrary<Entry> = fc
  .tuple(scheme, fc.boolean(), host, fc.constantFrom('', '', '3000', '8080', 'default'))
  .map(([s, upperScheme, h, port]) => {
    const writtenPort = port === 'default' ? `:${DEFAULT_PORTS[s]}` : port === '' ? '' : `:${port}`;
    const canonicalPort = port === 'default' || port === '' ? '' : `:${port}`;
    return {
      kind: 'exact',
      written: `${upperScheme ? s.toUpperCase() : s}://${h.written}${writtenPort}`,
      canonical: `${s}://${h.canonical}${canonicalPort}`,
    };
  });
const subdomainEntry: fc.Arbitrary<Entry> = fc
  .tuple(scheme, baseDomain, fc.constantFrom('', '', '*', '8443'))
  .map(([s, base, port]) => ({
    kind: 'subdomains',
    written: `${s}://*.${base.written}${port === '' ? '' : `:${port}`}`,
    scheme: s,
    base: base.canonical,
    port,
  }));
const anyPortEntry: fc.Arbitrary<Entry> = fc.tuple(scheme, host).map(([s, h]) => ({
  kind: 'any-port',
  written: `${s}://${h.written}:*`,
  scheme: s,
  host: h.canonical,
}));
const regexpEntry: fc.Arbitrary<Entry> = fc
  .tuple(scheme, domain, fc.boolean(), fc.boolean(), fc.subarray(['g', 'i', 'y']))
  .map(([s, base, subdomains, anchored, flags]) => {
    const source = `${s}:\\/\\/${subdomains ? '(?:[a-z0-9-]+\\.)*' : ''}${base.replaceAll('.', '\\.')}`;
    return {
      kind: 'regexp',
      re: new RegExp(anchored ? `^${source}$` : source, flags.join('')),
      scheme: s,
      base,
      subdomains,
    };
  });
const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 4, arbitrary: exactEntry },
  { weight: 3, arbitrary: subdomainEntry },
  { weight: 1, arbitrary: anyPortEntry },
  { weight: 2, arbitrary: regexpEntry },
  { weight: 1, arbitrary: fc.constant<Entry>({ kind: 'null' }) },
);
const entries = fc.array(entry, { minLength: 0, maxLength: 4 });

const originConfig = (credentials: boolean): fc.Arbitrary<OriginConfig> =>
  fc.oneof(
    {
      weight: credentials ? 0 : 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('default', 'star', 'in-list') as fc.Arbitrary<
            'default' | 'star' | 'in-list'
          >,
          entries,
        )
        .map(([form, list]): OriginConfig => ({ kind: 'any', form, entries: list })),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(entries, fc.boolean())
        .map(([list, single]): OriginConfig => ({ kind: 'list', entries: list, single })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('true', 'truthy-string')
        .map((grants): OriginConfig => ({ kind: 'function', grants })),
    },
  );

const config: fc.Arbitrary<Config> = fc.boolean().chain((credentials) =>
  fc.record({
    origin: originConfig(credentials),
    credentials: fc.constant(credentials),
    methods: fc.oneof(
      fc.constant(undefined),
      fc.constant('*' as const),
      fc.subarray(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PURGE', 'Purge', 'patch']),
    ),
    allowedHeaders: fc.oneof(
      fc.constant(undefined),
      fc.constant('*' as const),
      fc.subarray(['content-type', 'X-Custom', 'authorization', 'x-a', 'x-custom']),
    ),
    exposedHeaders: fc.oneof(
      fc.constant(undefined),
      credentials ? fc.constant(undefined) : fc.constant('*' as const),
      fc.subarray(['X-Total', 'x-id']),
    ),
    maxAge: fc.option(fc.nat({ max: 31_536_000 }), { nil: undefined }),
    privateNetwork: fc.option(fc.boolean(), { nil: undefined }),
    preflightContinue: fc.option(fc.boolean(), { nil: undefined }),
    optionsSuccessStatus: fc.option(fc.constantFrom(200, 204, 299), { nil: undefined }),
  }),
);

function toOptions(c: Config): CorsOptions {
  const options: Record<string, unknown> = {};
  const origin = c.origin;
  const written = (e: Entry): string | RegExp =>
    e.kind === 'null' ? 'null' : e.kind === 'regexp' ? e.re : e.written;
  if (origin.kind === 'any') {
    if (origin.form === 'star') options.origin = '*';
    if (origin.form === 'in-list') options.origin = [...origin.entries.map(written), '*'];
  } else if (origin.kind === 'function') {
    const grant = origin.grants === 'true' ? true : 'yes';
    options.origin = (value: string) => (value.includes('://a') ? grant : false);
  } else {
    const list = origin.entries.map(written);
    options.origin = origin.single && list.length === 1 ? list[0] : list;
  }
  if (c.credentials) options.credentials = true;
  for (const key of [
    'methods',
    'allowedHeaders',
    'exposedHeaders',
    'maxAge',
    'privateNetwork',
    'preflightContinue',
    'optionsSuccessStatus',
  ] as const) {
    if (c[key] !== undefined) options[key] = c[key];
  }
  return options as CorsOptions;
}

/** Origins the configuration is about: the starting points of near misses. */
function seedOrigins(c: Config): string[] {
  const seeds = ['https://example.com'];
  const origin = c.origin;
  if (origin.kind === 'function')
    seeds.push('https://a.example.com', 'https://b.example.com', 'http://a.test:8080');
  const list = origin.kind === 'function' ? [] : origin.entries;
  for (const e of list) {
    if (e.kind === 'exact') seeds.push(e.canonical);
    if (e.kind === 'subdomains') {
      const port = e.port === '*' ? ':5173' : e.port === '' ? '' : `:${e.port}`;
      seeds.push(`${e.scheme}://x.${e.base}${port}`, `${e.scheme}://${e.base}${port}`);
    }
    if (e.kind === 'any-port')
      seeds.push(`${e.scheme}://${e.host}:5173`, `${e.scheme}://${e.host}`);
    if (e.kind === 'regexp') seeds.push(`${e.scheme}://${e.base}`, `${e.scheme}://a.${e.base}`);
  }
  return seeds;
}

const MUTATIONS = [
  'change-char',
  'delete-char',
  'insert-char',
  'add-leading-label',
  'glue-leading-label',
  'add-trailing-label',
  'swap-scheme',
  'add-port',
  'add-default-port',
  'append-slash',
  'append-path',
  'uppercase',
  'join-two',
  'trailing-dot',
  'user-info',
] as const;
const CHARS = [
  'a',
  'z',
  '0',
  '-',
  '_',
  '.',
  ':',
  '/',
  ' ',
  'A',
  'ä',
  '\t',
  '*',
  ',',
  '@',
  '[',
  ']',
  '\0',
];

function mutate(
  origin: string,
  mutation: (typeof MUTATIONS)[number],
  n: number,
  char: string,
): string {
  const i = n % (origin.length + 1);
  const separator = origin.indexOf('://');
  const head = origin.slice(0, separator + 3);
  const tail = origin.slice(separator + 3);
  switch (mutation) {
    case 'change-char':
      return `${origin.slice(0, i)}${char}${origin.slice(i + 1)}`;
    case 'delete-char':
      return `${origin.slice(0, i)}${origin.slice(i + 1)}`;
    case 'insert-char':
      return `${origin.slice(0, i)}${char}${origin.slice(i)}`;
    case 'add-leading-label':
      return `${head}evil.${tail}`;
    case 'glue-leading-label':
      return `${head}evil${tail}`;
    case 'add-trailing-label':
      return `${origin}.evil.net`;
    case 'swap-scheme':
      return origin.startsWith('https:') ? `http:${origin.slice(6)}` : `https:${origin.slice(5)}`;
    case 'add-port':
      return `${origin}:${(n % 65536) + 1}`;
    case 'add-default-port':
      return `${origin}:${origin.startsWith('https:') ? 443 : 80}`;
    case 'append-slash':
      return `${origin}/`;
    case 'append-path':
      return `${origin}/x?y#z`;
    case 'uppercase':
      return origin.toUpperCase();
    case 'join-two':
      return `${origin}, ${origin}`;
    case 'trailing-dot':
      return `${origin}.`;
    case 'user-info':
      return `${head}user@${tail}`;
  }
}

// Request arbitraries that do not depend on the configuration are built once: building them per
// configuration costs more than the decisions under test.

/**
 * Any code point, weighted towards the ones that break header handling. (fast-check's own
 * `'binary'` unit costs seconds to set up, for a reverse map of every code point.)
 */
const anyCharacter = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\r',
      '\n',
      '\0',
      ' ',
      '\t',
      ',',
      ':',
      '/',
      '.',
      '*',
      '@',
      'ä',
      '\u2028',
      '\ufeff',
      '😀',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 0x10ffff })
      .filter((code) => code < 0xd800 || code > 0xdfff)
      .map((code) => String.fromCodePoint(code)),
  },
);
const hostileOrigin = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
  { weight: 2, arbitrary: fc.string({ unit: anyCharacter, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('null', '', '*', ' ', 'https://a.com', 'https://a.example.com'),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 500, max: 9000 })
      .map((n) => `https://${'a'.repeat(n)}.example.com`),
  },
);
const mutation = fc.tuple(fc.constantFrom(...MUTATIONS), fc.nat(), fc.constantFrom(...CHARS));
const requestMethods = {
  any: fc.oneof(
    { weight: 3, arbitrary: fc.constant('OPTIONS') },
    { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'options') },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  ),
  actual: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'options') },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  ),
  preflight: fc.constant('OPTIONS'),
};
const accessControlRequestMethod = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'GET',
      'PUT',
      'POST',
      'PATCH',
      'DELETE',
      'PURGE',
      'get',
      'patch',
      'delete',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 10 }) },
);
const accessControlRequestMethods = {
  any: fc.option(accessControlRequestMethod, { nil: undefined, freq: 4 }),
  actual: fc.option(accessControlRequestMethod, { nil: undefined, freq: 4 }),
  preflight: fc.option(accessControlRequestMethod, { nil: undefined, freq: 20 }),
};
const accessControlRequestHeaders = fc.option(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.constantFrom(
            'content-type',
            'Content-Type',
            'x-custom',
            'X-A',
            'authorization',
            'Authorization',
            ' x-b ',
            '',
            '\tx-c',
          ),
          { maxLength: 5 },
        )
        .map((names) => names.join(',')),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 8000, max: 20_000 })
        .map((n) => 'x-a,'.repeat(n / 4 + 1).slice(0, n)),
    },
  ),
  { nil: undefined },
);
const accessControlRequestPrivateNetwork = fc.option(
  fc.oneof(fc.constantFrom('true', 'false', 'TRUE', ''), fc.string({ maxLength: 5 })),
  { nil: undefined },
);

function requestFor(c: Config, kind: 'any' | 'preflight' | 'actual'): fc.Arbitrary<CorsRequest> {
  const seeds = seedOrigins(c);
  const seed = fc.constantFrom(...seeds);
  const origin = fc.oneof(
    { weight: 3, arbitrary: hostileOrigin },
    { weight: 2, arbitrary: seed },
    {
      weight: 5,
      arbitrary: fc.tuple(seed, mutation).map(([o, [m, n, char]]) => mutate(o, m, n, char)),
    },
  );
  return fc.record({
    method: requestMethods[kind],
    origin,
    requestMethod: accessControlRequestMethods[kind],
    requestHeaders: accessControlRequestHeaders,
    requestPrivateNetwork: accessControlRequestPrivateNetwork,
  });
}

const existingVary = fc.constantFrom(
  undefined,
  'Accept-Encoding',
  'origin',
  'Accept, ACCESS-CONTROL-REQUEST-METHOD',
  'Cookie, ORIGIN',
  '*',
);
// ---------------------------------------------------------------------------------------------
// The properties. Plain checks rather than `expect`, which would dominate tens of thousands of
// runs; a failure names the property, and fast-check adds the counterexample, seed and path.

class PropertyViolation extends Error {}

function check(condition: boolean, property: string, details?: unknown): void {
  if (!condition) {
    throw new PropertyViolation(
      details === undefined ? property : `${property}: ${JSON.stringify(details)}`,
    );
  }
}

const SAFE_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function checkDecision(c: Config, request: CorsRequest, vary: string | undefined): void {
  const options = toOptions(c);
  const policy = createCorsPolicy(options);
  // Evaluation never throws, and without an async origin function it is synchronous.
  const result = policy.evaluate(request);
  check(!isPromiseLike(result), 'a policy without an async origin function answers synchronously');
  const decision = result as CorsDecision;

  // The same input gives the same decision, from the same policy and from a fresh one.
  check(
    isDeepStrictEqual(policy.evaluate(request), decision),
    'the same policy decides the same way twice',
  );
  check(
    isDeepStrictEqual(createCorsPolicy(options).evaluate(request), decision),
    'a fresh policy decides the same way',
  );

  const origin = request.origin ?? undefined;
  const isPreflight =
    origin !== undefined && request.method === 'OPTIONS' && request.requestMethod != null;
  const kind = origin === undefined ? 'not-cors' : isPreflight ? 'preflight' : 'actual';
  check(decision.kind === kind, 'the request is sorted by the Fetch rules', {
    expected: kind,
    decision,
  });

  const anyOrigin = c.origin.kind === 'any';
  const originAllowed = anyOrigin || (origin !== undefined && modelAllowsOrigin(c.origin, origin));
  const headers = decision.headers;
  const values = Object.values(headers);
  const allowOrigin = headers['Access-Control-Allow-Origin'];

  for (const value of values) {
    check(
      SAFE_HEADER_VALUE.test(value),
      'header values are visible ASCII: no CR, LF, NUL or outer white space',
      headers,
    );
  }
  check(
    (allowOrigin !== undefined) === decision.allowed,
    'a grant is exactly a response with Allow-Origin',
    decision,
  );
  if (!decision.allowed) check(values.length === 0, 'a refusal sets no header', decision);
  if (allowOrigin !== undefined) {
    if (anyOrigin) check(allowOrigin === '*', "a '*' policy answers *", decision);
    else {
      check(allowOrigin === origin, 'Allow-Origin is exactly the request origin', decision);
      check(originAllowed, 'only an origin the configuration allows is granted', decision);
    }
  }
  if (origin !== undefined && origin !== '' && !originAllowed) {
    check(
      !values.some((value) => value.includes(origin)),
      'a refused origin never appears in a header',
      decision,
    );
  }
  if (c.credentials) {
    check(
      headers['Access-Control-Allow-Credentials'] === (decision.allowed ? 'true' : undefined),
      'a credentialed grant says so',
      decision,
    );
    check(
      !values.some((value) => value.split(',').includes('*')),
      'never * with credentials',
      decision,
    );
  }

  if (decision.kind === 'not-cors')
    check(decision.allowed === anyOrigin, "without Origin only a '*' policy grants", decision);
  if (decision.kind === 'actual') {
    check(
      decision.allowed === originAllowed,
      'an actual request is granted exactly when the model allows its origin',
      {
        originAllowed,
        decision,
      },
    );
    check(decision.action === 'continue', 'an actual request always reaches the route', decision);
    if (!decision.allowed)
      check(
        /^origin-/.test(decision.reason ?? ''),
        'an actual request is refused for its origin',
        decision,
      );
  }
  if (decision.kind === 'preflight') checkPreflight(c, request, decision, originAllowed);

  const names = decision.vary.map((name) => name.toLowerCase());
  check(new Set(names).size === names.length, 'Vary names are never repeated', decision.vary);
  check(
    names.includes('origin') === !anyOrigin,
    'Vary: Origin exactly when the answer depends on the origin',
    decision.vary,
  );
  if (decision.kind === 'preflight') {
    check(
      names.includes('access-control-request-method') &&
        names.includes('access-control-request-headers'),
      'a preflight varies on what it reads',
      decision.vary,
    );
  }
  const merged = mergeVary(vary, decision.vary);
  if (merged !== '*') {
    const tokens = merged.split(',').map((token) => token.trim().toLowerCase());
    check(new Set(tokens).size === tokens.length, 'a merged Vary has no duplicate', {
      vary,
      merged,
    });
    check(
      names.every((name) => tokens.includes(name)),
      'a merged Vary keeps every name',
      { vary, merged },
    );
  }
}

function checkPreflight(
  c: Config,
  request: CorsRequest,
  decision: CorsDecision,
  originAllowed: boolean,
): void {
  const requestMethod = request.requestMethod ?? '';
  const methods = configuredMethods(c);
  const methodAllowed =
    isToken(requestMethod) && (methods === '*' || methods.includes(requestMethod));
  const requested = modelParseHeaderList(request.requestHeaders ?? '');
  const configuredHeaders =
    c.allowedHeaders === undefined || c.allowedHeaders === '*'
      ? undefined
      : c.allowedHeaders.map((h) => h.toLowerCase());
  const headersAllowed =
    requested !== undefined &&
    (configuredHeaders === undefined ||
      requested.every((name) => configuredHeaders.includes(name)));
  const askedPrivateNetwork = request.requestPrivateNetwork === 'true';
  const model = { originAllowed, methodAllowed, headersAllowed };

  // SPEC (issue 14): private network access is no CORS check; it never decides the grant.
  check(
    decision.allowed === (originAllowed && methodAllowed && headersAllowed),
    'a preflight is granted exactly when the model allows origin, method and headers',
    { model, decision },
  );
  check(
    decision.privateNetwork ===
      (!askedPrivateNetwork
        ? undefined
        : c.privateNetwork !== true
          ? 'not-granted'
          : decision.allowed
            ? 'granted'
            : undefined),
    'the decision records whether private network access was asked for and granted',
    decision,
  );
  check(
    decision.action === (c.preflightContinue ? 'continue' : 'respond'),
    'preflightContinue decides the action',
    decision,
  );
  if (!decision.allowed) {
    check(
      decision.action === 'continue' || decision.status === 403,
      'a refused preflight that ends here has status 403',
      decision,
    );
    // The origin is the root cause and is reported first.
    check(
      /^origin-/.test(decision.reason ?? '') === !originAllowed,
      'the refusal reason names the origin first',
      {
        model,
        decision,
      },
    );
    return;
  }
  if (decision.action === 'respond') {
    check(
      decision.status === (c.optionsSuccessStatus ?? 204),
      'an answered preflight has optionsSuccessStatus',
      decision,
    );
  }
  // The browser's CORS-preflight check (Fetch §4.8) passes for what was asked.
  const headers = decision.headers;
  const allowedMethods = (headers['Access-Control-Allow-Methods'] ?? '').split(',');
  const anyMethod = allowedMethods.includes('*') && !c.credentials;
  check(
    anyMethod || allowedMethods.includes(requestMethod),
    'a granted preflight allows the requested method',
    decision,
  );
  const allowedHeaders = (headers['Access-Control-Allow-Headers'] ?? '')
    .split(',')
    .map((h) => h.toLowerCase());
  const anyHeader = allowedHeaders.includes('*') && !c.credentials;
  for (const name of requested ?? []) {
    check(
      (anyHeader && name !== 'authorization') || allowedHeaders.includes(name),
      'a granted preflight allows every requested header (Authorization by name)',
      { name, decision },
    );
  }
  check(
    headers['Access-Control-Allow-Private-Network'] ===
      (askedPrivateNetwork && c.privateNetwork === true ? 'true' : undefined),
    'private network access is granted exactly when asked for and enabled',
    decision,
  );
  if (Array.isArray(c.allowedHeaders)) {
    // Configured names are sent as written, each once (the first spelling wins).
    const written = c.allowedHeaders.filter(
      (name, index, all) =>
        all.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index,
    );
    check(
      headers['Access-Control-Allow-Headers'] ===
        (written.length === 0 ? undefined : written.join(',')),
      'configured allowedHeaders are sent as written',
      decision,
    );
  }
  check(
    headers['Access-Control-Max-Age'] === (c.maxAge === undefined ? undefined : String(c.maxAge)),
    'Max-Age is the configured maxAge',
    decision,
  );
}

const TIMEOUT = 120_000;

describe(`policy properties (fast-check seed ${SEED}; set FC_SEED to try another)`, () => {
  it(
    'decides any request against any valid configuration by the model',
    () => {
      fc.assert(
        fc.property(
          config.chain((c) => fc.tuple(fc.constant(c), requestFor(c, 'any'), existingVary)),
          ([c, request, vary]) => checkDecision(c, request, vary),
        ),
        { seed: SEED, numRuns: runs(12_000) },
      );
    },
    TIMEOUT,
  );

  it(
    'refuses every near miss of an allowed origin on actual requests, and grants the originals',
    () => {
      fc.assert(
        fc.property(
          config.chain((c) => fc.tuple(fc.constant(c), requestFor(c, 'actual'), existingVary)),
          ([c, request, vary]) => checkDecision(c, request, vary),
        ),
        { seed: SEED + 1, numRuns: runs(10_000) },
      );
    },
    TIMEOUT,
  );

  it(
    'answers preflights only as the model allows, and then so that a browser passes them',
    () => {
      fc.assert(
        fc.property(
          config.chain((c) => fc.tuple(fc.constant(c), requestFor(c, 'preflight'), existingVary)),
          ([c, request, vary]) => checkDecision(c, request, vary),
        ),
        { seed: SEED + 2, numRuns: runs(10_000) },
      );
    },
    TIMEOUT,
  );
});
