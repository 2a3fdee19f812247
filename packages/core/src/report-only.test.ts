import { describe, expect, it, vi } from 'vitest';
import { CorsConfigError } from './config-error.js';
import type { CorsDecision } from './decision.js';
import type { CorsOptions } from './options.js';
import { isPromiseLike } from './origin/matcher.js';
import type { CorsRequest } from './policy.js';
import { createCorsPolicy } from './reconfigurable-policy.js';
import type { CorsReport } from './report-only.js';
import { actual, preflight } from './requests.test-support.js';

const APP = 'https://app.example.com';
const OLD = 'https://old.example.com';
const NEW = 'https://new.example.com';
const VARY_PREFLIGHT = [
  'Origin',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
];

/** What a report is checked on: its outcome, reason and detail (the candidate's decision aside). */
type ReportSummary = Pick<CorsReport, 'outcome' | 'reason' | 'detail'> | undefined;
const summary = (report: CorsReport | undefined): ReportSummary =>
  report && { outcome: report.outcome, reason: report.reason, detail: report.detail };

/** A policy with `options` that records what `onDecision` and `debug` receive. */
function recording(options: CorsOptions): {
  evaluate: (request: CorsRequest) => CorsDecision | Promise<CorsDecision>;
  decisions: CorsDecision[];
  lines: string[];
} {
  const decisions: CorsDecision[] = [];
  const lines: string[] = [];
  const policy = createCorsPolicy({
    ...options,
    onDecision: (decision) => decisions.push(decision),
    debug: (line) => lines.push(line),
  });
  return { evaluate: (request) => policy.evaluate(request), decisions, lines };
}

function syncDecision(decision: CorsDecision | Promise<CorsDecision>): CorsDecision {
  if (isPromiseLike(decision)) throw new Error('expected a synchronous decision');
  return decision;
}

function configError(options: unknown): CorsConfigError {
  try {
    createCorsPolicy(options as CorsOptions);
  } catch (error) {
    if (error instanceof CorsConfigError) return error;
    throw error;
  }
  throw new Error('expected a CorsConfigError');
}

