/**
 * `pnpm bench` (root) / `pnpm --filter @cors/bench bench [-- flags]`: the HTTP benchmark, then the
 * in-process one, then the tables and target verdicts in Markdown on stdout (progress on stderr).
 *
 * Flags: --quick (under 2 minutes), --only http|in-process, --frameworks node,express,…,
 * --workloads allowed-get,preflight,…, --rounds N, --duration S (HTTP window), --connections N,
 * --sample-ms N (CPU ms of one in-process sample), --in-process-seconds S (how long each
 * workload's in-process rounds go on), --json FILE (raw samples),
 * --server-node-args "…" (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
 * --in-process-layout per-variant|shared (one process per variant, the default, or one for all),
 * --in-process-pin no (do not pin the in-process workers to the last CPU),
 * --in-process-generations N (measure each framework N times with fresh worker processes and
 * pool the rounds; 3 by default, 1 with --quick),
 * --shift-layout yes (start each in-process worker with its stack, heap and code moved at random).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { FRAMEWORK_NAMES, IN_PROCESS_ONLY } from './frameworks/index.js';
import {
  pinLoadGenerator,
  runHttpBenchmark,
  unpinLoadGenerator,
  type HttpPlan,
  type HttpResult,
} from './http-bench.js';
import { runInProcessBenchmark, type InProcessPlan, type InProcessResult } from './in-process.js';
import {
  dynamicOriginsTable,
  generationTable,
  httpTable,
  inProcessTable,
  verdicts,
} from './report.js';
import { WORKLOADS } from './workloads.js';

interface Flags {
  quick: boolean;
  only: 'http' | 'in-process' | undefined;
  values: Map<string, string>;
}

function parseFlags(argv: readonly string[]): Flags {
  const values = new Map<string, string>();
  let quick = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') continue; // pnpm may pass the separator through
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    const value = match[2] ?? argv[++index];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    values.set(match[1] as string, value);
  }
  const only = values.get('only');
  if (only !== undefined && only !== 'http' && only !== 'in-process') {
    throw new Error('--only takes http or in-process');
  }
  return { quick, only, values };
}

function listFlag(flags: Flags, name: string, all: readonly string[]): string[] {
  const value = flags.values.get(name);
  if (value === undefined) return [...all];
  const list = value.split(',').map((item) => item.trim());
  const unknown = list.filter((item) => !all.includes(item));
  if (unknown.length > 0)
    throw new Error(`--${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return list;
}

function numberFlag(flags: Flags, name: string, fallback: number): number {
  const value = flags.values.get(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!(number > 0)) throw new Error(`--${name} takes a positive number`);
  return number;
}

function yesNoFlag(flags: Flags, name: string, fallback: boolean): boolean {
  const value = flags.values.get(name);
  if (value === undefined) return fallback;
  if (value !== 'yes' && value !== 'no') throw new Error(`--${name} takes yes or no`);
  return value === 'yes';
}

function generationsFlag(flags: Flags): number {
  const generations = numberFlag(flags, 'in-process-generations', flags.quick ? 1 : 3);
  if (!Number.isInteger(generations)) {
    throw new Error('--in-process-generations takes a whole number');
  }
  return generations;
}

function inProcessLayout(flags: Flags): InProcessPlan['layout'] {
  const value = flags.values.get('in-process-layout') ?? 'per-variant';
  if (value !== 'per-variant' && value !== 'shared') {
    throw new Error('--in-process-layout takes per-variant or shared');
  }
  return value;
}

/** The last CPU, for every in-process worker, when `taskset` can pin (else none). */
function inProcessCpu(): string | undefined {
  const last = String(cpus().length - 1);
  try {
    execFileSync('taskset', ['-c', last, 'true'], { stdio: 'ignore' });
    return last;
  } catch {
    return undefined;
  }
}

