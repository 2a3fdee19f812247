/**
 * What is measured: the policies every variant is configured with, the requests sent, and the
 * headers each variant must answer with before any timing starts.
 */

/** The four servers of one framework in one run. `bare-control` is the A/A control. */
export type Variant = 'bare' | 'incumbent' | 'ours' | 'bare-control';

/** The interleaving order of one round; later rounds rotate it (see `roundOrder`). */
export const VARIANTS: readonly Variant[] = ['bare', 'incumbent', 'ours', 'bare-control'];

/**
 * In-process only, measured in the same rounds as the four above:
 * - `ours-one-origin`: our adapter with a 1-origin allowlist holding the 10,000-origin
 *   workload's request origin (the allowlist target);
 * - `floor`: a middleware that sets the allowed GET's four headers with no decision at all
 *   (`experiments/<framework>-floor.js`), the least any CORS layer sending them can cost;
 * - on the allowed GET (issue 17): `ours-cached-origins`, ours whose `origin` is
 *   `cachedOrigins(lookup)` answering from a warm cache, against `ours`' static 1-origin list;
 *   and `ours-reconfigured`, ours given a policy from `createCorsPolicy` that has been
 *   reconfigured once, against `ours` (never reconfigured); and (issue 20) `ours-report-only`,
 *   ours with the same options in `mode: 'report-only'` with a no-op `onDecision`.
 */
export type InProcessVariant =
  | Variant
  | 'ours-one-origin'
  | 'floor'
  | 'ours-cached-origins'
  | 'ours-reconfigured'
  | 'ours-report-only';

/** How a variant is configured: which origins it allows. */
export type PolicyName =
  | 'one-origin'
  | 'allowlist-10k'
  | 'pattern'
  | 'last-origin-only'
  /** The 1-origin allowlist through `cachedOrigins` (ours only; incumbents get the list). */
  | 'one-origin-cached'
  /** The 1-origin allowlist in a policy reconfigured once (ours only). */
  | 'one-origin-reconfigured'
  /** The 1-origin allowlist in `mode: 'report-only'`, with a no-op `onDecision` (ours only). */
  | 'one-origin-report-only';

/** The policies every server process serves (one app each). */
export const POLICY_NAMES: readonly PolicyName[] = ['one-origin', 'allowlist-10k', 'pattern'];

/** The allowed origin of the `one-origin` policy. */
export const APP_ORIGIN = 'https://app.example.com';

/** 10,000 exact origins; the one the requests send is last. */
export const LARGE_ALLOWLIST: readonly string[] = Array.from(
  { length: 10_000 },
  (_, index) => `https://tenant-${index}.customers.example.net`,
);
const LAST_LISTED_ORIGIN = LARGE_ALLOWLIST[LARGE_ALLOWLIST.length - 1] as string;

/** Our pattern, and the RegExp the incumbents get for the same set of origins. */
export const ORIGIN_PATTERN = 'https://*.example.com';
export const ORIGIN_REGEXP = /^https:\/\/(?:[a-z0-9-]+\.)+example\.com$/;

/** The rest of every policy: the same for the incumbent and for ours. */
export const SHARED_OPTIONS = {
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
  maxAge: 600,
} as const;

/** The allowed origins of a policy as our adapters take them: exact origins, or the pattern. */
export function allowlistOf(policy: PolicyName): readonly string[] {
  if (
    policy === 'one-origin' ||
    policy === 'one-origin-cached' ||
    policy === 'one-origin-reconfigured' ||
    policy === 'one-origin-report-only'
  ) {
    return [APP_ORIGIN];
  }
  if (policy === 'allowlist-10k') return LARGE_ALLOWLIST;
  if (policy === 'last-origin-only') return [LAST_LISTED_ORIGIN];
  return [ORIGIN_PATTERN];
}

/** A request of a workload: sent over HTTP by autocannon and dispatched in-process. */
export interface BenchRequest {
  readonly method: 'GET' | 'OPTIONS';
  readonly headers: Readonly<Record<string, string>>;
}

export type WorkloadName =
  | 'allowed-get'
  | 'preflight'
  | 'refused-origin'
  | 'allowlist-10k'
  | 'pattern';

/** One measured case: a request against the servers configured with `policy`. */
export interface Workload {
  readonly name: WorkloadName;
  readonly title: string;
  readonly policy: PolicyName;
  /** In-process, ours is also measured with this policy in the same rounds (`ours-one-origin`). */
  readonly oneOriginTwin?: PolicyName;
  /** In-process, the `floor` variant is measured in the same rounds (it only answers this one). */
  readonly measuresFloor?: boolean;
  /**
   * In-process, `ours-cached-origins`, `ours-reconfigured` and `ours-report-only` are measured in
   * the same rounds.
   */
  readonly measuresDynamicOrigins?: boolean;
  readonly request: BenchRequest;
  /** The response a CORS variant must give (bare variants must give no CORS header at all). */
  readonly expect: Expectation;
}

