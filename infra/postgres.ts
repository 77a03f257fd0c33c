import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InstallFailed } from './errors';
import { run, type TemporalClusterInstallation } from './install';
import { startServer, waitUntilReady, type ServerProcess } from './processes';

export interface PostgresOptions {
  /** `/usr/lib/postgresql/<major>/bin` (install.ts `findPostgres`). */
  binDir: string;
  /** The cluster's data directory; created by initdb on the first start. */
  dir: string;
  port: number;
  logFile: string;
}

/** The account PostgreSQL runs as: itself, unless this is root, which PostgreSQL refuses to be. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!entry) {
    throw new InstallFailed(
      'PostgreSQL',
      'getent passwd postgres',
      'running as root, but there is no `postgres` account to run the server as (apt-get install postgresql creates it)',
    );
  }
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function chownTree(path: string, user: { uid: number; gid: number }) {
  chownSync(path, user.uid, user.gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), user);
}

/**
 * Starts PostgreSQL on a loopback port with its own data directory (initdb on the first start), not
 * the system's service. Local connections are trusted: the drill's cluster is reachable from this
 * machine only and holds synthetic clients.
 */
export function startPostgres(opts: PostgresOptions): ServerProcess {
  const user = serverUser();
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    if (user) chownTree(opts.dir, user);
    const initdb = join(opts.binDir, 'initdb');
    const args = ['-D', opts.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'];
    const result = spawnSync(initdb, args, { encoding: 'utf8', ...user });
    if (result.status !== 0) {
      throw new InstallFailed(
        'the PostgreSQL data directory',
        `${initdb} ${args.join(' ')}`,
        `${result.stdout}${result.stderr}${result.error?.message ?? ''}`,
      );
    }
  }
  return startServer({
    name: 'PostgreSQL',
    command: join(opts.binDir, 'postgres'),
    args: [
      '-D',
      opts.dir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in a shared directory.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
    ],
    logFile: opts.logFile,
    commandMatch: opts.dir,
    ...(user && { user }),
  });
}

export async function waitForPostgres(proc: ServerProcess, opts: PostgresOptions, timeoutMs = 60_000) {
  const ready = async () =>
    spawnSync(join(opts.binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(opts.port)]).status === 0;
  await waitUntilReady(proc, ready, timeoutMs);
}

/** Temporal's two databases: the persistence store and the visibility store. */
export const temporalDatabases = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

/**
 * Creates Temporal's databases and brings their schema to the installed server's version with
 * temporal-sql-tool, as an operator does; on an existing database the update is a no-op.
 */
export async function setupTemporalSchema(install: TemporalClusterInstallation, port: number) {
  for (const db of temporalDatabases) {
    const connect = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(port), '-u', 'postgres'];
    const tool = (...args: string[]) =>
      run(install.sqlTool, [...connect, '--db', db.name, ...args], `the ${db.name} database`);
    await tool('create-database');
    await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '-d', join(install.postgresSchemaDir, db.schema, 'versioned'));
  }
}
