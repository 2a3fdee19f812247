/**
 * Starts a throwaway PostgreSQL server from the installed server binaries (Debian's
 * `postgresql` package puts them in /usr/lib/postgresql/<version>/bin): a fresh data directory
 * in the system temp dir, a free port on 127.0.0.1, trust authentication for user `postgres`.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (or
 * `PG_OS_USER`). For `pnpm start` and the integration test; never for production.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running (or stopped) throwaway server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** The server's log (every statement, with `logStatements`). */
  readonly logFile: string;
  /** Stops the server (`pg_ctl stop -m fast`), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
  /** The server log so far. */
  readLog(): Promise<string>;
}

export interface PostgresServerOptions {
  /** Log every statement (`log_statement = all`), e.g. to count queries. @default false */
  readonly logStatements?: boolean;
}

/** Where the server binaries are: `PG_BIN`, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(root, version, 'bin')));
  }
  return candidates.find(
    (dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')),
  );
}

export const INSTALL_HINT =
  'PostgreSQL server binaries not found. Install them (Debian/Ubuntu: sudo apt-get install -y postgresql), ' +
  'set PG_BIN to their directory, or run PostgreSQL elsewhere (docker run --rm -p 5432:5432 ' +
  '-e POSTGRES_HOST_AUTH_METHOD=trust postgres:17) and set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres';

// Servers of this process, stopped at exit even when a test or the start script fails.
const running = new Set<{ bin: string; dataDir: string; user: string | undefined }>();
process.once('exit', () => {
  for (const server of running) {
    try {
      execFileSync(
        ...asUser(server.user, join(server.bin, 'pg_ctl'), [
          '-D',
          server.dataDir,
          '-m',
          'immediate',
          'stop',
        ]),
        { stdio: 'ignore' },
      );
    } catch {
      // Already stopped.
    }
  }
});

export async function startTemporaryPostgres(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  if (bin === undefined) throw new Error(INSTALL_HINT);
  const user = process.getuid?.() === 0 ? (process.env.PG_OS_USER ?? 'postgres') : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'tenants-postgres-'));
  if (user !== undefined) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    await chown(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const pgCtl = (args: string[]) => run(...asUser(user, join(bin, 'pg_ctl'), args));
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    ...(options.logStatements ? ['-c log_statement=all'] : []),
  ].join(' ');
  const handle = { bin, dataDir, user };

  await run(
    ...asUser(user, join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]),
  );
  const start = async (): Promise<void> => {
    await pgCtl(['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);
    running.add(handle);
  };
  const stop = async (): Promise<void> => {
    await pgCtl(['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    running.delete(handle);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    logFile,
    start,
    stop,
    async destroy() {
      if (running.has(handle)) await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
    readLog: () => readFile(logFile, 'utf8'),
  };
}

function asUser(user: string | undefined, command: string, args: string[]): [string, string[]] {
  return user === undefined ? [command, args] : ['runuser', ['-u', user, '--', command, ...args]];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
