/**
 * Instructions per request, counted by Valgrind's callgrind: a measure that other tenants of
 * the machine cannot disturb, for differences of a few percent that CPU time leaves unresolved
 * (BENCHMARKS.md, finding 12). Each case (framework, variant, workload) runs in its own
 * process under callgrind with counting off; after a long warm-up the driver switches counting
 * on (`callgrind_control -i on`), the worker sends a fixed number of requests, and counting
 * goes off again. Instructions are not time (cache misses and branch mispredictions are not
 * counted), so this complements the in-process benchmark rather than replacing it.
 *
 *   node --import tsx src/instructions.ts [--frameworks express,nestjs] [--workloads allowed-get]
 *     [--variants bare,incumbent,ours] [--warmup 20000] [--requests 20000] [--parallel 2]
 *     [--repeat 1] [--keep DIR] [--history 0] [--simulate]
 *
 * `--history N` first runs N requests of each workload listed before the counted one (in the
 * order and with the apps of the in-process benchmark's per-variant workers: one app per
 * policy, kept), so that the count sees the feedback and optimized code that such a process
 * carries into its later workloads; without it each count starts from a process that has served
 * only its own workload.
 *
 * `--repeat N` counts each case N times, each in a fresh process (two counts of one case differ
 * by up to about 1 % on Express, mostly in the collector's and compilers' share, which the
 * `steady` column leaves out). `--keep DIR` keeps each count's callgrind output there, for
 * `callgrind_annotate`.
 *
 * `--simulate` also has callgrind simulate the caches and the branch predictor (valgrind's
 * model, about twice as slow) and reports each case's misses and estimated cycles: where CPU
 * time and instructions disagree, this shows whether the difference is in cache misses or
 * mispredicted branches, which instructions leave out.
 *
 * Needs `valgrind` (Debian: `apt-get install -y valgrind`). A case takes 1-4 minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { requestCall } from './fake-http.js';
import { loadFramework, type AppVariant, type BenchApp } from './frameworks/index.js';
import { WORKLOADS, checkResponse, type Workload } from './workloads.js';

interface Case {
  readonly framework: string;
  readonly variant: AppVariant;
  readonly workload: Workload;
}

const here = fileURLToPath(import.meta.url);
const benchRoot = fileURLToPath(new URL('..', import.meta.url));

/** Worker: build and check the app, warm up, then send `requests` when told to. */
async function work(
  frameworkName: string,
  variant: AppVariant,
  workloadName: string,
  warmup: number,
  requests: number,
  history: number,
): Promise<void> {
  const workload = WORKLOADS.find(({ name }) => name === workloadName);
  if (!workload) throw new Error(`unknown workload ${workloadName}`);
  const framework = await loadFramework(frameworkName);
  const apps = new Map<string, BenchApp>();
  const appFor = async (policy: Workload['policy']): Promise<BenchApp> => {
    const app = apps.get(policy) ?? (await framework.create(variant, policy));
    apps.set(policy, app);
    return app;
  };
  if (history > 0) {
    for (const earlier of WORKLOADS.slice(0, WORKLOADS.indexOf(workload))) {
      const { call } = requestCall(await appFor(earlier.policy), earlier);
      for (let index = 0; index < history; index++) await call();
    }
  }
  const { call, observe } = requestCall(await appFor(workload.policy), workload);
  const observed = await observe();
  const problems = checkResponse(workload, variant, observed.status, observed.headers);
  if (problems.length > 0) throw new Error(`wrong answer: ${problems.join('; ')}`);
  for (let index = 0; index < warmup; index++) await call();
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('warm\n');
  await lines.next(); // counting is on
  for (let index = 0; index < requests; index++) await call();
  process.stdout.write('done\n');
  await lines.next(); // counting is off
  process.exit(0);
}

/** Instructions per request in one counted process. */
export interface Count {
  /** Everything callgrind counted, divided by the requests. */
  readonly total: number;
  /** With `--simulate`: valgrind's simulated cache and branch-predictor misses per request. */
  readonly simulated?: SimulatedMisses;
  /**
   * The same without V8's garbage collector and compilers (named functions only; JIT-compiled
   * code and builtins stay in): when they run, and so how much of them falls in the counted
   * window, changes from one process to the next, and they made most of the spread between
   * two counts of one case (finding 14).
   */
  readonly steady: number;
}

