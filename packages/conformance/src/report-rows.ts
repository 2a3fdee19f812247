import type { CorsDecision, CorsOptions, CorsReportOutcome, RefusalReason } from '@cors/core';
import type { ConfigErrorRow } from './config-error-rows.js';
import type { Observation, RowRequest } from './rows.js';

/** The hooks a report row's options report to. */
export interface ReportHooks {
  readonly onDecision: (decision: CorsDecision) => void;
  readonly debug: (line: string) => void;
}

/** What `onDecision` and `debug` received for the row's one request. */
export interface ReportSeen {
  /** How many times `onDecision` was called for the row's one request: once, whatever the mode. */
  readonly calls: number;
  /** Whether the decision `onDecision` received granted the request (what was answered). */
  readonly answered: 'allowed' | 'refused';
  /** `decision.report?.outcome`, or `'none'` when the candidate agreed. */
  readonly outcome: CorsReportOutcome | 'none';
  readonly reason?: RefusalReason;
  readonly detail?: string;
  /** Every `debug` line, in order. */
  readonly lines: readonly string[];
}

/**
 * A row about report-only mode and `report` candidates (issue 20 point 1): what the client sees
 * (answered as the enforced policy, or granted as asked) and what was reported.
 */
export interface ReportRow {
  readonly name: string;
  /**
   * The row's options around the recording hooks (fresh for every run). `responded` settles once
   * the client has the whole response: a candidate `origin` function that waits for it proves
   * the answer never waits for the candidate (if it did, the request would hang).
   */
  readonly options: (hooks: ReportHooks, responded: Promise<void>) => CorsOptions;
  readonly request: RowRequest;
  readonly expected: { readonly observation: Observation; readonly report: ReportSeen };
}

/**
 * Runs a report row: builds its options around recording hooks, lets `send` serve
 * `cors(options)` and send `row.request` (returning what the client saw), then waits for the
 * row's one `onDecision` call (which comes after the response when the candidate is async).
 * Compare the result with `row.expected`.
 *
 * @example
 * it.each(reportRows)('$name', async (row) => {
 *   const result = await runReportRow(row, (options) => withServer(cors(options), (url) => sendRow(url, row.request)));
 *   expect(result).toEqual(row.expected);
 * });
 */
export async function runReportRow(
  row: ReportRow,
  send: (options: CorsOptions) => Promise<Observation>,
): Promise<{ observation: Observation; report: ReportSeen | 'not reported' }> {
  const decisions: CorsDecision[] = [];
  const lines: string[] = [];
  let reported: () => void = () => undefined;
  const decided = new Promise<void>((resolve) => (reported = resolve));
  let respond: () => void = () => undefined;
  const responded = new Promise<void>((resolve) => (respond = resolve));
  const options = row.options(
    {
      onDecision: (decision) => {
        decisions.push(decision);
        reported();
      },
      debug: (line) => lines.push(line),
    },
    responded,
  );
  const observation = await send(options);
  respond();
  // A bound on waiting, not a timing assertion: a row that never reports fails as "not reported".
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 5_000)));
  const settled = await Promise.race([decided, late]);
  clearTimeout(timer);
  if (settled === 'late') return { observation, report: 'not reported' };
  // One more turn of the event loop, so that a second call for the same request would be seen.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const [decision] = decisions;
  const report = decision?.report;
  return {
    observation,
    report: {
      calls: decisions.length,
      answered: decision?.allowed ? 'allowed' : 'refused',
      outcome: report?.outcome ?? 'none',
      ...(report?.reason === undefined ? {} : { reason: report.reason }),
      ...(report?.detail === undefined ? {} : { detail: report.detail }),
      lines,
    },
  };
}

const APP = 'https://app.example.com';
const OLD = 'https://old.example.com';
const NEW = 'https://new.example.com';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

