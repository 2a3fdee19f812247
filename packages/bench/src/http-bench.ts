/**
 * The HTTP benchmark: each framework's four variants run as separate server processes (see
 * `server.ts`); this process checks every server's answer, then drives them with autocannon in
 * interleaved rounds and collects throughput and the server's own CPU time per request.
 */
import autocannon from 'autocannon';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ServerCommand, ServerReport } from './server.js';
import {
  VARIANTS,
  WORKLOADS,
  checkResponse,
  roundOrder,
  type BenchRequest,
  type PolicyName,
  type Variant,
  type Workload,
} from './workloads.js';

export interface HttpPlan {
  readonly frameworks: readonly string[];
  readonly workloads: readonly string[];
  readonly rounds: number;
  /** Length of one timed window, in seconds. */
  readonly durationSeconds: number;
  /**
   * Length of the untimed warm-up window of each server per workload, in seconds; three times
   * as long for a server's first workload, while its framework's code is still being compiled.
   */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Run the servers on CPU 0 and autocannon on CPU 1 (see `pinLoadGenerator`). */
  readonly pin: boolean;
  /** Extra Node flags for the server processes (e.g. `--cpu-prof`). */
  readonly serverNodeArgs: readonly string[];
}

/** One timed window of one server. */
export interface HttpSample {
  readonly requestsPerSecond: number;
  /** The server process's CPU time (user + system) in the window, per request it served. */
  readonly cpuMicrosPerRequest: number;
  /** This process's (autocannon's) CPU time per request: shows whether the load generator limits. */
  readonly loadCpuMicrosPerRequest: number;
}

export interface HttpResult {
  readonly framework: string;
  readonly workload: string;
  readonly variant: Variant;
  readonly samples: HttpSample[];
  readonly unavailable?: string;
}

/** With `pin`, the servers run on CPU 0 and this process (autocannon) on CPU 1. */
const SERVER_CPU = '0';
const LOAD_CPU = '1';

/** Pins this process (the load generator) to its CPU; false when `taskset` is missing. */
export function pinLoadGenerator(): boolean {
  try {
    execFileSync('taskset', ['-p', '-a', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Lets this process run on every CPU again. */
export function unpinLoadGenerator(): void {
  try {
    execFileSync('taskset', ['-p', '-a', '-c', `0-${cpus().length - 1}`, String(process.pid)], {
      stdio: 'ignore',
    });
  } catch {
    // Nothing was pinned.
  }
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url));

/** A forked server process, driven one command at a time. */
class ServerProcess {
  private readonly reports: ServerReport[] = [];
  private waiting: ((report: ServerReport) => void) | undefined;
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ServerReport) => {
      const resolve = this.waiting;
      this.waiting = undefined;
      if (resolve) resolve(message);
      else this.reports.push(message);
    });
    child.on('exit', (code, signal) => {
      this.exited = `exited with ${signal ?? code}`;
      this.waiting?.({ type: 'unavailable', reason: `server ${this.exited}` });
    });
  }

  static start(
    framework: string,
    variant: Variant,
    nodeArgs: readonly string[],
    pin: boolean,
  ): ServerProcess {
    const execArgv = ['--import', 'tsx', ...nodeArgs];
    // Pinned: `taskset -c 0 node …` (the IPC channel survives the exec).
    const child = fork(serverScript, [framework, variant], {
      cwd: packageDir,
      ...(pin
        ? { execPath: 'taskset', execArgv: ['-c', SERVER_CPU, process.execPath, ...execArgv] }
        : { execArgv }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ServerProcess(child);
  }

  next(): Promise<ServerReport> {
    const queued = this.reports.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exited)
      return Promise.resolve({ type: 'unavailable', reason: `server ${this.exited}` });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async command(command: ServerCommand, expected: ServerReport['type']): Promise<ServerReport> {
    this.child.send(command);
    const report = await this.next();
    if (report.type !== expected) {
      throw new Error(`server answered ${JSON.stringify(report)} to ${command.type}`);
    }
    return report;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.exited) return resolve();
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'exit' } satisfies ServerCommand);
      // Bounded: a server that does not exit in time is killed (it is our own child).
      setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
    });
  }
}

