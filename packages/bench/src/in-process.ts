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
import { layoutEnvironment } from './layout-shift.js';
import type { WorkerCommand, WorkerReport } from './in-process-worker.js';
import { VARIANTS, WORKLOADS, roundOrder, type InProcessVariant } from './workloads.js';

/** What `run.ts` asks for. */
export interface InProcessPlan {
  readonly frameworks: readonly string[];
  readonly workloads: readonly string[];
  /** At least this many rounds per workload. */
  readonly rounds: number;
  /** One worker process per variant (default), or all variants of a framework in one. */
  readonly layout: 'per-variant' | 'shared';
  /**
   * The CPU every worker is pinned to (`taskset`), or none. Only one worker runs at a time, so
   * pinning them all to one CPU costs nothing and gives each variant the same core: unpinned,
   * two identical bare workers differed by 6-7% in every workload of a run (the A/A control).
   */
  readonly cpu: string | undefined;
  /**
   * CPU milliseconds of one sample: one variant's batch of requests in one round. The batch
   * size is fixed per workload from bare's warm-up (the same number of requests for every
   * variant), so a sample holds several of V8's minor collections.
   */
  readonly sampleMs: number;
  /**
   * Rounds go on, past `rounds`, until this many seconds of a workload have passed: the many
   * short rounds (a few hundred on the light frameworks) are what narrow the 95% interval of
   * the median ratio on a shared machine, where one round differs from the next by ±20%.
   */
  readonly secondsPerWorkload: number;
  /**
   * Untimed budget per variant and workload before the first round, in milliseconds; three
   * times as long for a worker's first one (Express and NestJS take about a second to compile).
   */
  readonly warmupMs: number;
  /**
   * How many times each framework is measured with fresh worker processes, its rounds pooled.
   * Two processes running the same code differ by up to 22 % here for as long as they live (an
   * A/A control of 0.78 in run 10: each process's JIT and heap settle their own way), which one
   * set of processes cannot tell from a difference between variants. `secondsPerWorkload` is
   * shared out among the generations, so a run takes about as long.
   */
  readonly generations: number;
  /**
   * Each worker process starts with its stack, heap and compiled code moved by random amounts
   * (`--shift-layout`). Without it, a variant's process lays these out the same way in every
   * generation (its arguments, the order of its allocations and compilations do not change), so
   * an alignment that happens to suit one variant's hot code is never averaged out.
   */
  readonly shiftLayout: boolean;
}

/** One variant of one framework on one workload: mean ns per request, one value per round. */
export interface InProcessResult {
  readonly framework: string;
  readonly workload: string;
  readonly variant: InProcessVariant;
  readonly nsPerRequest: number[];
  /**
   * How many of `nsPerRequest`'s rounds each generation of worker processes measured, in order
   * (one entry per generation; see `InProcessPlan.generations`).
   */
  readonly roundsPerGeneration?: number[];
  /** Why the variant could not run (our adapter not built yet), when it could not. */
  readonly unavailable?: string;
}

