/**
 * Nanoseconds per decision: `policy.evaluate(...)` for allowed and refused actual requests and
 * preflights, with allowlists of 1, 100 and 10,000 exact origins (hit on the last one, and a
 * miss), with a subdomain pattern, with 1 and 100,000 subdomain patterns, with `cachedOrigins`
 * on a warm cache (issue 17: a hit should cost what the 1-origin list costs), with a policy
 * reconfigured once, and in report-only mode or with a report candidate (issue 20). Run with
 * `pnpm --filter @cors/core bench`; results and the machine they came from go in BENCHMARKS.md.
 */
import { availableParallelism, cpus } from 'node:os';
import { bench, do_not_optimize, run } from 'mitata';
import {
  cachedOrigins,
  createCorsPolicy,
  type CorsOptions,
  type CorsPolicy,
  type CorsRequest,
} from '../src/index.js';

const MISS = 'https://evil.example.net';
const SIZES = [1, 100, 10_000] as const;

interface Case {
  readonly name: string;
  readonly policy: CorsPolicy;
  readonly request: CorsRequest;
}

function realisticOptions(origin: CorsOptions['origin']): CorsOptions {
  return { origin, credentials: true, exposedHeaders: ['x-request-id'], maxAge: 600 };
}

function realisticPolicy(origin: CorsOptions['origin']): CorsPolicy {
  return createCorsPolicy(realisticOptions(origin));
}

const actual = (origin: string): CorsRequest => ({ method: 'GET', origin });
const preflight = (origin: string): CorsRequest => ({
  method: 'OPTIONS',
  origin,
  requestMethod: 'PUT',
  requestHeaders: 'content-type,x-request-id',
});

const cases: Case[] = [];
for (const size of SIZES) {
  const origins = Array.from({ length: size }, (_, i) => `https://app${i}.example.com`);
  const policy = realisticPolicy(origins);
  const last = origins[size - 1] as string;
  cases.push(
    { name: `actual, allowed    ${size} exact`, policy, request: actual(last) },
    { name: `actual, refused    ${size} exact`, policy, request: actual(MISS) },
    { name: `preflight, allowed ${size} exact`, policy, request: preflight(last) },
    { name: `preflight, refused ${size} exact`, policy, request: preflight(MISS) },
  );
}
const pattern = realisticPolicy('https://*.example.com');
cases.push(
  {
    name: 'actual, allowed    pattern',
    policy: pattern,
    request: actual('https://a.b.example.com'),
  },
  { name: 'actual, refused    pattern', policy: pattern, request: actual(MISS) },
  {
    name: 'preflight, allowed pattern',
    policy: pattern,
    request: preflight('https://a.b.example.com'),
  },
);
// Issue 18: a non-matching origin must cost the same with 1 or 100,000 patterns (above a
// handful, patterns are looked up by host instead of tested one by one).
for (const size of [1, 100_000] as const) {
  const patterns = Array.from({ length: size }, (_, i) => `https://*.tenant${i}.example.com`);
  const policy = realisticPolicy(patterns);
  cases.push(
    {
      name: `actual, allowed    ${size} patterns`,
      policy,
      request: actual(`https://a.tenant${size - 1}.example.com`),
    },
    { name: `actual, refused    ${size} patterns`, policy, request: actual(MISS) },
    {
      name: `actual, refused    ${size} patterns, near miss`,
      policy,
      request: actual(`https://a.b.c.tenant${size}.example.com`),
    },
  );
}
const CACHED = 'https://app0.example.com';
const cachedOrigin = cachedOrigins(async (origin) => origin === CACHED, {
  ttl: 24 * 60 * 60_000,
  max: 10_000,
});
await cachedOrigin(CACHED);
const cached = realisticPolicy(cachedOrigin);
const reconfigured = createCorsPolicy(realisticOptions([]));
reconfigured.reconfigure(realisticOptions([CACHED]));
cases.push(
  { name: 'actual, allowed    cachedOrigins hit', policy: cached, request: actual(CACHED) },
  { name: 'preflight, allowed cachedOrigins hit', policy: cached, request: preflight(CACHED) },
  {
    name: 'actual, allowed    1 exact, reconfigured',
    policy: reconfigured,
    request: actual(CACHED),
  },
);
// Issue 20: report-only and a report candidate, against the same 1-origin policy with only an
// `onDecision` (reports need one); without either option the policy is the plain one above.
const onDecision = (): void => undefined;
const observed = createCorsPolicy({ ...realisticOptions([CACHED]), onDecision });
const reportOnly = createCorsPolicy({
  ...realisticOptions([CACHED]),
  mode: 'report-only',
  onDecision,
});
const candidate = createCorsPolicy({
  ...realisticOptions([CACHED]),
  onDecision,
  report: realisticOptions([CACHED, 'https://new.example.com']),
});
cases.push(
  { name: 'actual, allowed    1 exact, onDecision', policy: observed, request: actual(CACHED) },
  { name: 'actual, allowed    1 exact, report-only', policy: reportOnly, request: actual(CACHED) },
  { name: 'actual, refused    1 exact, report-only', policy: reportOnly, request: actual(MISS) },
  {
    name: 'preflight, allowed 1 exact, report-only',
    policy: reportOnly,
    request: preflight(CACHED),
  },
  {
    name: 'actual, allowed    1 exact, report candidate',
    policy: candidate,
    request: actual(CACHED),
  },
);
const anyOrigin = createCorsPolicy();
cases.push(
  { name: "actual             '*'", policy: anyOrigin, request: actual(MISS) },
  { name: "preflight          '*'", policy: anyOrigin, request: preflight(MISS) },
);

