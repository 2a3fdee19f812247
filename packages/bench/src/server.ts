/**
 * One server process of the HTTP benchmark (forked by `http-bench.ts`): one framework in one
 * variant, with one app per policy, each listening on its own loopback port. Over IPC it
 * reports its ports, and measures its own CPU time and request count around each timed window.
 */
import type { Server } from 'node:http';
import { loadFramework } from './frameworks/index.js';
import { portOf } from './frameworks/app.js';
import { POLICY_NAMES, type PolicyName, type Variant } from './workloads.js';

/** Parent → server. */
export type ServerCommand =
  | { type: 'start'; policy: PolicyName }
  | { type: 'stop' }
  | { type: 'exit' };

/** Server → parent. */
export type ServerReport =
  | { type: 'ready'; ports: Record<PolicyName, number> }
  | { type: 'unavailable'; reason: string }
  | { type: 'started' }
  | { type: 'stopped'; cpuMicros: number; requests: number };

function report(message: ServerReport): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [frameworkName = '', variant = 'bare'] = process.argv.slice(2) as [string, Variant];
  const framework = await loadFramework(frameworkName);
  const servers: Server[] = [];
  const ports = {} as Record<PolicyName, number>;
  const requests = {} as Record<PolicyName, number>;
  for (const policy of POLICY_NAMES) {
    let server: Server;
    try {
      const app = await framework.create(variant === 'bare-control' ? 'bare' : variant, policy);
      server = await app.listen();
    } catch (error) {
      if (variant !== 'ours') throw error;
      report({ type: 'unavailable', reason: `${framework.adapter}: ${String(error)}` });
      return;
    }
    requests[policy] = 0;
    server.on('request', () => {
      requests[policy] += 1;
    });
    servers.push(server);
    ports[policy] = portOf(server);
  }

  let window: { policy: PolicyName; cpu: NodeJS.CpuUsage; requests: number } | undefined;
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'start') {
      window = {
        policy: command.policy,
        requests: requests[command.policy],
        cpu: process.cpuUsage(),
      };
      report({ type: 'started' });
    } else if (command.type === 'stop' && window) {
      const cpu = process.cpuUsage(window.cpu);
      report({
        type: 'stopped',
        cpuMicros: cpu.user + cpu.system,
        requests: requests[window.policy] - window.requests,
      });
      window = undefined;
    } else if (command.type === 'exit') {
      for (const server of servers) server.closeAllConnections();
      process.exit(0);
    }
  });
  report({ type: 'ready', ports });
}

// The parent going away (even killed) ends this server: no orphan keeps a port.
process.on('disconnect', () => process.exit(0));

main().catch((error: unknown) => {
  process.stderr.write(
    `server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
