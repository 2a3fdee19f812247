import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_HEADERS_LENGTH, isToken, mergeVary, parseHeaderList } from './headers.js';

describe('isToken', () => {
  it.each(['GET', 'x-custom', 'X_Y', "!#$%&'*+-.^_`|~", 'a', '0', 'PURGE'])(
    'accepts %j',
    (value) => {
      expect(isToken(value)).toBe(true);
    },
  );

  it.each([
    ['an empty string', ''],
    ['a space', 'x y'],
    ['a leading space', ' x'],
    ['a tab', 'x\t'],
    ['a comma', 'a,b'],
    ['a colon', 'x:y'],
    ['a slash', 'a/b'],
    ['quotes', '"x"'],
    ['parentheses', 'x(y)'],
    ['a CR LF', 'x\r\ny'],
    ['a NUL', 'x\0'],
    ['non-ASCII', 'x-é'],
    ['a trailing newline', 'x\n'],
  ])('refuses %s', (_what, value) => {
    expect(isToken(value)).toBe(false);
  });
});

describe('parseHeaderList', () => {
  it.each([
    ['one name', 'content-type', ['content-type']],
    ['names lowercased', 'X-Custom, Content-Type', ['x-custom', 'content-type']],
    ['optional white space trimmed (spaces and tabs)', ' a ,\tb\t,  c', ['a', 'b', 'c']],
    ['duplicates removed whatever their case, first kept', 'X-A, x-a, X-B, x-A', ['x-a', 'x-b']],
    ['empty items skipped', 'a,,b,', ['a', 'b']],
    ['an empty value', '', []],
    ['only commas and white space', ' , ,\t', []],
    [
      'a long list, duplicates removed past the first 16 names too',
      [...Array.from({ length: 20 }, (_, i) => `X-${i}`), 'x-3', 'x-19'].join(','),
      Array.from({ length: 20 }, (_, i) => `x-${i}`),
    ],
  ])('parses %s', (_what, value, names) => {
    expect(parseHeaderList(value)).toEqual(names);
  });

  it.each([
    ['a name with a space inside', 'x-ok, bad header'],
    ['a name with a colon', 'x:y'],
    ['a CR LF', 'a\r\nb'],
    ['a NUL', 'a\0'],
    ['non-ASCII', 'x-é'],
    ['a semicolon-separated list', 'a;b'],
    ['a name followed by white space and more', 'a b,c'],
    ['a trailing non-token character', 'a,b/'],
  ])('refuses %s', (_what, value) => {
    expect(parseHeaderList(value)).toBeUndefined();
  });

  it('reads a value exactly at the length bound and refuses one character more', () => {
    const atBound = 'a'.repeat(MAX_REQUEST_HEADERS_LENGTH);
    expect(parseHeaderList(atBound)).toEqual([atBound]);
    expect(parseHeaderList(`${atBound},`)).toBeUndefined();
  });

  it('refuses a 64 KB value of valid names without parsing it', () => {
    const huge = Array.from({ length: 8000 }, (_, i) => `x-h${i}`)
      .join(',')
      .padEnd(64 * 1024, 'a');
    expect(huge).toHaveLength(64 * 1024);
    expect(parseHeaderList(huge)).toBeUndefined();
  });
});

describe('mergeVary', () => {
  it.each([
    ['no existing value', undefined, ['Origin'], 'Origin'],
    ['null', null, ['Origin'], 'Origin'],
    [
      'an empty value',
      '',
      ['Origin', 'Access-Control-Request-Method'],
      'Origin, Access-Control-Request-Method',
    ],
    ['an existing token', 'Accept-Encoding', ['Origin'], 'Accept-Encoding, Origin'],
    [
      'a token already there in another case',
      'accept-encoding, origin',
      ['Origin'],
      'accept-encoding, origin',
    ],
    [
      'some present, some new',
      'Origin',
      ['Origin', 'Access-Control-Request-Method'],
      'Origin, Access-Control-Request-Method',
    ],
    ['duplicate names asked for', undefined, ['Origin', 'origin'], 'Origin'],
    ['a value with no token', ' , ', ['Origin'], 'Origin'],
    [
      'duplicate names asked for after an existing value',
      'Accept',
      ['Origin', 'ORIGIN'],
      'Accept, Origin',
    ],
    ['an existing *', '*', ['Origin'], '*'],
    ['an existing * among tokens', 'Accept, *', ['Origin'], '*'],
    [
      'an existing value with odd spacing',
      ' Accept ,, Cookie',
      ['cookie', 'Origin'],
      ' Accept ,, Cookie, Origin',
    ],
    [
      'an array (Node joins several Vary lines)',
      ['Accept', 'Cookie'],
      ['Origin'],
      'Accept, Cookie, Origin',
    ],
    ['an array already holding the name', ['Accept', 'origin'], ['Origin'], 'Accept, origin'],
    ['a number (Node allows one)', 5, ['Origin'], '5, Origin'],
    ['the same one name (merged again)', 'Origin', ['Origin'], 'Origin'],
    ['the same name in another case', 'origin', ['Origin'], 'origin'],
    ['a *-valued name asked for again', '*', ['*'], '*'],
    ['nothing to add', 'Accept', [], 'Accept'],
    ['nothing to add and nothing there', undefined, [], ''],
  ])('merges into %s', (_what, existing, names, merged) => {
    expect(mergeVary(existing, names)).toBe(merged);
  });

  it('merges into a 1 MB Vary value from the app and appends once', () => {
    const existing = Array.from({ length: 100_000 }, (_, i) => `X-${i}`).join(', ');
    const merged = mergeVary(existing, ['Origin', 'x-5']);
    expect(merged).toBe(`${existing}, Origin`);
  });
});
