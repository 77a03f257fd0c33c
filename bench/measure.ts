import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eventKey, type Tap } from '../testkit/tap';
import type { Progress } from '../testkit/lab';

/**
 * When each outbound record was first read by the tap, by its `source id` key, and a way to wait
 * for given keys: how both sides of a benchmark see their work done, with the same consumer.
 */
export class Arrivals {
  private readonly readAt = new Map<string, number>();
  private readonly waiting = new Map<string, ((readAt: number) => void)[]>();

  constructor(tap: Tap) {
    for (const record of tap.records) this.arrive(eventKey(record), record.readAt);
    tap.onRecord((record) => this.arrive(eventKey(record), record.readAt));
  }

  private arrive(key: string, readAt: number) {
    if (this.readAt.has(key)) return;
    this.readAt.set(key, readAt);
    for (const resolve of this.waiting.get(key) ?? []) resolve(readAt);
    this.waiting.delete(key);
  }

  has(key: string): boolean {
    return this.readAt.has(key);
  }

  /** Resolves with the time the record was read; rejects after `timeoutMs`. */
  waitFor(key: string, timeoutMs: number): Promise<number> {
    const seen = this.readAt.get(key);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no outbound record ${key} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const listeners = this.waiting.get(key) ?? [];
      listeners.push((readAt) => {
        clearTimeout(timer);
        resolve(readAt);
      });
      this.waiting.set(key, listeners);
    });
  }

  /** Resolves with the latest read time once every key has been read. */
  async waitForAll(keys: readonly string[], timeoutMs: number): Promise<number> {
    const times = await Promise.all(keys.map((key) => this.waitFor(key, timeoutMs)));
    return Math.max(...times);
  }

  /** How many of the keys have been read. */
  countRead(keys: readonly string[]): number {
    return keys.reduce((n, key) => n + (this.readAt.has(key) ? 1 : 0), 0);
  }

  /**
   * Waits until every key has been read, or until none has been for `stallMs`: at a scale the
   * servers cannot take, how far it got is the figure, not an error. Resolves with how many were
   * read and when the last of them was.
   */
  async waitForAllOrStall(
    keys: readonly string[],
    stallMs: number,
  ): Promise<{ read: number; lastReadAt: number; stalled: boolean }> {
    const lastRead = () => keys.reduce((last, key) => Math.max(last, this.readAt.get(key) ?? 0), 0);
    let read = this.countRead(keys);
    let progressAt = Date.now();
    while (read < keys.length && Date.now() - progressAt < stallMs) {
      await sleep(1000);
      const now = this.countRead(keys);
      if (now > read) progressAt = Date.now();
      read = now;
    }
    return { read, lastReadAt: lastRead(), stalled: read < keys.length };
  }
}

/** Prints `line()` every `everyMs` until stopped: progress while a benchmark runs. */
export function ticker(progress: Progress, line: () => string, everyMs = 2000): { stop(): void } {
  const timer = setInterval(() => progress(line()), everyMs);
  return { stop: () => clearInterval(timer) };
}

const clockTicksPerSecond = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** One process's share of a phase: CPU seconds used and that as a percentage of one core. */
export interface CpuShare {
  cpuSeconds: number;
  percentOfOneCore: number;
}

/**
 * CPU used by each named process over a phase: a process near 100% of a core (or all of them near
 * the machine's total) is the bottleneck; all of them well below means the work waits on itself.
 */
export function cpuMeter(pids: Readonly<Record<string, number>>): { stop(): Record<string, CpuShare> } {
  const ownSeconds = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const read = () =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, pid === process.pid ? ownSeconds() : cpuSeconds(pid)]),
    );
  const started = Date.now();
  const before = read();
  return {
    stop() {
      const elapsed = (Date.now() - started) / 1000;
      const after = read();
      return Object.fromEntries(
        Object.entries(after).map(([name, seconds]) => {
          const used = seconds - (before[name] ?? 0);
          return [
            name,
            {
              cpuSeconds: round(used, 2),
              percentOfOneCore: round((100 * used) / Math.max(elapsed, 0.001), 0),
            },
          ];
        }),
      );
    },
  };
}

export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** What the bridge did with one inbound event, from its structured log lines (`bridge: event …`). */
export interface BridgeHandling {
  /** When Temporal first accepted the event (the signal or start call returned). */
  acceptedAt?: number;
  /** How often the bridge handled the event: more than once means it read the message again. */
  handlings: number;
}

/**
 * The bridge's handling of each event, by event id, from the services' log: the bridge's stage of a
 * latency, and how often it read a message again. Best effort: a log without such lines (a bridge
 * that logs differently) leaves these measurements out, never a figure.
 */
export function bridgeLog(logFile: string): Map<string, BridgeHandling> {
  const events = new Map<string, BridgeHandling>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"bridge: event ')) continue;
    let entry: { time?: string; eventId?: string; message?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // not a JSON line (e.g. a stack trace): not the bridge's
    }
    if (!entry.eventId) continue;
    const seen = events.get(entry.eventId) ?? { handlings: 0 };
    seen.handlings++;
    if (seen.acceptedAt === undefined && entry.message === 'bridge: event accepted' && entry.time)
      seen.acceptedAt = Date.parse(entry.time);
    events.set(entry.eventId, seen);
  }
  return events;
}

type History = temporal.api.history.v1.IHistory;

/** `EVENT_TYPE_WORKFLOW_TASK_SCHEDULED` as the Temporal UI names it: `WorkflowTaskScheduled`. */
function eventTypeName(type: temporal.api.enums.v1.EventType | null | undefined): string {
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return (name ?? 'Unknown')
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
}

/**
 * History events of some workflow runs, in all and by event type (most frequent first), per input:
 * where the events of one inbound event go (workflow tasks, signals, markers, search attributes, timers…).
 */
export function historyBreakdown(histories: readonly History[]) {
  const byType = new Map<string, number>();
  let events = 0;
  for (const history of histories)
    for (const event of history.events ?? []) {
      const type = eventTypeName(event.eventType);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      events++;
    }
  return {
    events,
    perType: (inputs: number): Record<string, number> =>
      Object.fromEntries(
        [...byType].sort(([, a], [, b]) => b - a).map(([type, n]) => [type, round(n / inputs, 2)]),
      ),
  };
}

/**
 * History events per input of some workflows (their whole history over the inputs each was given):
 * how much Temporal persists for one inbound event, the server's share of the cost, and by type.
 */
export async function historyEventsPerInput(
  client: Client,
  workflows: readonly { workflowId: string; inputs: number }[],
): Promise<{ perInput: number; byType: Record<string, number> }> {
  const histories: History[] = [];
  let inputs = 0;
  for (const { workflowId, inputs: given } of workflows) {
    histories.push(await client.workflow.getHandle(workflowId).fetchHistory());
    inputs += given;
  }
  const breakdown = historyBreakdown(histories);
  return { perInput: round(breakdown.events / inputs, 2), byType: breakdown.perType(inputs) };
}

/** A counter of the SDK's, from Prometheus' text exposition, summed over its labels. */
export function sdkCounter(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) total += Number(match[3]);
  }
  return total;
}
