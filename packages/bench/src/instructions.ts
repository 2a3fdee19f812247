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
 *     [--keep DIR]
 *
 * `--keep DIR` keeps each case's callgrind output there, for `callgrind_annotate`.
 *
 * Needs `valgrind` (Debian: `apt-get install -y valgrind`). A case takes 1-4 minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { requestCall } from './fake-http.js';
import { loadFramework, type AppVariant } from './frameworks/index.js';
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
): Promise<void> {
  const workload = WORKLOADS.find(({ name }) => name === workloadName);
  if (!workload) throw new Error(`unknown workload ${workloadName}`);
  const framework = await loadFramework(frameworkName);
  const app = await framework.create(variant, workload.policy);
  const { call, observe } = requestCall(app, workload);
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

/** Driver side of one case: instructions per request. */
async function count(
  testCase: Case,
  warmup: number,
  requests: number,
  keep: string | undefined,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cors-instructions-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
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
    const [file] = readdirSync(dir);
    const totals = /^totals: (\d+)/m.exec(readFileSync(join(dir, file ?? ''), 'utf8'));
    if (!totals) throw new Error('callgrind wrote no totals');
    if (keep !== undefined) {
      const name = `${testCase.framework}-${testCase.workload.name}-${testCase.variant}`;
      copyFileSync(join(dir, file ?? ''), join(keep, `callgrind.${name}.${String(child.pid)}`));
    }
    return Number(totals[1]) / requests;
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
  const key = (framework: string, workload: Workload, variant: string): string =>
    `${framework} ${workload.name} ${variant}`;
  const queue: Case[] = frameworks.flatMap((framework) =>
    workloads.flatMap((workload) => variants.map((variant) => ({ framework, variant, workload }))),
  );
  const counted = new Map<string, number>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const perRequest = await count(next, warmup, requests, keep || undefined);
        const name = key(next.framework, next.workload, next.variant);
        counted.set(name, perRequest);
        process.stderr.write(`  ${name}: ${Math.round(perRequest)}\n`);
      }
    }),
  );
  const cell = (value: number | undefined, digits: number): string =>
    value === undefined ? '–' : value.toFixed(digits);
  process.stdout.write(
    `Command: \`node --import tsx src/instructions.ts ${args.join(' ')}\` (${Math.round((Date.now() - started) / 1000)} s; ` +
      `${warmup} requests of warm-up, ${requests} counted, one process per case under callgrind)\n\n` +
      '| framework | workload | bare instructions/req | incumbent ÷ bare | ours ÷ bare | ours ÷ incumbent |\n' +
      '|---|---|--:|--:|--:|--:|\n',
  );
  const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined ? undefined : a / b;
  for (const framework of frameworks) {
    for (const workload of workloads) {
      const bare = counted.get(key(framework, workload, 'bare'));
      const incumbent = counted.get(key(framework, workload, 'incumbent'));
      const ours = counted.get(key(framework, workload, 'ours'));
      process.stdout.write(
        `| ${framework} | ${workload.title} | ${cell(bare, 0)} | ${cell(ratio(incumbent, bare), 3)} | ` +
          `${cell(ratio(ours, bare), 3)} | ${cell(ratio(ours, incumbent), 3)} |\n`,
      );
    }
  }
}

const args = process.argv.slice(2);
const run =
  args[0] === '--worker'
    ? work(
        args[1] ?? '',
        (args[2] ?? 'ours') as AppVariant,
        args[3] ?? '',
        Number(args[4]),
        Number(args[5]),
      )
    : drive(args);
run.catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