function machine(): string {
  const cores = cpus();
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}; load average ${one} / ${five} / ${fifteen}`;
}

function plainSeconds(ms: bigint): string {
  return (Number(ms) / 1e9).toFixed(0);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const frameworks = listFlag(flags, 'frameworks', FRAMEWORK_NAMES);
  const workloads = listFlag(
    flags,
    'workloads',
    WORKLOADS.map(({ name }) => name),
  );
  const rounds = numberFlag(flags, 'rounds', flags.quick ? 3 : 7);
  let httpPlan: HttpPlan = {
    frameworks: frameworks.filter((name) => !(IN_PROCESS_ONLY as readonly string[]).includes(name)),
    workloads,
    rounds,
    durationSeconds: numberFlag(flags, 'duration', flags.quick ? 0.12 : 0.6),
    warmupSeconds: flags.quick ? 0.05 : 0.3,
    connections: numberFlag(flags, 'connections', 10),
    // Opt-in: on a shared machine a pinned process cannot move away from a busy CPU.
    pin: yesNoFlag(flags, 'pin', false) && cpus().length >= 2,
    serverNodeArgs: (flags.values.get('server-node-args') ?? '').split(' ').filter(Boolean),
  };
  const inProcessPlan: InProcessPlan = {
    frameworks,
    workloads,
    rounds,
    layout: inProcessLayout(flags),
    cpu: yesNoFlag(flags, 'in-process-pin', true) ? inProcessCpu() : undefined,
    sampleMs: numberFlag(flags, 'sample-ms', flags.quick ? 3 : 5),
    secondsPerWorkload: numberFlag(flags, 'in-process-seconds', flags.quick ? 0.3 : 10),
    warmupMs: flags.quick ? 30 : 400,
    generations: generationsFlag(flags),
    shiftLayout: yesNoFlag(flags, 'shift-layout', false),
  };

  const started = process.hrtime.bigint();
  const before = machine();
  process.stderr.write(`cors bench (${flags.quick ? 'quick' : 'full'}): ${before}\n`);
  let http: HttpResult[] = [];
  const inProcess: InProcessResult[] = [];
  if (flags.only !== 'in-process') {
    const pinned = httpPlan.pin && pinLoadGenerator();
    try {
      http = await runHttpBenchmark({ ...httpPlan, pin: pinned });
    } finally {
      if (pinned) unpinLoadGenerator();
    }
    httpPlan = { ...httpPlan, pin: pinned };
  }
  if (flags.only !== 'http') inProcess.push(...(await runInProcessBenchmark(inProcessPlan)));
  const elapsed = plainSeconds(process.hrtime.bigint() - started);

  const unavailable = [...http, ...inProcess].flatMap((result) =>
    result.unavailable ? [result.unavailable] : [],
  );
  const out = [
    `Command: \`pnpm --filter @cors/bench bench${
      process.argv.length > 2
        ? ` -- ${process.argv
            .slice(2)
            .filter((arg) => arg !== '--')
            .join(' ')}`
        : ''
    }\` (${elapsed} s)`,
    '',
    `Machine at start: ${before}`,
    `Machine at end: ${machine()}`,
    '',
    `HTTP: ${httpPlan.rounds} interleaved rounds of ${httpPlan.durationSeconds} s windows, autocannon with ${httpPlan.connections} connections in the parent process, each server in its own process; medians.`,
    `In-process: ${inProcessPlan.layout === 'shared' ? 'all variants of a framework in one process' : 'each variant in its own process'}; bare, incumbent, ours, A/A (with the floor on the allowed GET, and ours with 1 origin on the 10,000-origin workload) interleaved in rounds (at least ${inProcessPlan.rounds}, for ${inProcessPlan.secondsPerWorkload} s per workload), each one sample of about ${inProcessPlan.sampleMs} ms (CPU time) per variant, after a warm-up; ${inProcessPlan.generations} generation(s) of fresh worker processes per framework${inProcessPlan.shiftLayout ? ', each started with its stack, heap and code moved at random' : ''}, rounds pooled; medians of the per-round ratios with their 95% intervals.`,
    ...(unavailable.length > 0
      ? ['', `Not measured: ${[...new Set(unavailable)].join('; ')}`]
      : []),
  ];
  if (http.length > 0) out.push('', '### HTTP', '', httpTable(http));
  if (inProcess.length > 0)
    out.push('', '### In-process (per request)', '', inProcessTable(inProcess));
  const byGeneration = generationTable(inProcess);
  if (byGeneration !== '') {
    out.push(
      '',
      '### In-process, by generation of worker processes',
      '',
      "Each ratio is the median of the generations' own medians, with the 95% interval over the generations (their whole range with 7 or fewer).",
      '',
      byGeneration,
    );
  }
  const dynamic = dynamicOriginsTable(inProcess);
  if (dynamic !== '') {
    out.push(
      '',
      '### In-process: cachedOrigins, reconfigured and report-only policies (allowed GET)',
      '',
      dynamic,
    );
  }
  out.push('', '### Targets', '', verdicts(http, inProcess));
  process.stdout.write(`${out.join('\n')}\n`);
  const json = flags.values.get('json');
  if (json)
    writeFileSync(
      // Relative to where `pnpm` was run, not to this package.
      resolve(process.env.INIT_CWD ?? process.cwd(), json),
      `${JSON.stringify({ machine: before, httpPlan, inProcessPlan, http, inProcess }, null, 1)}\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