interface Expectation {
  readonly status: number;
  /** `undefined`: the header must be absent. Compared case-insensitively. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Whether `Vary` must list `Origin`. */
  readonly varyOrigin: boolean;
  /** Ours must not send any other `access-control-*` header (incumbents may, e.g. credentials). */
  readonly oursSendsNothingElse: boolean;
}

const actualGrant = (origin: string): Expectation => ({
  status: 200,
  headers: {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'x-request-id',
  },
  varyOrigin: true,
  oursSendsNothingElse: true,
});

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'allowed-get',
    title: 'allowed GET (1-origin allowlist)',
    policy: 'one-origin',
    measuresFloor: true,
    measuresDynamicOrigins: true,
    request: { method: 'GET', headers: { origin: APP_ORIGIN } },
    expect: actualGrant(APP_ORIGIN),
  },
  {
    name: 'preflight',
    title: 'preflight (PUT, 2 headers)',
    policy: 'one-origin',
    request: {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-token',
      },
    },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        'access-control-allow-headers': 'content-type,x-token',
        'access-control-max-age': '600',
      },
      varyOrigin: true,
      oursSendsNothingElse: true,
    },
  },
  {
    name: 'refused-origin',
    title: 'refused origin (GET)',
    policy: 'one-origin',
    request: { method: 'GET', headers: { origin: 'https://evil.example.net' } },
    expect: {
      status: 200,
      headers: { 'access-control-allow-origin': undefined },
      varyOrigin: true,
      oursSendsNothingElse: true,
    },
  },
  {
    name: 'allowlist-10k',
    title: 'allowed GET, 10,000-origin allowlist (origin last)',
    policy: 'allowlist-10k',
    oneOriginTwin: 'last-origin-only',
    request: { method: 'GET', headers: { origin: LAST_LISTED_ORIGIN } },
    expect: actualGrant(LAST_LISTED_ORIGIN),
  },
  {
    name: 'pattern',
    title: 'allowed GET, https://*.example.com',
    policy: 'pattern',
    request: { method: 'GET', headers: { origin: 'https://tenant-42.eu.example.com' } },
    expect: actualGrant('https://tenant-42.eu.example.com'),
  },
];

/** The variants in the order of round `round` (0-based): rotated so none always goes first. */
export function roundOrder<T = Variant>(
  round: number,
  variants: readonly T[] = VARIANTS as readonly T[],
): T[] {
  const shift = round % variants.length;
  return [...variants.slice(shift), ...variants.slice(0, shift)];
}

/**
 * Checks one response against the workload's expectation. Returns the problems found (empty when
 * the response is right). `headers` are lowercased names.
 */
export function checkResponse(
  workload: Workload,
  variant: InProcessVariant,
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  const corsNames = Object.keys(headers).filter((name) => name.startsWith('access-control-'));
  if (variant === 'bare' || variant === 'bare-control') {
    // The bare framework: the route answers every method, and no CORS header exists.
    if (status !== 200) problems.push(`status ${status}, expected 200 from the route`);
    if (corsNames.length > 0) problems.push(`unexpected CORS headers ${corsNames.join(', ')}`);
    return problems;
  }
  const { expect } = workload;
  if (status !== expect.status) problems.push(`status ${status}, expected ${expect.status}`);
  for (const [name, expected] of Object.entries(expect.headers)) {
    const actual = headers[name];
    if (expected === undefined) {
      if (actual !== undefined) problems.push(`${name}: ${actual}, expected none`);
    } else if (actual?.toLowerCase().replace(/\s+/g, '') !== expected.toLowerCase()) {
      problems.push(`${name}: ${String(actual)}, expected ${expected}`);
    }
  }
  const vary = (headers.vary ?? '').toLowerCase().split(/\s*,\s*/);
  if (expect.varyOrigin && !vary.includes('origin')) {
    problems.push(`vary: ${String(headers.vary)}, expected it to list Origin`);
  }
  if (variant !== 'incumbent' && expect.oursSendsNothingElse) {
    const extra = corsNames.filter((name) => !(name in expect.headers) || !expect.headers[name]);
    if (extra.length > 0) problems.push(`unexpected CORS headers ${extra.join(', ')}`);
  }
  return problems;
}
