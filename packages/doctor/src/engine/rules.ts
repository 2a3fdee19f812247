/**
 * Every rule the doctor judges by, with the Fetch Standard section it comes from. A verdict
 * always names one of these.
 */
export const RULES = {
  'network-error': {
    title: 'A response must arrive: no answer is a network error to the page',
    spec: 'https://fetch.spec.whatwg.org/#concept-network-error',
  },
  'preflight-ok-status': {
    title: 'CORS-preflight: the answer must have an ok status (200-299)',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'allow-origin': {
    title: "CORS check: Access-Control-Allow-Origin must be `*` or exactly the request's origin",
    spec: 'https://fetch.spec.whatwg.org/#cors-check',
  },
  'allow-origin-credentials': {
    title: 'CORS check: with credentials, Access-Control-Allow-Origin must be the origin, not `*`',
    spec: 'https://fetch.spec.whatwg.org/#cors-check',
  },
  'allow-credentials': {
    title: 'CORS check: with credentials, Access-Control-Allow-Credentials must be `true`',
    spec: 'https://fetch.spec.whatwg.org/#cors-check',
  },
  'allow-methods-syntax': {
    title: 'CORS-preflight: Access-Control-Allow-Methods must be a list of method tokens',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'allow-methods': {
    title:
      'CORS-preflight: the method must be safelisted, listed in Access-Control-Allow-Methods, or covered by `*` (without credentials)',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'allow-headers-syntax': {
    title: 'CORS-preflight: Access-Control-Allow-Headers must be a list of header names',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'allow-headers-authorization': {
    title:
      'CORS-preflight: Authorization must be named in Access-Control-Allow-Headers; `*` never covers it',
    spec: 'https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name',
  },
  'allow-headers': {
    title:
      'CORS-preflight: each non-safelisted request header must be listed in Access-Control-Allow-Headers, or covered by `*` (without credentials)',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'expose-headers': {
    title:
      'Scripts read only safelisted response headers and those in Access-Control-Expose-Headers (`*` only without credentials)',
    spec: 'https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name',
  },
  'preflight-cache': {
    title:
      'CORS-preflight cache: Access-Control-Max-Age says how many seconds the browser keeps the answer (5 without it)',
    spec: 'https://fetch.spec.whatwg.org/#http-access-control-max-age',
  },
  'redirect-preflight': {
    title: 'CORS-preflight: a redirect is not an ok status, so the preflight fails',
    spec: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  },
  'redirect-limit': {
    title: 'HTTP-redirect fetch: more than 20 redirects is a network error',
    spec: 'https://fetch.spec.whatwg.org/#http-redirect-fetch',
  },
  'redirect-location': {
    title: 'HTTP-redirect fetch: the Location must be a valid http(s) URL without credentials',
    spec: 'https://fetch.spec.whatwg.org/#http-redirect-fetch',
  },
} as const;

/** The name of a rule in {@link RULES}. */
export type RuleId = keyof typeof RULES;