/** One request over real HTTP, for the check before timing. */
function sendOnce(
  port: number,
  spec: BenchRequest,
): Promise<{ status: number; headers: Record<string, string | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: spec.method,
        headers: spec.headers,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

async function loadWindow(
  port: number,
  workload: Workload,
  plan: HttpPlan,
  seconds: number,
): Promise<{ total: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    method: workload.request.method,
    headers: { ...workload.request.headers },
    connections: plan.connections,
    duration: seconds,
    // autocannon notices the end of `duration` only on a sampling tick (1 s by default).
    sampleInt: 50,
    timeout: 10,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `autocannon saw ${result.errors} errors, ${result.timeouts} timeouts and ${result.non2xx} non-2xx answers on port ${port} (${workload.name})`,
    );
  }
  return { total: result.requests.total, seconds: elapsed };
}

async function timedWindow(
  server: ServerProcess,
  port: number,
  policy: PolicyName,
  workload: Workload,
  plan: HttpPlan,
): Promise<HttpSample> {
  await server.command({ type: 'start', policy }, 'started');
  const loadCpu = process.cpuUsage();
  const load = await loadWindow(port, workload, plan, plan.durationSeconds);
  const { user, system } = process.cpuUsage(loadCpu);
  const stopped = await server.command({ type: 'stop' }, 'stopped');
  if (stopped.type !== 'stopped' || stopped.requests === 0)
    throw new Error('server saw no request');
  return {
    requestsPerSecond: load.total / load.seconds,
    cpuMicrosPerRequest: stopped.cpuMicros / stopped.requests,
    loadCpuMicrosPerRequest: (user + system) / load.total,
  };
}

/** Runs the HTTP benchmark; progress goes to stderr. */
export async function runHttpBenchmark(plan: HttpPlan): Promise<HttpResult[]> {
  const workloads = WORKLOADS.filter(({ name }) => plan.workloads.includes(name));
  const results: HttpResult[] = [];
  for (const framework of plan.frameworks) {
    const servers = new Map<Variant, ServerProcess>();
    const ports = new Map<Variant, Record<PolicyName, number>>();
    const unavailable = new Map<Variant, string>();
    const startedAt = Date.now();
    try {
      for (const variant of VARIANTS)
        servers.set(
          variant,
          ServerProcess.start(framework, variant, plan.serverNodeArgs, plan.pin),
        );
      for (const [variant, server] of servers) {
        const ready = await server.next();
        if (ready.type === 'ready') ports.set(variant, ready.ports);
        else if (ready.type === 'unavailable' && variant === 'ours')
          unavailable.set(variant, ready.reason);
        else
          throw new Error(`${framework} ${variant} server did not start: ${JSON.stringify(ready)}`);
      }
      process.stderr.write(`  http ${framework}: servers ready in ${Date.now() - startedAt} ms\n`);
      for (const workload of workloads) {
        const active = VARIANTS.filter((variant) => ports.has(variant));
        const portOf = (variant: Variant): number =>
          (ports.get(variant) as Record<PolicyName, number>)[workload.policy];
        // Every server must answer as expected before anything is timed.
        for (const variant of active) {
          const observed = await sendOnce(portOf(variant), workload.request);
          const problems = checkResponse(workload, variant, observed.status, observed.headers);
          if (problems.length > 0) {
            throw new Error(
              `${framework} ${variant} answered ${workload.name} wrongly over HTTP: ${problems.join('; ')}`,
            );
          }
        }
        const warmup = plan.warmupSeconds * (workload === workloads[0] ? 3 : 1);
        for (const variant of active) await loadWindow(portOf(variant), workload, plan, warmup);
        const samples = new Map<Variant, HttpSample[]>(VARIANTS.map((variant) => [variant, []]));
        for (let round = 0; round < plan.rounds; round++) {
          for (const variant of roundOrder(round)) {
            if (!ports.has(variant)) continue;
            const server = servers.get(variant) as ServerProcess;
            samples
              .get(variant)
              ?.push(await timedWindow(server, portOf(variant), workload.policy, workload, plan));
          }
        }
        for (const variant of VARIANTS) {
          const reason = unavailable.get(variant);
          results.push({
            framework,
            workload: workload.name,
            variant,
            samples: samples.get(variant) ?? [],
            ...(reason ? { unavailable: reason } : {}),
          });
        }
        process.stderr.write(
          `  http ${framework} ${workload.name} done (${Date.now() - startedAt} ms)\n`,
        );
      }
    } finally {
      await Promise.all([...servers.values()].map((server) => server.stop()));
    }
  }
  return results;
}