const reportOnly: CorsOptions = {
  mode: 'report-only',
  origin: [APP],
  credentials: true,
  methods: ['GET', 'PUT'],
  allowedHeaders: ['content-type'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

describe("mode: 'report-only'", () => {
  it.each([
    {
      name: 'grants an actual request from an origin the policy refuses, and reports it',
      request: actual(OLD),
      headers: {
        'Access-Control-Allow-Origin': OLD,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'X-Request-Id',
      },
      report: { outcome: 'would-refuse', reason: 'origin-not-allowed', detail: OLD },
    },
    {
      name: 'grants an actual request the policy grants too, and reports nothing',
      request: actual(APP),
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'X-Request-Id',
      },
      report: undefined,
    },
    {
      name: 'answers a preflight asking for an unlisted method with that method, and reports it',
      request: preflight(APP, 'PATCH'),
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PATCH',
        'Access-Control-Max-Age': '600',
      },
      report: { outcome: 'would-refuse', reason: 'method-not-allowed', detail: 'PATCH' },
    },
    {
      name: 'reflects the requested headers of a preflight, and reports the unlisted one',
      request: preflight(APP, 'PUT', 'Content-Type, X-Token'),
      headers: {
        'Access-Control-Allow-Origin': APP,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PUT',
        'Access-Control-Allow-Headers': 'content-type,x-token',
        'Access-Control-Max-Age': '600',
      },
      report: { outcome: 'would-refuse', reason: 'header-not-allowed', detail: 'x-token' },
    },
    {
      name: "grants the 'null' origin as asked, and reports it",
      request: actual('null'),
      headers: {
        'Access-Control-Allow-Origin': 'null',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'X-Request-Id',
      },
      report: { outcome: 'would-refuse', reason: 'origin-not-allowed', detail: 'null' },
    },
    {
      name: 'never grants (nor echoes) a malformed Origin; both refuse it, so nothing is reported',
      request: actual('https://a.example.com, https://b.example.com'),
      headers: {},
      report: undefined,
    },
    {
      name: 'reports nothing for a request without Origin',
      request: actual(),
      headers: {},
      report: undefined,
    },
  ])('$name', ({ request, headers, report }) => {
    const policy = recording(reportOnly);
    const decision = syncDecision(policy.evaluate(request));
    expect(decision.headers).toEqual(headers);
    expect(policy.decisions).toHaveLength(1);
    expect(summary(policy.decisions[0]?.report)).toEqual(report);
  });

  it('answers a granted preflight with the policy status and Vary, and the report holds the refusal', () => {
    const policy = recording({ ...reportOnly, optionsSuccessStatus: 200 });
    const decision = syncDecision(policy.evaluate(preflight(OLD)));
    expect(decision).toMatchObject({
      allowed: true,
      action: 'respond',
      status: 200,
      vary: VARY_PREFLIGHT,
    });
    expect(policy.decisions[0]?.report?.candidate).toMatchObject({
      allowed: false,
      status: 403,
      reason: 'origin-not-allowed',
    });
  });

  it("answers methods '*' without credentials (browsers read it as any method)", () => {
    const policy = recording({ mode: 'report-only', origin: [APP], methods: ['GET'] });
    const decision = syncDecision(policy.evaluate(preflight(OLD, 'DELETE')));
    expect(decision.headers).toEqual({
      'Access-Control-Allow-Origin': OLD,
      'Access-Control-Allow-Methods': '*',
    });
  });

  it('logs "would refuse" with the reason and the fix, once per request', () => {
    const policy = recording(reportOnly);
    policy.evaluate(actual(OLD));
    policy.evaluate(preflight(APP, 'PUT', 'x-token'));
    policy.evaluate(actual(APP));
    expect(policy.lines).toEqual([
      `cors: would refuse request (origin-not-allowed): origin "${OLD}" is not allowed; add it to the origin option (reported only, not enforced)`,
      'cors: would refuse preflight (header-not-allowed): header "x-token" is not in allowedHeaders; add it there (reported only, not enforced)',
    ]);
  });

  it('reports what an async origin function decides, with the answer unchanged and synchronous', async () => {
    let settle: (allowed: boolean) => void = () => undefined;
    const policy = recording({
      mode: 'report-only',
      origin: () => new Promise<boolean>((resolve) => (settle = resolve)),
    });
    const decision = policy.evaluate(actual(OLD));
    expect(isPromiseLike(decision)).toBe(false);
    expect(policy.decisions).toEqual([]);
    settle(false);
    await vi.waitFor(() => expect(policy.decisions).toHaveLength(1));
    expect(summary(policy.decisions[0]?.report)).toEqual({
      outcome: 'would-refuse',
      reason: 'origin-not-allowed',
      detail: OLD,
    });
  });
});

