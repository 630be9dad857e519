/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: Debian's `initdb` + `pg_ctl` on a free port,
 * its data directory in a temp dir that `stop()` removes.
 *
 * PostgreSQL refuses to run as root: when this process is root, the server runs as the unprivileged
 * `postgres` user (through `runuser`); otherwise as the current user. It listens on 127.0.0.1 only,
 * with `trust` authentication, and no Unix socket.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../kafka/broker';

export interface PostgresCluster {
  port: number;
  dataDir: string;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` (default database `postgres`). */
  url(database?: string): string;
  /** Stops the server (fast shutdown) and removes the data directory. Safe to call twice. */
  stop(): void;
}

export interface StartPostgresOptions {
  /** Durability off (fsync, synchronous_commit, full_page_writes): fine for tests, never for data you keep. */
  unsafeFast?: boolean;
  /** max_connections (PostgreSQL's default is 100). */
  maxConnections?: number;
}

/** The directory holding initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server binaries not found (no /usr/lib/postgresql/<version>/bin/initdb): install Debian\'s `postgresql` package, or set PG_BIN');
  }
  return path.join(base, versions[0], 'bin');
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
function runPg(binary: string, args: string[], timeoutMs = 60_000): SpawnSyncReturns<string> {
  const file = path.join(postgresBinDir(), binary);
  const [command, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return spawnSync(command, argv, { encoding: 'utf8', timeout: timeoutMs, cwd: os.tmpdir() });
}

function check(result: SpawnSyncReturns<string>, what: string, logFile?: string): void {
  if (result.status === 0) return;
  const log = logFile && fs.existsSync(logFile) ? `\n--- server log ---\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}` : '';
  throw new Error(`${what} failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${result.stdout}${result.stderr}${log}`);
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (asRoot()) {
    fs.chmodSync(root, 0o755);
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pg.status !== 0) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (install Debian\'s `postgresql` package)');
    fs.chownSync(dataDir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
    fs.writeFileSync(logFile, '');
    fs.chownSync(logFile, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
  }
  let stopped = false;
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  try {
    check(runPg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--locale=C.UTF-8']), 'initdb');
    const port = await findFreePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      "-c unix_socket_directories=''",
      `-c max_connections=${opts.maxConnections ?? 100}`,
      ...(opts.unsafeFast ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    check(runPg('pg_ctl', ['-D', dataDir, '-o', settings, '-l', logFile, '-w', '-t', '60', 'start']), 'pg_ctl start', logFile);
    const stop = () => {
      if (stopped) return;
      stopped = true;
      process.off('exit', stop);
      runPg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      removeRoot();
    };
    // A test run that ends without stopping it (a crash, Ctrl-C) must not leave a server behind.
    process.on('exit', stop);
    return { port, dataDir, url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`, stop };
  } catch (error) {
    runPg('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
    removeRoot();
    throw error;
  }
}
