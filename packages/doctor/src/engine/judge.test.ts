import { describe, expect, it } from 'vitest';
import {
  judgeCorsCheck,
  judgeExposedHeaders,
  judgePreflight,
  type JudgedRequest,
} from './judge.js';
import type { RuleId } from './rules.js';
import { normalizeMethod } from './fetch-rules.js';

const ORIGIN = 'https://app.example.com';
const base: JudgedRequest = {
  origin: ORIGIN,
  credentials: false,
  method: 'GET',
  unsafeHeaderNames: [],
};

describe('CORS check (Fetch)', () => {
  const rows: Array<{
    name: string;
    credentials: boolean;
    headers: Record<string, string>;
    failedRule?: RuleId;
  }> = [
    {
      name: 'passes `*` without credentials',
      credentials: false,
      headers: { 'Access-Control-Allow-Origin': '*' },
    },
    {
      name: 'refuses `*` with credentials',
      credentials: true,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' },
      failedRule: 'allow-origin-credentials',
    },
    {
      name: 'passes the exact origin',
      credentials: false,
      headers: { 'Access-Control-Allow-Origin': ORIGIN },
    },
    {
      name: 'refuses a missing header',
      credentials: false,
      headers: {},
      failedRule: 'allow-origin',
    },
    {
      name: 'refuses a trailing slash',
      credentials: false,
      headers: { 'Access-Control-Allow-Origin': `${ORIGIN}/` },
      failedRule: 'allow-origin',
    },
    {
      name: 'refuses another case',
      credentials: false,
      headers: { 'Access-Control-Allow-Origin': ORIGIN.toUpperCase() },
      failedRule: 'allow-origin',
    },
    {
      name: 'refuses two origins',
      credentials: false,
      headers: { 'Access-Control-Allow-Origin': `${ORIGIN}, https://b.test` },
      failedRule: 'allow-origin',
    },
    {
      name: 'refuses credentials without Allow-Credentials',
      credentials: true,
      headers: { 'Access-Control-Allow-Origin': ORIGIN },
      failedRule: 'allow-credentials',
    },
    {
      name: 'refuses Allow-Credentials: TRUE',
      credentials: true,
      headers: {
        'Access-Control-Allow-Origin': ORIGIN,
        'Access-Control-Allow-Credentials': 'TRUE',
      },
      failedRule: 'allow-credentials',
    },
    {
      name: 'passes credentials with Allow-Credentials: true',
      credentials: true,
      headers: {
        'Access-Control-Allow-Origin': ORIGIN,
        'Access-Control-Allow-Credentials': 'true',
      },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const checks = judgeCorsCheck(
        { ...base, credentials: row.credentials },
        Object.entries(row.headers),
      );
      expect(checks.find((check) => !check.ok)?.rule).toBe(row.failedRule);
    });
  }
});