describe('a report candidate beside an enforced policy', () => {
  const enforced: CorsOptions = { origin: [APP, OLD], credentials: true };

  it.each([
    {
      name: 'reports an origin the candidate drops as would-refuse, answered by the enforced policy',
      report: { origin: [APP, NEW], credentials: true },
      request: actual(OLD),
      allowed: true,
      expected: { outcome: 'would-refuse', reason: 'origin-not-allowed', detail: OLD },
    },
    {
      name: 'reports an origin the candidate adds as would-allow, with why it is refused now',
      report: { origin: [APP, NEW], credentials: true },
      request: actual(NEW),
      allowed: false,
      expected: { outcome: 'would-allow', reason: 'origin-not-allowed', detail: NEW },
    },
    {
      name: 'reports nothing where both grant',
      report: { origin: [APP, NEW], credentials: true },
      request: actual(APP),
      allowed: true,
      expected: undefined,
    },
    {
      name: 'reports nothing where both refuse, whatever their reasons',
      report: { origin: [APP], methods: ['GET'] },
      request: preflight('https://evil.example.net', 'DELETE'),
      allowed: false,
      expected: undefined,
    },
    {
      name: 'reports a preflight header the candidate no longer allows',
      report: { origin: [APP, OLD], credentials: true, allowedHeaders: ['content-type'] },
      request: preflight(APP, 'PUT', 'x-token'),
      allowed: true,
      expected: { outcome: 'would-refuse', reason: 'header-not-allowed', detail: 'x-token' },
    },
  ])('$name', ({ report, request, allowed, expected }) => {
    const policy = recording({ ...enforced, report });
    const decision = syncDecision(policy.evaluate(request));
    expect(decision.allowed).toBe(allowed);
    expect(policy.decisions.map((seen) => seen.allowed)).toEqual([allowed]);
    expect(summary(policy.decisions[0]?.report)).toEqual(expected);
  });

  it('returns the enforced decision itself: the report is on what onDecision receives', () => {
    const policy = recording({ ...enforced, report: { origin: [APP] } });
    const decision = syncDecision(policy.evaluate(actual(OLD)));
    expect(decision.report).toBeUndefined();
    expect(policy.decisions[0]).toEqual({ ...decision, report: expect.any(Object) });
  });

  it('logs "would allow" for a request the candidate would grant', () => {
    const policy = recording({ ...enforced, report: { origin: [NEW] } });
    policy.evaluate(actual(NEW));
    expect(policy.lines).toEqual([
      `cors: refused request: origin "${NEW}" is not allowed; add it to the origin option`,
      `cors: would allow request refused now (origin-not-allowed: "${NEW}")`,
    ]);
  });

  describe('a candidate origin function that fails', () => {
    it.each([
      [
        'throws',
        (): boolean => {
          throw new Error('tenant table missing');
        },
        'tenant table missing',
      ],
      ['rejects', () => Promise.reject(new Error('database down')), 'database down'],
      [
        'never settles (its originTimeout)',
        () => new Promise<boolean>(() => undefined),
        'cors: the origin function did not settle within 20 ms (originTimeout); nothing was granted',
      ],
    ])(
      '%s: the answer is the enforced one, and the report says would-fail',
      async (_name, origin, message) => {
        const policy = recording({ ...enforced, report: { origin, originTimeout: 20 } });
        const decision = syncDecision(policy.evaluate(actual(APP)));
        expect(decision.allowed).toBe(true);
        await vi.waitFor(() => expect(policy.decisions).toHaveLength(1));
        const report = policy.decisions[0]?.report;
        expect(report?.outcome).toBe('would-fail');
        expect((report?.error as Error).message).toBe(message);
        expect(policy.lines).toEqual([
          `cors: would fail request: the candidate's origin function failed (${message}), so nothing would be granted and the request would reach error handling`,
        ]);
      },
    );
  });

  it('reports once both have settled when the enforced origin function is async too', async () => {
    const policy = recording({
      origin: async (origin) => origin === APP,
      report: { origin: async (origin) => origin === NEW },
    });
    const decision = await policy.evaluate(actual(APP));
    expect(decision.allowed).toBe(true);
    await vi.waitFor(() => expect(policy.decisions).toHaveLength(1));
    expect(policy.decisions[0]?.report?.outcome).toBe('would-refuse');
  });

  it('fails the request as without a candidate when the enforced origin function fails, and reports nothing', async () => {
    const policy = recording({
      origin: () => Promise.reject(new Error('enforced down')),
      report: { origin: [APP] },
    });
    await expect(policy.evaluate(actual(APP))).rejects.toThrow('enforced down');
    expect(policy.decisions).toEqual([]);
  });

  it('answers as usual when onDecision throws on a report', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const policy = createCorsPolicy({
        ...enforced,
        report: { origin: [APP] },
        onDecision: () => {
          throw new Error('hook bug');
        },
      });
      expect(syncDecision(policy.evaluate(actual(OLD))).allowed).toBe(true);
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      error.mockRestore();
    }
  });

  it('accepts a candidate spread from the enforced options (same hooks)', () => {
    const onDecision = vi.fn();
    const options: CorsOptions = { ...enforced, onDecision };
    const policy = createCorsPolicy({ ...options, report: { ...options, origin: [APP] } });
    policy.evaluate(actual(OLD));
    expect(onDecision).toHaveBeenCalledTimes(1);
  });

  it('follows reconfigure: a candidate added later reports, and removed stops', () => {
    const onDecision = vi.fn();
    const policy = createCorsPolicy({ ...enforced, onDecision });
    policy.evaluate(actual(OLD));
    policy.reconfigure({ ...enforced, onDecision, report: { origin: [APP] } });
    policy.evaluate(actual(OLD));
    policy.reconfigure({ ...enforced, onDecision });
    policy.evaluate(actual(OLD));
    expect(
      onDecision.mock.calls.map(([decision]) => (decision as CorsDecision).report?.outcome),
    ).toEqual([undefined, 'would-refuse', undefined]);
  });
});