// V8's collector and compilers, as callgrind_annotate names their C++ functions.
const COLLECTOR =
  /Scaveng|Marking|MarkCompact|Sweep|Evacuat|Ephemeron|Heap::|GCTracer|Minor|IterateMaybeWeak|Compactor|RememberedSet|SlotSet|Worklist|MemoryChunk|cppgc|heap::base|LocalAllocat|FreeList/;
const COMPILER = /compiler::|turboshaft|maglev|Maglev|Compil|Parser|Bytecode|Deoptimiz|Sparkplug/;

/** Instructions outside the collector and compilers, from `callgrind_annotate`'s listing. */
function steadyInstructions(file: string): number {
  const listing = spawnSync('callgrind_annotate', ['--show=Ir', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (listing.status !== 0) throw new Error(`callgrind_annotate: ${listing.stderr}`);
  let steady = 0;
  for (const line of listing.stdout.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!match || match[2] === undefined || match[2].includes('PROGRAM TOTALS')) continue;
    const name = match[2];
    const jitOrBuiltin = name.endsWith('[???]') || name.includes('Builtins_');
    if (jitOrBuiltin || !(COLLECTOR.test(name) || COMPILER.test(name))) {
      steady += Number((match[1] ?? '0').replaceAll(',', ''));
    }
  }
  return steady;
}

/** Per request, from callgrind's cache and branch simulation (`--simulate`). */
export interface SimulatedMisses {
  /** First-level misses: instruction fetches, data reads and data writes. */
  readonly firstLevel: number;
  /** Last-level misses (the same three), each a trip to memory. */
  readonly lastLevel: number;
  /** Mispredicted conditional and indirect branches. */
  readonly branches: number;
}

/**
 * Estimated cycles per request, as KCachegrind estimates them from a simulation: each
 * instruction 1, each first-level miss or mispredicted branch 10, each last-level miss 100.
 */
export function estimatedCycles(count: Count): number {
  const misses = count.simulated;
  if (misses === undefined) return count.total;
  return count.total + 10 * (misses.firstLevel + misses.branches) + 100 * misses.lastLevel;
}

/** The simulated misses per request from a callgrind output's `events:` and `totals:` lines. */
export function simulatedMisses(output: string, requests: number): SimulatedMisses | undefined {
  const events = /^events: (.+)$/m.exec(output)?.[1]?.trim().split(/\s+/);
  const totals = /^totals: (.+)$/m.exec(output)?.[1]?.trim().split(/\s+/).map(Number);
  if (events === undefined || totals === undefined || !events.includes('Bcm')) return undefined;
  const sum = (names: readonly string[]): number =>
    names.reduce((all, name) => all + (totals[events.indexOf(name)] ?? 0), 0) / requests;
  return {
    firstLevel: sum(['I1mr', 'D1mr', 'D1mw']),
    lastLevel: sum(['ILmr', 'DLmr', 'DLmw']),
    branches: sum(['Bcm', 'Bim']),
  };
}

/** Driver side of one case: instructions per request. */
async function count(
  testCase: Case,
  warmup: number,
  requests: number,
  keep: string | undefined,
  history: number,
  simulate: boolean,
): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), 'cors-instructions-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      ...(simulate ? ['--cache-sim=yes', '--branch-sim=yes'] : []),
      `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
      process.execPath,
      '--import',
      'tsx',
      here,
      '--worker',
      testCase.framework,
      testCase.variant,
      testCase.workload.name,
      String(warmup),
      String(requests),
      String(history),
    ],
    { cwd: benchRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const control = (state: 'on' | 'off'): void => {
      const result = spawnSync('callgrind_control', ['-i', state, String(child.pid)], {
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`callgrind_control -i ${state}: ${result.stderr}`);
    };
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'warm') {
        control('on');
        child.stdin.write('go\n');
      } else if (line === 'done') {
        control('off');
        child.stdin.write('end\n');
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`worker exited with ${String(code)}:\n${errors.slice(-2000)}`);
    const file = join(dir, readdirSync(dir)[0] ?? '');
    const output = readFileSync(file, 'utf8');
    const totals = /^totals: (\d+)/m.exec(output);
    if (!totals) throw new Error('callgrind wrote no totals');
    if (keep !== undefined) {
      const name = `${testCase.framework}-${testCase.workload.name}-${testCase.variant}`;
      copyFileSync(file, join(keep, `callgrind.${name}.${String(child.pid)}`));
    }
    return {
      total: Number(totals[1]) / requests,
      steady: steadyInstructions(file) / requests,
      simulated: simulate ? simulatedMisses(output, requests) : undefined,
    };
  } finally {
    // A failed step must not leave the worker waiting on its stdin for ever.
    if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
}

async function drive(args: string[]): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('valgrind is not installed (Debian: apt-get install -y valgrind)');
  }
  const frameworks = flag(args, 'frameworks', 'express,nestjs').split(',');
  const workloadNames = flag(args, 'workloads', 'allowed-get,refused-origin,pattern').split(',');
  const variants = flag(args, 'variants', 'bare,incumbent,ours').split(',') as AppVariant[];
  const warmup = Number(flag(args, 'warmup', '20000'));
  const requests = Number(flag(args, 'requests', '20000'));
  const parallel = Number(flag(args, 'parallel', '2'));
  const keep = args.includes('--keep') ? flag(args, 'keep', '') : undefined;
  if (keep) mkdirSync(keep, { recursive: true });
  const workloads = workloadNames.map((name) => {
    const workload = WORKLOADS.find((entry) => entry.name === name);
    if (!workload) throw new Error(`unknown workload ${name}`);
    return workload;
  });
  const repeat = Number(flag(args, 'repeat', '1'));
  const history = Number(flag(args, 'history', '0'));
  const simulate = args.includes('--simulate');
  const key = (framework: string, workload: Workload, variant: string): string =>
    `${framework} ${workload.name} ${variant}`;
  // Repeats go round the variants (a, b, c, a, b, c), so that each variant's counts are spread
  // over the run alike.
  const queue: Case[] = frameworks.flatMap((framework) =>
    workloads.flatMap((workload) =>
      Array.from({ length: repeat }, () =>
        variants.map((variant) => ({ framework, variant, workload })),
      ).flat(),
    ),
  );
  const counted = new Map<string, Count[]>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const perRequest = await count(
          next,
          warmup,
          requests,
          keep || undefined,
          history,
          simulate,
        );
        const name = key(next.framework, next.workload, next.variant);
        counted.set(name, [...(counted.get(name) ?? []), perRequest]);
        process.stderr.write(
          `  ${name}: ${Math.round(perRequest.total)} (steady ${Math.round(perRequest.steady)})\n`,
        );
      }
    }),
  );
  const thousands = (values: readonly number[]): string => {
    const mean = average(values) / 1000;
    if (values.length === 1) return mean.toFixed(1);
    return `${mean.toFixed(1)} (${(Math.min(...values) / 1000).toFixed(1)}-${(Math.max(...values) / 1000).toFixed(1)})`;
  };
  process.stdout.write(
    `Command: \`node --import tsx src/instructions.ts ${args.join(' ')}\` (${Math.round((Date.now() - started) / 1000)} s; ` +
      `${history > 0 ? `${history} requests of each earlier workload, then ` : ''}${warmup} requests of warm-up, ${requests} counted, one process per count under callgrind)\n\n` +
      'Thousands of instructions per request, mean (range) of the counts; steady: without the collector and compilers.\n\n' +
      '| framework | workload | variant | counts | all | steady |\n|---|---|---|--:|--:|--:|\n',
  );
  for (const framework of frameworks) {
    for (const workload of workloads) {
      for (const variant of new Set(variants)) {
        const counts = counted.get(key(framework, workload, variant)) ?? [];
        if (counts.length === 0) continue;
        process.stdout.write(
          `| ${framework} | ${workload.title} | ${variant} | ${counts.length} | ` +
            `${thousands(counts.map(({ total }) => total))} | ${thousands(counts.map(({ steady }) => steady))} |\n`,
        );
      }
    }
  }
  process.stdout.write(
    '\nRatios of the means (steady in brackets):\n\n' +
      '| framework | workload | incumbent ÷ bare | ours ÷ bare | ours ÷ incumbent |\n|---|---|--:|--:|--:|\n',
  );
  const ratio = (framework: string, workload: Workload, a: string, b: string): string => {
    const over = counted.get(key(framework, workload, a));
    const under = counted.get(key(framework, workload, b));
    if (!over || !under) return '–';
    const of = (counts: readonly Count[], field: 'total' | 'steady'): number =>
      average(counts.map((one) => one[field]));
    return (
      `${(of(over, 'total') / of(under, 'total')).toFixed(3)} ` +
      `(${(of(over, 'steady') / of(under, 'steady')).toFixed(3)})`
    );
  };
  for (const framework of frameworks) {
    for (const workload of workloads) {
      process.stdout.write(
        `| ${framework} | ${workload.title} | ${ratio(framework, workload, 'incumbent', 'bare')} | ` +
          `${ratio(framework, workload, 'ours', 'bare')} | ${ratio(framework, workload, 'ours', 'incumbent')} |\n`,
      );
    }
  }
  if (simulate) {
    writeSimulated(
      counted,
      frameworks.flatMap((framework) =>
        workloads.flatMap((workload) =>
          [...new Set(variants)].map((variant) => ({
            name: key(framework, workload, variant),
            incumbent: key(framework, workload, 'incumbent'),
            title: `${framework}, ${workload.name}, ${variant}`,
          })),
        ),
      ),
    );
  }
}

