/**
 * Profiling helper for the "Findings" of BENCHMARKS.md: drives one framework/variant/workload
 * in-process for a while, under `--cpu-prof`, then prints the hottest functions by self time.
 *
 *   node --import tsx src/profile.ts <framework> <variant> <workload> [seconds]
 *
 * The profile is written to `profiles/` (git-ignored); the summary goes to stdout.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispatchNode, fetchRequest } from './fake-http.js';
import { loadFramework, type AppVariant } from './frameworks/index.js';
import { WORKLOADS } from './workloads.js';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) =>
      error ? reject(error) : resolve(result as T),
    );
  });
}

/** Self time per function (name, file:line), the top `limit`, as percentages of all samples. */
export function hottestFunctions(profile: Profiler.Profile, limit = 25): string[] {
  const selfTime = new Map<string, number>();
  const counts = new Map<number, number>();
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  let total = 0;
  for (const node of profile.nodes) {
    const hits = counts.get(node.id) ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url
      .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
      .replace(/^file:\/\/.*\/packages\//, 'packages/');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    selfTime.set(key, (selfTime.get(key) ?? 0) + hits);
  }
  return [...selfTime]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

async function main(): Promise<void> {
  const [frameworkName = 'node', variant = 'ours', workloadName = 'allowed-get', seconds = '5'] =
    process.argv.slice(2);
  if (frameworkName === '--summarize') {
    const dir = variant;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
      process.stdout.write(
        `${file}\n${hottestFunctions(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Profiler.Profile).join('\n')}\n`,
      );
    }
    return;
  }
  const workload = WORKLOADS.find(({ name }) => name === workloadName);
  if (!workload) throw new Error(`unknown workload ${workloadName}`);
  const framework = await loadFramework(frameworkName);
  const app = await framework.create(variant as AppVariant, workload.policy);
  const call =
    app.kind === 'fetch'
      ? (
          (request) => () =>
            Promise.resolve(app.fetch(request))
        )(fetchRequest(workload.request))
      : () => dispatchNode(app.listener, workload.request);
  const deadline = Date.now() + 1000;
  while (Date.now() < deadline) await call(); // warm-up, not profiled

  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 50 });
  await post(session, 'Profiler.start');
  const end = Date.now() + Number(seconds) * 1000;
  let requests = 0;
  while (Date.now() < end) {
    await call();
    requests++;
  }
  const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
  const dir = fileURLToPath(new URL('../profiles/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${frameworkName}-${variant}-${workloadName}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  process.stdout.write(
    `${requests} requests; profile: ${file}\n${hottestFunctions(profile).join('\n')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
