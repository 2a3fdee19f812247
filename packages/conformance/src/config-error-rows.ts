/** A configuration that must throw `CorsConfigError` at start-up. */
export interface ConfigErrorRow {
  readonly name: string;
  readonly options: unknown;
  readonly expected: {
    /** The option of the (first) issue. */
    readonly option: string;
    /** Text the error message must contain: the bad value, and the fix where there is one. */
    readonly mentions: readonly string[];
    /** Text the error message must not contain (e.g. `[object Object]`). */
    readonly omits?: readonly string[];
  };
}

/** Every configuration error the SPEC lists. */
export const specConfigErrorRows: readonly ConfigErrorRow[] = [
  {
    name: "origin '*' with credentials",
    options: { origin: '*', credentials: true },
    expected: { option: 'origin', mentions: ['"*"', 'credentials', 'list the origins'] },
  },
  {
    name: "the default origin ('*') with credentials",
    options: { credentials: true },
    expected: { option: 'origin', mentions: ['"*"', 'list the origins'] },
  },
  {
    name: "'*' inside a list with credentials",
    options: { origin: ['https://app.example.com', '*'], credentials: true },
    expected: { option: 'origin', mentions: ['"*"', 'list the origins'] },
  },
  {
    name: 'a match-all RegExp with credentials',
    options: { origin: /.*/, credentials: true },
    expected: { option: 'origin', mentions: ['/.*/', 'list the origins'] },
  },
  {
    name: 'a RegExp that matches every https site, with credentials',
    options: { origin: ['https://app.example.com', /^https:\/\/.+$/], credentials: true },
    expected: {
      option: 'origin',
      mentions: ['/^https:\\/\\/.+$/', 'every site', 'list the origins'],
    },
  },
  {
    name: 'an origin with a trailing slash',
    options: { origin: 'https://app.example.com/' },
    expected: {
      option: 'origin',
      mentions: ['"https://app.example.com/"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with a path',
    options: { origin: 'https://app.example.com/api' },
    expected: {
      option: 'origin',
      mentions: ['"https://app.example.com/api"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with a query',
    options: { origin: 'https://app.example.com?x=1' },
    expected: {
      option: 'origin',
      mentions: ['"https://app.example.com?x=1"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with user information',
    options: { origin: 'https://user:pw@app.example.com' },
    expected: {
      option: 'origin',
      mentions: ['"https://user:pw@app.example.com"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with no scheme',
    options: { origin: 'app.example.com' },
    expected: {
      option: 'origin',
      mentions: ['"app.example.com"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with white space around it',
    options: { origin: ' https://app.example.com' },
    expected: {
      option: 'origin',
      mentions: ['" https://app.example.com"', 'did you mean https://app.example.com?'],
    },
  },
  {
    name: 'an origin with an empty label',
    options: { origin: 'https://app..example.com' },
    expected: { option: 'origin', mentions: ['"https://app..example.com"', 'empty label'] },
  },
  {
    name: 'an origin with port 0',
    options: { origin: 'http://localhost:0' },
    expected: {
      option: 'origin',
      mentions: ['"http://localhost:0"', 'invalid port', '1 to 65535'],
    },
  },
  {
    name: "'*' inside a label",
    options: { origin: 'https://app-*.example.com' },
    expected: {
      option: 'origin',
      mentions: ['"https://app-*.example.com"', 'whole leading label'],
    },
  },
  {
    name: "'*' in a middle label",
    options: { origin: 'https://app.*.example.com' },
    expected: {
      option: 'origin',
      mentions: ['"https://app.*.example.com"', 'whole leading label'],
    },
  },
  {
    name: 'a wildcard straight on a top-level domain',
    options: { origin: 'https://*.com' },
    expected: { option: 'origin', mentions: ['"https://*.com"', 'top-level domain'] },
  },
  {
    name: 'an origin that is a boolean',
    options: { origin: true },
    expected: { option: 'origin', mentions: ['true', "use '*'"] },
  },
  {
    name: "exposedHeaders '*' with credentials",
    options: { origin: 'https://app.example.com', credentials: true, exposedHeaders: '*' },
    expected: { option: 'exposedHeaders', mentions: ["'*'", 'credentials', 'list the headers'] },
  },
  {
    name: 'a header name that is not a token',
    options: { allowedHeaders: ['x-ok', 'x bad'] },
    expected: { option: 'allowedHeaders', mentions: ['"x bad"', 'HTTP token'] },
  },
  {
    name: 'an exposed header name that is not a token',
    options: { exposedHeaders: ['x:y'] },
    expected: { option: 'exposedHeaders', mentions: ['"x:y"', 'HTTP token'] },
  },
  {
    name: 'a method that is not a token',
    options: { methods: ['GET', 'PO ST'] },
    expected: { option: 'methods', mentions: ['"PO ST"', 'HTTP token'] },
  },
  {
    name: 'methods given as one string',
    options: { methods: 'GET,POST' },
    expected: { option: 'methods', mentions: ['"GET,POST"', "did you mean ['GET', 'POST']?"] },
  },
  {
    name: 'a negative maxAge',
    options: { maxAge: -1 },
    expected: { option: 'maxAge', mentions: ['-1', 'non-negative whole number'] },
  },
  {
    name: 'a fractional maxAge',
    options: { maxAge: 1.5 },
    expected: { option: 'maxAge', mentions: ['1.5', 'non-negative whole number'] },
  },
  {
    name: 'a maxAge too large to write as whole seconds',
    options: { maxAge: 1e21 },
    expected: { option: 'maxAge', mentions: ['1e+21', 'non-negative whole number'] },
  },
  {
    name: "'*' inside a methods list",
    options: { methods: ['GET', '*'] },
    expected: { option: 'methods', mentions: ['"*"', "use methods: '*'"] },
  },
  {
    name: 'an optionsSuccessStatus outside 200-299',
    options: { optionsSuccessStatus: 301 },
    expected: { option: 'optionsSuccessStatus', mentions: ['301', '2xx'] },
  },
  {
    name: 'a misspelt option name',
    options: { origin: 'https://app.example.com', exposeHeaders: ['x-id'] },
    expected: {
      option: 'exposeHeaders',
      mentions: ['"exposeHeaders"', 'did you mean exposedHeaders?'],
    },
  },
];
