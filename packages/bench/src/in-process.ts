/**
 * The in-process benchmark: one request through each framework's own dispatch — `app.fetch`
 * for Hono, the `node:http` listener for node, Express, Koa (`app.callback()`) and NestJS (its
 * Express instance) with a real `IncomingMessage`/`ServerResponse` on a null socket — bare,
 * with the incumbent and with ours, in interleaved rounds. Each variant runs in its own worker
 * process by default (`in-process-worker.ts`), as each would on a real server: variants that
 * share a process share Node's internals (`ServerResponse` methods), and each one's objects
 * make those call sites slower for all (measured: see "In-process: one process or one per
 * variant" in BENCHMARKS.md). `layout: 'shared'` puts them all in one process instead.
 * Reports mean nanoseconds per request per round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerCommand, WorkerReport } from './in-process-worker.js';
import { VARIANTS, WORKLOADS, roundOrder, type InProcessVariant } from './workloads.js';

/** What `run.ts` asks for. */
export interface InProcessPlan {
  readonly frameworks: readonly string[];
  readonly workloads: readonly string[];
  readonly rounds: number;
  /** One worker process per variant (default), or all variants of a framework in one. */
  readonly layout: 'per-variant' | 'shared';
  /** Time budget of one measurement (one variant, one round), in milliseconds. */
  readonly measureMs: number;
  /**
   * At least this many samples (of 128 requests) per measurement, whatever the budget: Express
   * and NestJS (75+ µs a request, ±15% from one sample to the next with their garbage) then
   * get about 0.4 s per measurement instead of a handful of samples.
   */
  readonly minSamples: number;
  /**
   * Untimed budget per variant and workload before the first round, in milliseconds; three
   * times as long for a worker's first one (Express and NestJS take about a second to compile).
   */
  readonly warmupMs: number;
}

/** One variant of one framework on one workload: mean ns per request, one value per round. */
export interface InProcessResult {
  readonly framework: string;
  readonly workload: string;
  readonly variant: InProcessVariant;
  readonly nsPerRequest: number[];
  /** Why the variant could not run (our adapter not built yet), when it could not. */
  readonly unavailable?: string;
}

/** Every variant the in-process benchmark knows; each workload uses those that answer it. */
const ALL_VARIANTS: readonly InProcessVariant[] = [...VARIANTS, 'ours-one-origin', 'floor'];

/** One worker process and its one-command-at-a-time conversation. */
class Worker {
  private readonly child: ChildProcess;
  private readonly waiting: ((report: WorkerReport) => void)[] = [];
  readonly exited: Promise<number | null>;
  /** Whether this worker has had its first (longer) warm-up. */
  warm = false;

  constructor(
    framework: string,
    readonly variants: readonly InProcessVariant[],
  ) {
    this.child = fork(
      fileURLToPath(new URL('./in-process-worker.ts', import.meta.url)),
      [framework, variants.join(',')],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    this.child.on('message', (report: WorkerReport) => this.waiting.shift()?.(report));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  /** The worker's next report (the first one is `ready`). */
  next(): Promise<WorkerReport> {
    return Promise.race([
      new Promise<WorkerReport>((resolve) => this.waiting.push(resolve)),
      this.exited.then((code): never => {
        throw new Error(`an in-process worker (${this.variants.join(', ')}) exited with ${code}`);
      }),
    ]);
  }

  async ask(command: WorkerCommand): Promise<WorkerReport> {
    const reply = this.next();
    this.child.send(command);
    const report = await reply;
    if (report.type === 'failed') throw new Error(report.message);
    return report;
  }

  stop(): void {
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies WorkerCommand);
  }
}

async function measureFramework(
  plan: InProcessPlan,
  framework: string,
  results: InProcessResult[],
): Promise<void> {
  const workers =
    plan.layout === 'shared'
      ? [new Worker(framework, ALL_VARIANTS)]
      : ALL_VARIANTS.map((variant) => new Worker(framework, [variant]));
  try {
    await Promise.all(workers.map((worker) => worker.next()));
    const workloads = WORKLOADS.filter(({ name }) => plan.workloads.includes(name));
    for (const workload of workloads) {
      const hostOf = new Map<InProcessVariant, Worker>();
      const unavailable = new Map<InProcessVariant, string>();
      for (const worker of workers) {
        const prepared = await worker.ask({ type: 'prepare', workload: workload.name });
        if (prepared.type !== 'prepared') throw new Error(`unexpected ${prepared.type}`);
        for (const variant of prepared.variants) hostOf.set(variant, worker);
        for (const [variant, reason] of Object.entries(prepared.unavailable)) {
          unavailable.set(variant as InProcessVariant, reason);
        }
      }
      const variants = ALL_VARIANTS.filter((variant) => hostOf.has(variant));
      const measureOnce = async (
        variant: InProcessVariant,
        budgetMs: number,
        minSamples: number,
      ): Promise<number> => {
        const worker = hostOf.get(variant) as Worker;
        const report = await worker.ask({
          type: 'measure',
          workload: workload.name,
          variant,
          budgetMs,
          minSamples,
        });
        if (report.type !== 'measured') throw new Error(`unexpected ${report.type}`);
        return report.nsPerRequest;
      };
      // Warm-up: JIT every path before the first timed round; three times as long in a worker's
      // first warm-up (a worker that only serves a later workload starts cold then).
      for (const variant of variants) {
        const worker = hostOf.get(variant) as Worker;
        await measureOnce(variant, plan.warmupMs * (worker.warm ? 1 : 3), 1);
        worker.warm = true;
      }
      const samples = new Map<InProcessVariant, number[]>(variants.map((variant) => [variant, []]));
      for (let round = 0; round < plan.rounds; round++) {
        for (const variant of roundOrder(round, variants)) {
          samples.get(variant)?.push(await measureOnce(variant, plan.measureMs, plan.minSamples));
        }
      }
      for (const variant of ALL_VARIANTS) {
        const measured = samples.get(variant);
        const reason = unavailable.get(variant);
        // The four main variants always get a row (empty when they could not run).
        if (!measured && !reason && !(VARIANTS as readonly string[]).includes(variant)) continue;
        results.push({
          framework,
          workload: workload.name,
          variant,
          nsPerRequest: measured ?? [],
          ...(reason ? { unavailable: reason } : {}),
        });
      }
      process.stderr.write(`  in-process ${framework} ${workload.name} done\n`);
    }
  } finally {
    for (const worker of workers) worker.stop();
    await Promise.all(workers.map((worker) => worker.exited));
  }
}

/** Runs the in-process benchmark, framework by framework (workers of one framework at a time). */
export async function runInProcessBenchmark(plan: InProcessPlan): Promise<InProcessResult[]> {
  const results: InProcessResult[] = [];
  for (const framework of plan.frameworks) await measureFramework(plan, framework, results);
  return results;
}