// The policy being tried: an allowlist with credentials, as teams tighten `*` into.
const tightened: CorsOptions = {
  origin: [APP],
  credentials: true,
  methods: ['GET', 'PUT'],
  allowedHeaders: ['content-type'],
  exposedHeaders: ['X-Request-Id'],
};

const get = (origin: string): RowRequest => ({ method: 'GET', headers: { origin } });
const preflight = (origin: string, method: string, headers?: string): RowRequest => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': method,
    ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
  },
});

const grantedActual = (origin: string): Observation => ({
  status: 200,
  routeRuns: true,
  headers: {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'X-Request-Id',
    vary: 'Origin',
  },
});
const refusedActual: Observation = { status: 200, routeRuns: true, headers: { vary: 'Origin' } };
const wouldRefuseOrigin = (kind: 'request' | 'preflight', origin: string): string =>
  `cors: would refuse ${kind} (origin-not-allowed): origin "${origin}" is not allowed; add it to the origin option (reported only, not enforced)`;

/**
 * Report-only mode and `report` candidates on every adapter: requests are answered by the
 * enforced policy (or granted as asked), never delayed or failed by the candidate, and every
 * difference reaches `onDecision` and `debug`.
 */
export const reportRows: readonly ReportRow[] = [
  {
    name: 'report-only: an actual request from an origin the policy refuses is granted, and reported',
    options: (hooks) => ({ ...tightened, mode: 'report-only', ...hooks }),
    request: get(OLD),
    expected: {
      observation: grantedActual(OLD),
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'origin-not-allowed',
        detail: OLD,
        lines: [wouldRefuseOrigin('request', OLD)],
      },
    },
  },
  {
    name: 'report-only: an actual request the policy grants is granted, and nothing is reported',
    options: (hooks) => ({ ...tightened, mode: 'report-only', ...hooks }),
    request: get(APP),
    expected: {
      observation: grantedActual(APP),
      report: { calls: 1, answered: 'allowed', outcome: 'none', lines: [] },
    },
  },
  {
    name: 'report-only: a preflight from a refused origin is answered as asked, and reported',
    options: (hooks) => ({ ...tightened, mode: 'report-only', ...hooks }),
    request: preflight(OLD, 'DELETE', 'X-Token, Content-Type'),
    expected: {
      observation: {
        status: 204,
        routeRuns: false,
        headers: {
          'access-control-allow-origin': OLD,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'DELETE',
          'access-control-allow-headers': 'x-token,content-type',
          vary: VARY_PREFLIGHT,
        },
      },
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'origin-not-allowed',
        detail: OLD,
        lines: [wouldRefuseOrigin('preflight', OLD)],
      },
    },
  },
  {
    name: 'report-only: a preflight asking for an unlisted header is answered, and the header reported',
    options: (hooks) => ({ ...tightened, mode: 'report-only', ...hooks }),
    request: preflight(APP, 'PUT', 'x-token'),
    expected: {
      observation: {
        status: 204,
        routeRuns: false,
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'PUT',
          'access-control-allow-headers': 'x-token',
          vary: VARY_PREFLIGHT,
        },
      },
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'header-not-allowed',
        detail: 'x-token',
        lines: [
          'cors: would refuse preflight (header-not-allowed): header "x-token" is not in allowedHeaders; add it there (reported only, not enforced)',
        ],
      },
    },
  },
  {
    name: 'report-only: a malformed Origin is still never granted nor echoed',
    options: (hooks) => ({ ...tightened, mode: 'report-only', ...hooks }),
    request: get('https://app.example.com/path'),
    expected: {
      observation: refusedActual,
      report: {
        calls: 1,
        answered: 'refused',
        outcome: 'none',
        lines: [
          'cors: refused request: Origin header "https://app.example.com/path" is not one serialized origin (scheme://host[:port])',
        ],
      },
    },
  },
  {
    name: 'report candidate: an origin it drops is answered by the enforced policy, and reported would-refuse',
    options: (hooks) => ({
      ...tightened,
      origin: [APP, OLD],
      report: { ...tightened, origin: [APP, NEW] },
      ...hooks,
    }),
    request: get(OLD),
    expected: {
      observation: grantedActual(OLD),
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'origin-not-allowed',
        detail: OLD,
        lines: [wouldRefuseOrigin('request', OLD)],
      },
    },
  },
  {
    name: 'report candidate: an origin it adds stays refused, and is reported would-allow',
    options: (hooks) => ({
      ...tightened,
      origin: [APP, OLD],
      report: { ...tightened, origin: [APP, NEW] },
      ...hooks,
    }),
    request: get(NEW),
    expected: {
      observation: refusedActual,
      report: {
        calls: 1,
        answered: 'refused',
        outcome: 'would-allow',
        reason: 'origin-not-allowed',
        detail: NEW,
        lines: [
          `cors: refused request: origin "${NEW}" is not allowed; add it to the origin option`,
          `cors: would allow request refused now (origin-not-allowed: "${NEW}")`,
        ],
      },
    },
  },
  {
    name: 'report candidate: a preflight method it drops is answered, and reported',
    options: (hooks) => ({ ...tightened, report: { ...tightened, methods: ['GET'] }, ...hooks }),
    request: preflight(APP, 'PUT'),
    expected: {
      observation: {
        status: 204,
        routeRuns: false,
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'GET,PUT',
          'access-control-allow-headers': 'content-type',
          vary: VARY_PREFLIGHT,
        },
      },
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'method-not-allowed',
        detail: 'PUT',
        lines: [
          'cors: would refuse preflight (method-not-allowed): method "PUT" is not in methods (compared case-sensitively); add it there (reported only, not enforced)',
        ],
      },
    },
  },
  {
    name: 'report candidate: an async origin function that settles only after the response never delays it',
    options: (hooks, responded) => ({
      ...tightened,
      report: {
        ...tightened,
        origin: async (origin: string) => {
          await responded;
          return origin === NEW;
        },
      },
      ...hooks,
    }),
    request: get(APP),
    expected: {
      observation: grantedActual(APP),
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-refuse',
        reason: 'origin-not-allowed',
        detail: APP,
        lines: [wouldRefuseOrigin('request', APP)],
      },
    },
  },
  {
    name: 'report candidate: an origin function that throws is reported would-fail, the request answered',
    options: (hooks) => ({
      ...tightened,
      report: {
        ...tightened,
        origin: () => {
          throw new Error('tenant table missing');
        },
      },
      ...hooks,
    }),
    request: get(APP),
    expected: {
      observation: grantedActual(APP),
      report: {
        calls: 1,
        answered: 'allowed',
        outcome: 'would-fail',
        lines: [
          "cors: would fail request: the candidate's origin function failed (tenant table missing), so nothing would be granted and the request would reach error handling",
        ],
      },
    },
  },
];

/** Report-only and `report` configurations that must throw `CorsConfigError` at start-up. */
export const reportConfigErrorRows: readonly ConfigErrorRow[] = [
  {
    name: 'a report candidate with a bad origin, named report.origin',
    options: { origin: [APP], debug: true, report: { origin: 'https://new.example.com/' } },
    expected: {
      option: 'report.origin',
      mentions: ['"https://new.example.com/"', 'did you mean https://new.example.com?'],
    },
  },
  {
    name: "a report candidate allowing '*' with credentials",
    options: {
      origin: [APP],
      credentials: true,
      debug: true,
      report: { origin: '*', credentials: true },
    },
    expected: { option: 'report.origin', mentions: ['"*"', 'list the origins'] },
  },
  {
    name: "mode: 'report-only' with no onDecision and no debug to report to",
    options: { origin: [APP], mode: 'report-only' },
    expected: { option: 'mode', mentions: ["mode: 'report-only'", 'set onDecision'] },
  },
  {
    name: 'an unknown mode',
    options: { origin: [APP], mode: 'shadow', debug: true },
    expected: { option: 'mode', mentions: ['"shadow"', "'report-only'"] },
  },
];
