import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerDidNotStart } from './errors';

/** A server process this project started, identified by pid and by a string its command line contains. */
export interface ServerProcess {
  name: string;
  pid: number;
  /** Guards against a recycled pid: only a process whose command line contains this is ours. */
  commandMatch: string;
  logFile: string;
}

/**
 * Starts a long-running server in its own process group, detached from the caller's terminal, with
 * stdout and stderr appended to `logFile`. The command is exec'd directly (no shell), so the pid is the
 * server's own and a signal to it reaches the server.
 */
export function startServer(opts: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  commandMatch: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs the server as this user (e.g. PostgreSQL, which refuses to run as root). */
  user?: { uid: number; gid: number };
}): ServerProcess {
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
      ...opts.user,
    });
    if (child.pid === undefined) {
      throw new ServerDidNotStart(
        opts.name,
        `could not run ${opts.command}`,
        opts.logFile,
        logTail(opts.logFile),
      );
    }
    child.unref();
    return { name: opts.name, pid: child.pid, commandMatch: opts.commandMatch, logFile: opts.logFile };
  } finally {
    closeSync(log);
  }
}

export function isRunning(proc: Pick<ServerProcess, 'pid' | 'commandMatch'>): boolean {
  try {
    process.kill(proc.pid, 0);
  } catch {
    return false;
  }
  const cmdline = `/proc/${proc.pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, 'utf8').split('\0').join(' ').includes(proc.commandMatch);
  } catch {
    return false;
  }
}

export function logTail(logFile: string, lines = 20): string {
  if (!existsSync(logFile)) return '(no log written)';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Polls `ready` until it resolves true. Fails early, with the log's tail, when the process exits,
 * and after `timeoutMs` when it never answers.
 */
export async function waitUntilReady(
  proc: ServerProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (!isRunning(proc)) {
      throw new ServerDidNotStart(proc.name, 'the process exited', proc.logFile, logTail(proc.logFile));
    }
    if (Date.now() > deadline) {
      throw new ServerDidNotStart(
        proc.name,
        `it did not answer within ${Math.round(timeoutMs / 1000)} s`,
        proc.logFile,
        logTail(proc.logFile),
      );
    }
    await sleep(250);
  }
}

function signalGroup(proc: ServerProcess, sig: NodeJS.Signals) {
  try {
    process.kill(-proc.pid, sig);
  } catch {
    try {
      process.kill(proc.pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGKILL to the server's process group, as a crash would end it; resolves once it has gone. */
export async function killServer(proc: ServerProcess): Promise<void> {
  signalGroup(proc, 'SIGKILL');
  while (isRunning(proc)) await sleep(50);
}

/** SIGTERM to the server's process group, then SIGKILL if it has not exited within `graceMs`. */
export async function stopServer(proc: ServerProcess, graceMs = 15000): Promise<void> {
  if (!isRunning(proc)) return;
  const signal = (sig: NodeJS.Signals) => signalGroup(proc, sig);
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(proc) && Date.now() < deadline) await sleep(100);
  if (isRunning(proc)) {
    signal('SIGKILL');
    while (isRunning(proc)) await sleep(50);
  }
}