describe('CORS-preflight (Fetch)', () => {
  const grant = { 'Access-Control-Allow-Origin': ORIGIN };
  const rows: Array<{
    name: string;
    request: Partial<JudgedRequest>;
    status?: number;
    headers: Record<string, string>;
    failedRule?: RuleId;
  }> = [
    {
      name: 'refuses a 404',
      request: { method: 'PUT' },
      status: 404,
      headers: { ...grant, 'Access-Control-Allow-Methods': 'PUT' },
      failedRule: 'preflight-ok-status',
    },
    {
      name: 'refuses a redirect',
      request: { method: 'PUT' },
      status: 301,
      headers: grant,
      failedRule: 'redirect-preflight',
    },
    {
      name: 'passes a listed method',
      request: { method: 'PUT' },
      headers: { ...grant, 'Access-Control-Allow-Methods': 'GET, PUT' },
    },
    {
      name: 'refuses an unlisted method',
      request: { method: 'PUT' },
      headers: { ...grant, 'Access-Control-Allow-Methods': 'GET,POST' },
      failedRule: 'allow-methods',
    },
    {
      name: 'compares methods case-sensitively',
      request: { method: 'PATCH' },
      headers: { ...grant, 'Access-Control-Allow-Methods': 'patch' },
      failedRule: 'allow-methods',
    },
    {
      name: 'passes a method by `*` without credentials',
      request: { method: 'PUT' },
      headers: { ...grant, 'Access-Control-Allow-Methods': '*' },
    },
    {
      name: 'refuses a method by `*` with credentials',
      request: { method: 'PUT', credentials: true },
      headers: {
        ...grant,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': '*',
      },
      failedRule: 'allow-methods',
    },
    {
      name: 'passes a safelisted method with no Allow-Methods',
      request: { method: 'POST', unsafeHeaderNames: ['x-a'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': 'X-A' },
    },
    {
      name: 'refuses a method list that is not tokens',
      request: { method: 'PUT' },
      headers: { ...grant, 'Access-Control-Allow-Methods': 'PUT, "GET"' },
      failedRule: 'allow-methods-syntax',
    },
    {
      name: 'refuses a missing header',
      request: { unsafeHeaderNames: ['x-a', 'x-b'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': 'x-a' },
      failedRule: 'allow-headers',
    },
    {
      name: 'passes headers case-insensitively',
      request: { unsafeHeaderNames: ['x-a'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': 'X-A' },
    },
    {
      name: 'passes headers by `*` without credentials',
      request: { unsafeHeaderNames: ['x-a'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': '*' },
    },
    {
      name: 'refuses Authorization by `*`',
      request: { unsafeHeaderNames: ['authorization'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': '*' },
      failedRule: 'allow-headers-authorization',
    },
    {
      name: 'passes Authorization named next to `*`',
      request: { unsafeHeaderNames: ['authorization', 'x-a'] },
      headers: { ...grant, 'Access-Control-Allow-Headers': '*, Authorization' },
    },
    {
      name: 'refuses headers by `*` with credentials',
      request: { unsafeHeaderNames: ['x-a'], credentials: true },
      headers: {
        ...grant,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Headers': '*',
      },
      failedRule: 'allow-headers',
    },
    {
      name: 'refuses a preflight without Allow-Origin',
      request: { method: 'PUT' },
      headers: { 'Access-Control-Allow-Methods': 'PUT' },
      failedRule: 'allow-origin',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { checks, grant: granted } = judgePreflight(
        { ...base, ...row.request },
        row.status ?? 204,
        Object.entries(row.headers),
      );
      expect(checks.find((check) => !check.ok)?.rule).toBe(row.failedRule);
      expect(granted !== undefined).toBe(row.failedRule === undefined);
    });
  }

  it.each([
    ['600', 600],
    ['0', 0],
    ['-1', null],
    ['ten', null],
  ] as const)('reads Access-Control-Max-Age %s as %s', (value, maxAge) => {
    const answer = judgePreflight({ ...base, method: 'PUT' }, 204, [
      ...Object.entries(grant),
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Max-Age', value],
    ]);
    expect(answer.grant?.maxAge).toBe(maxAge);
  });
});

describe('exposed response headers', () => {
  it.each([
    [false, 'X-Id', {}, false],
    [false, 'X-Id', { 'Access-Control-Expose-Headers': 'x-id' }, true],
    [false, 'X-Id', { 'Access-Control-Expose-Headers': '*' }, true],
    [true, 'X-Id', { 'Access-Control-Expose-Headers': '*' }, false],
    [true, 'Content-Type', {}, true],
  ] as const)('credentials %s, %s, %j: readable %s', (credentials, name, headers, readable) => {
    const [check] = judgeExposedHeaders({ ...base, credentials }, Object.entries(headers), [name]);
    expect(check?.ok).toBe(readable);
  });
});

describe('method case, as fetch() normalizes it and preflights compare it', () => {
  // Fetch upper-cases DELETE and PUT in the request, but compares Access-Control-Allow-Methods
  // case-sensitively; PATCH is never upper-cased.
  it.each([
    ['DELETE', 'delete', true],
    ['delete', 'DELETE', false],
    ['delete', 'delete', false],
    ['PUT', 'put', true],
    ['PATCH', 'PATCH', true],
    ['PATCH', 'patch', false],
    ['patch', 'PATCH', false],
    ['patch', 'patch', true],
  ] as const)('Allow-Methods %s, fetch() method %s: passes %s', (allowed, used, passes) => {
    const method = normalizeMethod(used);
    const { grant } = judgePreflight(
      { origin: ORIGIN, credentials: true, method, unsafeHeaderNames: [] },
      204,
      [
        ['Access-Control-Allow-Origin', ORIGIN],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Methods', allowed],
      ],
    );
    expect(grant !== undefined).toBe(passes);
  });
});
