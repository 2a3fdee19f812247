/**
 * One process of the in-process benchmark (forked by `in-process.ts`): one framework, hosting
 * one variant (the default layout: as on a real server, no other variant's type feedback
 * reaches Node's shared internals) or all of them (`--in-process-layout shared`). The parent
 * asks it over IPC to prepare a workload (build and check each hosted variant's app) and to
 * measure one variant at a time, so rounds interleave across processes like the HTTP servers.
 */
import { measure } from 'mitata';
import { requestCall, type Call } from './fake-http.js';
import { loadFramework, type BenchApp, type Framework } from './frameworks/index.js';
import { shiftLayout } from './layout-shift.js';
import {
  WORKLOADS,
  checkResponse,
  type InProcessVariant,
  type PolicyName,
  type Workload,
  type WorkloadName,
} from './workloads.js';

/** Parent → worker. */
export type WorkerCommand =
  | { type: 'prepare'; workload: WorkloadName }
  /** Time `requests` requests in a row (a sample), or batches of them for `budgetMs` (warm-up). */
  | {
      type: 'measure';
      workload: WorkloadName;
      variant: InProcessVariant;
      requests: number;
      budgetMs: number;
    }
  | { type: 'exit' };

/** Worker → parent. */
export type WorkerReport =
  | { type: 'ready' }
  /** The hosted variants that answer this workload (checked), and why others cannot run. */
  | { type: 'prepared'; variants: InProcessVariant[]; unavailable: Record<string, string> }
  | { type: 'measured'; nsPerRequest: number }
  | { type: 'failed'; message: string };

function report(message: WorkerReport): void {
  process.send?.(message);
}

/**
 * The clock: this process's CPU time (user + system, all threads), in nanoseconds. The machine
 * is shared, so wall time would count the moments another process held the core; CPU time
 * counts only the work done here, garbage collection included. Its microsecond resolution is
 * far below one sample (a batch of requests taking several milliseconds).
 */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Warm-up: mitata runs batches of `requests` requests for `budgetMs` of CPU time. */
async function warmUp(call: Call, requests: number, budgetMs: number): Promise<number> {
  const stats = await measure(call, {
    now: cpuNow,
    min_cpu_time: budgetMs * 1e6,
    min_samples: 1,
    batch_samples: requests,
    batch_unroll: 1,
    // Always batch, whatever one call takes: mitata would otherwise time slow or
    // not-yet-optimized calls one by one.
    batch_threshold: 1e12,
    warmup_threshold: 1e12,
    // No forced full collection: V8 ages (and flushes) the code of functions that miss several
    // major GCs, so forcing them would re-JIT.
    gc: false,
  });
  return stats.avg;
}

/**
 * One sample: mean CPU ns per request over `requests` requests in a row. A plain loop, not
 * mitata's `measure()`, which builds a new function and a 2^20-slot array on every call
 * (about 15 ms and 8 MB here): too heavy for hundreds of short samples, and its garbage would
 * land in the next sample.
 */
async function sample(call: Call, requests: number): Promise<number> {
  const start = cpuNow();
  for (let index = 0; index < requests; index++) await call();
  return (cpuNow() - start) / requests;
}

/** Which app a variant runs for a workload: its variant and policy, or nothing. */
function appFor(
  framework: Framework,
  variant: InProcessVariant,
  workload: Workload,
): { variant: 'bare' | 'incumbent' | 'ours' | 'floor'; policy: PolicyName } | undefined {
  switch (variant) {
    case 'bare':
    case 'bare-control':
      return { variant: 'bare', policy: workload.policy };
    case 'incumbent':
    case 'ours':
      return { variant, policy: workload.policy };
    case 'ours-one-origin':
      return workload.oneOriginTwin
        ? { variant: 'ours', policy: workload.oneOriginTwin }
        : undefined;
    case 'ours-cached-origins':
      return workload.measuresDynamicOrigins
        ? { variant: 'ours', policy: 'one-origin-cached' }
        : undefined;
    case 'ours-reconfigured':
      return workload.measuresDynamicOrigins
        ? { variant: 'ours', policy: 'one-origin-reconfigured' }
        : undefined;
    case 'ours-report-only':
      return workload.measuresDynamicOrigins
        ? { variant: 'ours', policy: 'one-origin-report-only' }
        : undefined;
    case 'floor':
      return workload.measuresFloor && framework.hasFloor === true
        ? { variant: 'floor', policy: workload.policy }
        : undefined;
  }
}

async function main(): Promise<void> {
  const [frameworkName = '', hosted = ''] = process.argv.slice(2);
  // Before the framework is loaded, so that all of its objects and code move (--shift-layout).
  shiftLayout();
  const framework = await loadFramework(frameworkName);
  const variants = hosted.split(',') as InProcessVariant[];
  const apps = new Map<string, BenchApp>();
  const calls = new Map<InProcessVariant, Call>();

  const prepare = async (workload: Workload): Promise<WorkerReport> => {
    calls.clear();
    const ready: InProcessVariant[] = [];
    const unavailable: Record<string, string> = {};
    for (const variant of variants) {
      const wanted = appFor(framework, variant, workload);
      if (!wanted) continue;
      const key = `${wanted.variant}/${wanted.policy}/${variant}`;
      let app = apps.get(key);
      if (!app) {
        try {
          app = await framework.create(wanted.variant, wanted.policy);
        } catch (error) {
          if (wanted.variant === 'incumbent' && framework.incumbent.startsWith('(')) {
            // A framework with no incumbent package (Fetch-API handlers): no row to compare.
            unavailable[variant] = `${framework.incumbent}: ${String(error)}`;
            continue;
          }
          if (wanted.variant !== 'ours') throw error;
          unavailable[variant] = `${framework.adapter} could not be loaded: ${String(error)}`;
          continue;
        }
        apps.set(key, app);
      }
      const { call, observe } = requestCall(app, workload);
      const observed = await observe();
      const problems = checkResponse(workload, variant, observed.status, observed.headers);
      if (problems.length > 0) {
        throw new Error(
          `${framework.name} ${variant} answered ${workload.name} wrongly in-process: ${problems.join('; ')}`,
        );
      }
      calls.set(variant, call);
      ready.push(variant);
    }
    return { type: 'prepared', variants: ready, unavailable };
  };

  process.on('message', (command: WorkerCommand) => {
    const answer = async (): Promise<WorkerReport> => {
      if (command.type === 'exit') process.exit(0);
      const workload = WORKLOADS.find(({ name }) => name === command.workload) as Workload;
      if (command.type === 'prepare') return prepare(workload);
      const call = calls.get(command.variant);
      if (!call) throw new Error(`${command.variant} is not prepared here`);
      return {
        type: 'measured',
        nsPerRequest:
          command.budgetMs > 0
            ? await warmUp(call, command.requests, command.budgetMs)
            : await sample(call, command.requests),
      };
    };
    answer().then(report, (error: unknown) =>
      report({
        type: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
    );
  });
  report({ type: 'ready' });
}

// The parent going away (even killed) ends this worker.
process.on('disconnect', () => process.exit(0));

main().catch((error: unknown) => {
  process.stderr.write(
    `in-process worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
