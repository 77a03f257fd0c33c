import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoleChoice } from '../config/service-roles';
import { freePort } from '../infra/ports';
import type { Lab } from './lab';

/**
 * A compiled entry point of this project (e.g. `workers/production-entry.js`); benchmarks and drills run the
 * real, built code in their child processes.
 */
export function compiledEntryPoint(relativePath: string): string {
  // Compiled, this file is lib/testkit/services.js; under ts-jest it is testkit/services.ts.
  const root = resolve(__dirname, '..');
  const entry = basename(root) === 'lib' ? join(root, relativePath) : join(root, 'lib', relativePath);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

/** A Node.js process started against the lab, with its output in the lab's log dir. */
export interface LabProcess {
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Resident memory of the process, in bytes (from /proc). */
  residentBytes(): number;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal) once the process has gone. */
  exited: Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has gone. */
  stop(graceMs?: number): Promise<string>;
}

/** carepath's services process; the same handle as any other lab process. */
export type ServicesProcess = LabProcess;

/**
 * Runs a compiled entry point of this project in a child process configured for the lab
 * (TEMPORAL_ADDRESS, KAFKA_BROKERS, then `env`), and resolves once its log contains `readyLine`.
 */
export async function startLabProcess(
  lab: Pick<Lab, 'dataDir' | 'temporalAddress' | 'brokers'>,
  opts: {
    name: string;
    entry: string;
    readyLine: string;
    env?: Record<string, string>;
    /** Node.js options before the entry point, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
    nodeArgs?: string[];
    /** Arguments after the entry point, e.g. `--role worker`. */
    args?: string[];
  },
): Promise<LabProcess> {
  const logFile = join(lab.dataDir, 'logs', `${opts.name}.log`);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [...(opts.nodeArgs ?? []), compiledEntryPoint(opts.entry), ...(opts.args ?? [])],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: lab.temporalAddress,
          KAFKA_BROKERS: lab.brokers.join(','),
          ...opts.env,
        },
        stdio: ['ignore', log, log],
      },
    );
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.name}; see ${logFile}`);
  const exited = new Promise<string>((done) =>
    child.once('exit', (code, signal) => done(signal ?? `exit ${String(code)}`)),
  );
  let gone: string | undefined;
  // `exited` never rejects; the start-up loop below polls `gone`.
  void exited.then((how) => (gone = how));
  const deadline = Date.now() + 120_000;
  while (!readFileSync(logFile, 'utf8').includes(opts.readyLine)) {
    if (gone !== undefined) throw new Error(`${opts.name} exited (${gone}) while starting; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} did not start within 120 s; see ${logFile}`);
    }
    await sleep(200);
  }
  return {
    pid,
    logFile,
    residentBytes: () => residentBytes(pid),
    kill: (signal) => void child.kill(signal),
    exited,
    async stop(graceMs = 15_000) {
      if (gone !== undefined) return gone;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * carepath's services (journey worker, inbound bridge, API, codec server) in a child process of
 * their own, configured for the lab: so that a drill can SIGKILL them and a benchmark can read
 * their memory. Every start shares the lab's data dir, hence the same payload key and API token.
 */
export async function startServicesProcess(
  lab: Pick<Lab, 'dataDir' | 'temporalAddress' | 'brokers'>,
  opts: { name?: string; role?: RoleChoice; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<ServicesProcess> {
  return startLabProcess(lab, {
    name: opts.name ?? 'services',
    ...(opts.nodeArgs && { nodeArgs: opts.nodeArgs }),
    ...(opts.role && { args: ['--role', opts.role] }),
    entry: join('workers', 'production-entry.js'),
    readyLine: 'carepath services started',
    env: {
      CAREPATH_MODE: 'local',
      CAREPATH_DATA_DIR: join(lab.dataDir, 'carepath'),
      CAREPATH_API_PORT: String(await freePort()),
      CAREPATH_CODEC_PORT: String(await freePort()),
      // Several services processes run side by side in the cluster drill.
      CAREPATH_HEALTH_PORT: String(await freePort()),
      ...opts.env,
    },
  });
}

/** VmRSS of a live process, in bytes. */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no resident size for process ${pid}`);
  return Number(match[1]) * 1024;
}
