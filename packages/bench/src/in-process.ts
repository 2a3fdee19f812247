/**
 * The in-process benchmark (a child of `run.ts`, one process per framework): one request through
 * each framework's own dispatch — `app.fetch` for Hono, the `node:http` listener for node,
 * Express, Koa (`app.callback()`) and NestJS (its Express instance) with a real
 * `IncomingMessage`/`ServerResponse` on a null socket — bare, with the incumbent and with ours,
 * interleaved in rounds in this one process. Reports mean nanoseconds per request per round.
 */
import { measure } from 'mitata';
import {
  dispatchNode,
  fetchRequest,
  observeFetch,
  observeNode,
  type Observed,
} from './fake-http.js';
import { loadFramework, type BenchApp } from './frameworks/index.js';
import {
  POLICY_NAMES,
  VARIANTS,
  WORKLOADS,
  checkResponse,
  roundOrder,
  type PolicyName,
  type InProcessVariant,
  type Variant,
  type Workload,
} from './workloads.js';

/** What `run.ts` asks for (JSON in argv[2]). */
export interface InProcessPlan {
  readonly frameworks: readonly string[];
  readonly workloads: readonly string[];
  readonly rounds: number;
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
   * times as long for the first workload (Express and NestJS take about a second to compile).
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

type Call = () => Promise<unknown>;

function callOf(
  app: BenchApp,
  workload: Workload,
): { call: Call; observe: () => Promise<Observed> } {
  if (app.kind === 'fetch') {
    const request = fetchRequest(workload.request);
    const fetch = app.fetch;
    return {
      call: () => Promise.resolve(fetch(request)),
      observe: async () => observeFetch(await fetch(request)),
    };
  }
  const listener = app.listener;
  const spec = workload.request;
  return {
    call: () => dispatchNode(listener, spec),
    observe: async () => observeNode(await dispatchNode(listener, spec)),
  };
}

/**
 * The clock: this process's CPU time (user + system, all threads), in nanoseconds. The machine
 * is shared, so wall time would count the moments another process held the core; CPU time
 * counts only the work done here, garbage collection included. Its microsecond resolution is
 * far below one sample (a batch of 128 requests).
 */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

async function measureNs(call: Call, budgetMs: number, minSamples: number): Promise<number> {
  const stats = await measure(call, {
    now: cpuNow,
    min_cpu_time: budgetMs * 1e6,
    min_samples: minSamples,
    batch_samples: 128,
    batch_unroll: 1,
    // Always batch (128 requests per sample), whatever one call takes: mitata would otherwise
    // time slow or not-yet-optimized calls one by one, adding the clock's own cost to each.
    batch_threshold: 1e12,
    warmup_threshold: 1e12,
    // No forced full collection between measurements: V8 ages (and flushes) the code of
    // functions that miss several major GCs, so forcing them would re-JIT the other variants.
    gc: false,
  });
  return stats.avg;
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as InProcessPlan;
  const workloads = WORKLOADS.filter(({ name }) => plan.workloads.includes(name));
  const results: InProcessResult[] = [];
  for (const name of plan.frameworks) {
    const framework = await loadFramework(name);
    const apps = new Map<string, BenchApp>();
    const unavailable = new Map<Variant, string>();
    for (const variant of VARIANTS) {
      for (const policy of POLICY_NAMES) {
        try {
          const app = await framework.create(variant === 'bare-control' ? 'bare' : variant, policy);
          apps.set(`${variant}/${policy}`, app);
        } catch (error) {
          if (variant !== 'ours') throw error;
          unavailable.set(variant, `${framework.adapter} could not be loaded: ${String(error)}`);
        }
      }
    }
    const appOf = (variant: Variant, policy: PolicyName): BenchApp | undefined =>
      apps.get(`${variant}/${policy}`);

    for (const workload of workloads) {
      const calls = new Map<InProcessVariant, Call>();
      const check = async (variant: InProcessVariant, app: BenchApp): Promise<void> => {
        const { call, observe } = callOf(app, workload);
        const observed = await observe();
        const problems = checkResponse(workload, variant, observed.status, observed.headers);
        if (problems.length > 0) {
          throw new Error(
            `${name} ${variant} answered ${workload.name} wrongly in-process: ${problems.join('; ')}`,
          );
        }
        calls.set(variant, call);
      };
      for (const variant of VARIANTS) {
        const app = appOf(variant, workload.policy);
        if (app) await check(variant, app);
      }
      if (workload.oneOriginTwin && calls.has('ours')) {
        await check('ours-one-origin', await framework.create('ours', workload.oneOriginTwin));
      }
      if (workload.measuresFloor && framework.floorModule !== undefined) {
        await check('floor', await framework.create('floor', workload.policy));
      }
      const variants = [...calls.keys()];
      const samples = new Map<InProcessVariant, number[]>(variants.map((variant) => [variant, []]));
      // Warm-up: JIT every path before the first timed round.
      const warmupMs = plan.warmupMs * (workload === workloads[0] ? 3 : 1);
      for (const call of calls.values()) await measureNs(call, warmupMs, 1);
      for (let round = 0; round < plan.rounds; round++) {
        for (const variant of roundOrder(round, variants)) {
          const call = calls.get(variant) as Call;
          samples.get(variant)?.push(await measureNs(call, plan.measureMs, plan.minSamples));
        }
      }
      for (const variant of [
        ...VARIANTS,
        ...variants.filter((v) => !VARIANTS.includes(v as Variant)),
      ]) {
        const reason = unavailable.get(variant as Variant);
        results.push({
          framework: name,
          workload: workload.name,
          variant,
          nsPerRequest: samples.get(variant) ?? [],
          ...(reason ? { unavailable: reason } : {}),
        });
      }
      process.stderr.write(
        `  in-process ${name} ${workload.name} done (${Math.round(performance.now())} ms)\n`,
      );
    }
  }
  if (process.send) process.send({ type: 'results', results });
  else process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `in-process benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