/** With `--simulate`: the simulated misses and estimated cycles of each case, and their ratios. */
function writeSimulated(
  counted: ReadonlyMap<string, Count[]>,
  rows: ReadonlyArray<{
    readonly name: string;
    readonly incumbent: string;
    readonly title: string;
  }>,
): void {
  process.stdout.write(
    "\nSimulated by callgrind (`--cache-sim=yes --branch-sim=yes`; valgrind's model of this " +
      "machine's caches, one process alone), per request: first-level and last-level cache misses, " +
      'mispredicted branches, and cycles estimated as KCachegrind does (instructions + 10 × ' +
      '(first-level misses + mispredictions) + 100 × last-level misses, in thousands); the last ' +
      "column is the estimate over the incumbent's.\n\n" +
      '| case | first-level misses | last-level misses | mispredicted branches | estimated kcycles | ÷ incumbent |\n' +
      '|---|--:|--:|--:|--:|--:|\n',
  );
  for (const { name, incumbent: incumbentName, title } of rows) {
    const counts = counted.get(name) ?? [];
    const simulated = counts.flatMap(({ simulated: misses }) => (misses ? [misses] : []));
    if (simulated.length === 0) continue;
    const mean = (pick: (misses: SimulatedMisses) => number): string =>
      average(simulated.map(pick)).toFixed(0);
    const cycles = average(counts.map(estimatedCycles));
    const incumbent = counted.get(incumbentName);
    const ratio =
      incumbent === undefined ? '–' : (cycles / average(incumbent.map(estimatedCycles))).toFixed(3);
    process.stdout.write(
      `| ${title} | ${mean((misses) => misses.firstLevel)} | ${mean((misses) => misses.lastLevel)} | ` +
        `${mean((misses) => misses.branches)} | ${(cycles / 1000).toFixed(1)} | ${ratio} |\n`,
    );
  }
}

function average(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

// Only as the entry module: a stray import (a REPL, a script reading its helpers) must not start
// minutes of counting beside a CPU-time benchmark.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === here) {
  const args = process.argv.slice(2);
  const run =
    args[0] === '--worker'
      ? work(
          args[1] ?? '',
          (args[2] ?? 'ours') as AppVariant,
          args[3] ?? '',
          Number(args[4]),
          Number(args[5]),
          Number(args[6] ?? '0'),
        )
      : drive(args);
  run.catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