for (const { name, policy, request } of cases) {
  // Every case must decide synchronously; a promise here would measure the wrong thing.
  const decision = policy.evaluate(request);
  if (decision instanceof Promise) throw new Error(`${name}: unexpected promise`);
  bench(name, () => do_not_optimize(policy.evaluate(request)));
}
// Warm every case up before measuring any: a server sees all kinds of requests, and otherwise
// the cases measured first would run on code the JIT specialized for them alone.
for (let round = 0; round < 20_000; round++) {
  for (const { policy, request } of cases) do_not_optimize(policy.evaluate(request));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `# ${new Date().toISOString()} · Node ${process.version} · ${availableParallelism()} CPUs (${cpu}) · ${process.platform}/${process.arch}`,
);
const { benchmarks } = await run({ format: 'quiet' });

const medians = new Map<string, number>();
console.log('\n| case | median ns | mean ns | p99 ns |\n|---|---:|---:|---:|');
for (const trial of benchmarks) {
  const stats = trial.runs[0]?.stats;
  if (!stats) continue;
  medians.set(trial.alias, stats.p50);
  console.log(
    `| ${trial.alias} | ${stats.p50.toFixed(1)} | ${stats.avg.toFixed(1)} | ${stats.p99.toFixed(1)} |`,
  );
}

console.log('\n| case | 10,000 origins ÷ 1 origin (median) |\n|---|---:|');
for (const kind of [
  'actual, allowed   ',
  'actual, refused   ',
  'preflight, allowed',
  'preflight, refused',
]) {
  const one = medians.get(`${kind} 1 exact`);
  const many = medians.get(`${kind} 10000 exact`);
  if (one !== undefined && many !== undefined)
    console.log(`| ${kind.trim()} | ${(many / one).toFixed(2)}× |`);
}

console.log('\n| case | 100,000 patterns ÷ 1 pattern (median) |\n|---|---:|');
for (const kind of ['actual, allowed   ', 'actual, refused   ']) {
  for (const suffix of ['', ', near miss']) {
    const one = medians.get(`${kind} 1 patterns${suffix}`);
    const many = medians.get(`${kind} 100000 patterns${suffix}`);
    if (one !== undefined && many !== undefined)
      console.log(`| ${kind.trim()}${suffix} | ${(many / one).toFixed(2)}× |`);
  }
}