/** Every variant the in-process benchmark knows; each workload uses those that answer it. */
const ALL_VARIANTS: readonly InProcessVariant[] = [
  ...VARIANTS,
  'ours-one-origin',
  'floor',
  'ours-cached-origins',
  'ours-reconfigured',
  'ours-report-only',
];

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
    cpu: string | undefined,
    shiftLayout: boolean,
  ) {
    const execArgv = ['--import', 'tsx'];
    // The environment sits at the top of the initial stack: its size moves every frame below.
    const env = shiftLayout ? { ...process.env, ...layoutEnvironment() } : process.env;
    this.child = fork(
      fileURLToPath(new URL('./in-process-worker.ts', import.meta.url)),
      [framework, variants.join(',')],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        // Pinned: `taskset -c N node …` (the IPC channel survives the exec).
        ...(cpu === undefined
          ? { execArgv }
          : { execPath: 'taskset', execArgv: ['-c', cpu, process.execPath, ...execArgv] }),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env,
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
      ? [new Worker(framework, ALL_VARIANTS, plan.cpu, plan.shiftLayout)]
      : ALL_VARIANTS.map((variant) => new Worker(framework, [variant], plan.cpu, plan.shiftLayout));
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
        requests: number,
        budgetMs: number,
      ): Promise<number> => {
        const worker = hostOf.get(variant) as Worker;
        const report = await worker.ask({
          type: 'measure',
          workload: workload.name,
          variant,
          requests,
          budgetMs,
        });
        if (report.type !== 'measured') throw new Error(`unexpected ${report.type}`);
        return report.nsPerRequest;
      };
      // Warm-up: JIT every path before the first timed round; three times as long in a worker's
      // first warm-up (a worker that only serves a later workload starts cold then).
      for (const variant of variants) {
        const worker = hostOf.get(variant) as Worker;
        await measureOnce(variant, 64, plan.warmupMs * (worker.warm ? 1 : 3));
        worker.warm = true;
      }
      // One sample: the same number of requests for every variant, about `sampleMs` of bare's
      // (timed again now that it is warm; the warm-up's mean includes the cold start).
      const calibration = variants.includes('bare') ? 'bare' : (variants[0] as InProcessVariant);
      const bareNs = Math.min(
        await measureOnce(calibration, 64, 0),
        await measureOnce(calibration, 64, 0),
        await measureOnce(calibration, 64, 0),
      );
      const requests = Math.max(16, Math.min(8192, Math.round((plan.sampleMs * 1e6) / bareNs)));
      const samples = new Map<InProcessVariant, number[]>(variants.map((variant) => [variant, []]));
      const started = performance.now();
      for (
        let round = 0;
        round < plan.rounds || performance.now() - started < plan.secondsPerWorkload * 1000;
        round++
      ) {
        for (const variant of roundOrder(round, variants)) {
          samples.get(variant)?.push(await measureOnce(variant, requests, 0));
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
      const rounds = samples.get('bare')?.length ?? 0;
      process.stderr.write(
        `  in-process ${framework} ${workload.name} done (${rounds} rounds of ${requests} requests)\n`,
      );
    }
  } finally {
    for (const worker of workers) worker.stop();
    await Promise.all(workers.map((worker) => worker.exited));
  }
}

/**
 * Runs the in-process benchmark, framework by framework (workers of one framework at a time),
 * each `plan.generations` times with fresh workers; a variant's rounds of every generation are
 * pooled (a round of one generation stays paired with the same round of the other variants).
 */
export async function runInProcessBenchmark(plan: InProcessPlan): Promise<InProcessResult[]> {
  const results: InProcessResult[] = [];
  const generation: InProcessPlan = {
    ...plan,
    secondsPerWorkload: plan.secondsPerWorkload / plan.generations,
    rounds: Math.ceil(plan.rounds / plan.generations),
  };
  for (const framework of plan.frameworks) {
    const pooled = new Map<string, InProcessResult>();
    for (let index = 0; index < plan.generations; index++) {
      if (plan.generations > 1) {
        process.stderr.write(
          `  in-process ${framework}: processes ${index + 1} of ${plan.generations}\n`,
        );
      }
      const measured: InProcessResult[] = [];
      await measureFramework(generation, framework, measured);
      for (const result of measured) {
        const key = `${result.workload}\u0000${result.variant}`;
        const earlier = pooled.get(key);
        pooled.set(key, {
          ...(earlier ?? result),
          nsPerRequest: [...(earlier?.nsPerRequest ?? []), ...result.nsPerRequest],
          roundsPerGeneration: [
            ...(earlier?.roundsPerGeneration ?? []),
            result.nsPerRequest.length,
          ],
        });
      }
    }
    results.push(...pooled.values());
  }
  return results;
}
