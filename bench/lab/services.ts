import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../infra/ports';
import type { Lab } from './lab';

/** The compiled entry point of carepath's services; benchmarks and drills run the real one. */
function servicesEntryPoint(): string {
  // Compiled, this file is lib/bench/lab/services.js; under ts-jest it is bench/lab/services.ts.
  const root = resolve(__dirname, '../..');
  const entry =
    basename(root) === 'lib' ? join(root, 'workers', 'main.js') : join(root, 'lib', 'workers', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

export interface ServicesProcess {
  pid: number;
  /** Resident memory of the services process, in bytes (from /proc). */
  residentBytes(): number;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal) once the process has gone. */
  exited: Promise<string>;
}

/**
 * carepath's services (journey worker, inbound bridge, API, codec server) in a child process of
 * their own, configured for the lab: so that a drill can SIGKILL them and a benchmark can read
 * their memory. Every start shares the lab's data dir, hence the same payload key and API token.
 */
export async function startServicesProcess(
  lab: Lab,
  opts: { name?: string; env?: Record<string, string> } = {},
): Promise<ServicesProcess> {
  const name = opts.name ?? 'services';
  const logFile = join(lab.dataDir, 'logs', `${name}.log`);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [servicesEntryPoint()], {
      env: {
        ...process.env,
        CAREPATH_MODE: 'local',
        CAREPATH_DATA_DIR: join(lab.dataDir, 'carepath'),
        TEMPORAL_ADDRESS: lab.temporalAddress,
        KAFKA_BROKERS: lab.brokers.join(','),
        CAREPATH_API_PORT: String(await freePort()),
        CAREPATH_CODEC_PORT: String(await freePort()),
        ...opts.env,
      },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start carepath's services; see ${logFile}`);
  const exited = new Promise<string>((done) =>
    child.once('exit', (code, signal) => done(signal ?? `exit ${String(code)}`)),
  );
  let gone: string | undefined;
  void exited.then((how) => (gone = how));
  const deadline = Date.now() + 120_000;
  while (!readFileSync(logFile, 'utf8').includes('carepath services started')) {
    if (gone !== undefined)
      throw new Error(`carepath's services exited (${gone}) while starting; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`carepath's services did not start within 120 s; see ${logFile}`);
    }
    await sleep(200);
  }
  return {
    pid,
    residentBytes: () => residentBytes(pid),
    kill: (signal) => void child.kill(signal),
    exited,
  };
}

/** VmRSS of a live process, in bytes. */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no resident size for process ${pid}`);
  return Number(match[1]) * 1024;
}
