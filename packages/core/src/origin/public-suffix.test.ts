import { getPublicSuffix } from 'tldts';
import { describe, expect, it } from 'vitest';
import {
  readCommittedPublicSuffixData,
  readPublicSuffixRules,
  renderPublicSuffixData,
} from '../../scripts/public-suffix-data.js';
import { PUBLIC_SUFFIX_SOURCE } from './public-suffix-data.js';
import { isPublicSuffix } from './public-suffix.js';

describe('the generated Public Suffix List data', () => {
  it('is exactly what scripts/public-suffix-data.ts makes from the pinned tldts', () => {
    // Fails after a tldts bump until `pnpm --filter @cors/core generate:public-suffixes` is run.
    expect(readCommittedPublicSuffixData()).toBe(renderPublicSuffixData());
  });

  it('names the package it comes from', () => {
    expect(PUBLIC_SUFFIX_SOURCE).toBe(readPublicSuffixRules().source);
  });

  it('holds both sections of the list', () => {
    const { rules } = readPublicSuffixRules();
    expect(rules.length).toBeGreaterThan(5000);
    for (const rule of [
      'co.uk',
      'github.io',
      '*.ck',
      '!www.ck',
      'herokuapp.com',
      'xn--55qx5d.cn',
    ]) {
      expect(rules).toContain(rule);
    }
  });
});

describe('isPublicSuffix', () => {
  it.each([
    ['com', true],
    ['anything-unlisted', true],
    ['co.uk', true],
    ['github.io', true],
    ['herokuapp.com', true],
    ['foo.ck', true],
    ['www.ck', false],
    ['a.www.ck', false],
    ['city.kawasaki.jp', false],
    ['x.kawasaki.jp', true],
    ['example.com', false],
    ['app.github.io', false],
    ['bbc.co.uk', false],
    ['xn--55qx5d.cn', true],
  ])('%s → %s', (host, expected) => {
    expect(isPublicSuffix(host)).toBe(expected);
  });

  it('agrees with tldts on every rule, its subdomains and its parents', () => {
    const hosts = new Set<string>();
    for (const rule of readPublicSuffixRules().rules) {
      const host = rule.replace(/^!/, '').replace(/^\*\./, 'wild.');
      hosts.add(host);
      hosts.add(`sub.${host}`);
      hosts.add(host.slice(host.indexOf('.') + 1));
    }
    const disagreements = [...hosts].filter(
      (host) =>
        isPublicSuffix(host) !== (getPublicSuffix(host, { allowPrivateDomains: true }) === host),
    );
    expect(disagreements).toEqual([]);
  });
});
