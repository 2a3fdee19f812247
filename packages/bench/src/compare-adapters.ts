/**
 * Experiments behind the Findings of BENCHMARKS.md: bare, the incumbent, our adapter and any
 * number of replacement adapter modules (patched copies, or the reference adapters in
 * `experiments/`), all interleaved in one process, in-process, as `in-process.ts` measures.
 *
 *   node --import tsx src/compare-adapters.ts <framework> <workload> <rounds> name=/abs/module.js …
 *
 * Each module must export what the framework's adapter exports (`cors`, or `CorsModule`).
 * Prints each variant's median µs per request and its per-round ratios to bare.
 */
import { measure } from 'mitata';
import { dispatchNode, fetchRequest } from './fake-http.js';
import { loadFramework, type BenchApp } from './frameworks/index.js';
import { median } from './stats.js';
import { WORKLOADS, roundOrder } from './workloads.js';

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

async function main(): Promise<void> {
  const [frameworkName = 'node', workloadName = 'allowed-get', rounds = '11', ...modules] =
    process.argv.slice(2);
  const framework = await loadFramework(frameworkName);
  const workload = WORKLOADS.find(({ name }) => name === workloadName);
  if (!workload) throw new Error(`unknown workload ${workloadName}`);
  const apps: [string, BenchApp][] = [
    ['bare', await framework.create('bare', workload.policy)],
    ['incumbent', await framework.create('incumbent', workload.policy)],
    ['ours', await framework.create('ours', workload.policy)],
  ];
  for (const entry of modules) {
    const [name = entry, path = ''] = entry.split('=');
    // `importAdapter` reads the override when the app is built (see frameworks/app.ts).
    process.env.CORS_BENCH_ADAPTERS = JSON.stringify({ [framework.adapter]: path });
    apps.push([name, await framework.create('ours', workload.policy)]);
    delete process.env.CORS_BENCH_ADAPTERS;
  }
  const calls = apps.map(([name, app]): [string, () => Promise<unknown>] => {
    if (app.kind === 'fetch') {
      const request = fetchRequest(workload.request);
      return [name, () => Promise.resolve(app.fetch(request))];
    }
    return [name, () => dispatchNode(app.listener, workload.request)];
  });
  const options = {
    now: cpuNow,
    min_samples: 30,
    batch_samples: 128,
    batch_unroll: 1,
    batch_threshold: 1e12,
    warmup_threshold: 1e12,
    gc: false as const,
  };
  for (const [, call] of calls) await measure(call, { ...options, min_cpu_time: 1000e6 });
  const samples = new Map<string, number[]>(calls.map(([name]) => [name, []]));
  for (let round = 0; round < Number(rounds); round++) {
    for (const [name, call] of roundOrder(round, calls)) {
      samples.get(name)?.push((await measure(call, { ...options, min_cpu_time: 150e6 })).avg);
    }
  }
  const bare = samples.get('bare') as number[];
  for (const [name, values] of samples) {
    const ratios = values.map((value, index) => value / (bare[index] as number));
    process.stdout.write(
      `${name.padEnd(12)} ${(median(values) / 1000).toFixed(2).padStart(7)} µs  ÷ bare ${median(ratios).toFixed(2)}  [${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}]\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