describe('configuration errors', () => {
  const onDecision = (): void => undefined;

  it.each([
    {
      name: 'a mode that is not enforce or report-only',
      options: { mode: 'shadow', onDecision },
      issues: [['mode', "\"shadow\" is not 'enforce' or 'report-only'"]],
    },
    {
      name: 'report-only with nowhere to report',
      options: { mode: 'report-only', origin: [APP] },
      issues: [['mode', "mode: 'report-only' reports to onDecision and debug, and neither is set"]],
    },
    {
      name: 'a report candidate with nowhere to report (debug: false)',
      options: { origin: [APP], debug: false, report: { origin: [NEW] } },
      issues: [
        ['report', 'a report candidate reports to onDecision and debug, and neither is set'],
      ],
    },
    {
      name: 'report-only and a report candidate together',
      options: { mode: 'report-only', report: {}, onDecision },
      issues: [
        [
          'report',
          "report is set together with mode: 'report-only', which already reports what this policy would refuse",
        ],
      ],
    },
    {
      name: "the candidate's own problems, each named report.<option>, with the enforced policy's",
      options: {
        origin: 'https://app.example.com/',
        onDecision,
        report: { origin: ['https://new.example.com/'], credentials: 'yes', maxage: 5 },
      },
      issues: [
        [
          'origin',
          '"https://app.example.com/" has a path or trailing slash; an origin is only scheme://host[:port]',
        ],
        ['report.maxage', '"maxage" is not a CORS option'],
        [
          'report.origin',
          '"https://new.example.com/" has a path or trailing slash; an origin is only scheme://host[:port]',
        ],
        ['report.credentials', '"yes" is not true or false'],
      ],
    },
    {
      name: "a candidate '*' with credentials",
      options: {
        origin: [APP],
        credentials: true,
        onDecision,
        report: { origin: '*', credentials: true },
      },
      issues: [
        [
          'report.origin',
          '"*" allows every origin, which browsers refuse together with credentials: true',
        ],
      ],
    },
    {
      name: 'a candidate that is not an object',
      options: { onDecision, report: 'https://new.example.com' },
      issues: [['report', '"https://new.example.com" is not an options object']],
    },
    {
      name: 'hooks of its own in the candidate',
      options: { onDecision, report: { onDecision: () => undefined, debug: true } },
      issues: [
        [
          'report.onDecision',
          "the candidate's reports go to the enforced policy's onDecision, so this one would never be called",
        ],
        [
          'report.debug',
          "the candidate's reports go to the enforced policy's debug, so this one would never be called",
        ],
      ],
    },
    {
      name: 'a candidate in report-only mode, or with a candidate of its own',
      options: { onDecision, report: { mode: 'report-only', report: {} } },
      issues: [
        ['report.mode', 'a candidate is evaluated as the enforcing policy it would become'],
        ['report.report', 'a candidate cannot have a candidate of its own'],
      ],
    },
  ])('refuses $name', ({ options, issues }) => {
    expect(configError(options).issues.map((issue) => [issue.option, issue.message])).toEqual(
      issues,
    );
  });

  it("accepts mode: 'enforce' (the default) without any hook", () => {
    expect(() => createCorsPolicy({ mode: 'enforce', origin: [APP] })).not.toThrow();
  });
});
