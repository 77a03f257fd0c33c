import { setTimeout as sleep } from 'node:timers/promises';
import { inboundRecord } from '../testkit/inbound';
import { beginDrill, type TrafficOptions } from './drill';
import type { Harness } from './harness';
import type { DrillResult, Progress } from './report';
import { interleave } from './scenario';

/**
 * Sends the clients' events at a steady rate over `feedSeconds` while `disrupt` breaks something,
 * then judges the outcome. `disrupt` returns what it did, for the report.
 */
export async function drillUnderLoad(
  harness: Harness,
  name: string,
  opts: TrafficOptions & { feedSeconds: number },
  disrupt: (progress: Progress, load: LoadMark) => Promise<string[]>,
): Promise<DrillResult> {
  const drill = await beginDrill(harness, name, opts);
  const sequence = interleave(drill.streams, drill.random);
  drill.progress('sending events under load', { records: sequence.length, seconds: opts.feedSeconds });
  const load = loadMark(harness);
  // Both run to their end before anything is judged, so a failed disruption leaves no feed behind.
  const [fed, disrupted] = await Promise.allSettled([
    harness.feed(sequence.map(inboundRecord), opts.feedSeconds, drill.progress),
    disrupt(drill.progress, load),
  ]);
  if (fed.status === 'rejected') throw fed.reason;
  if (disrupted.status === 'rejected') throw disrupted.reason;
  return drill.judge({
    did: [`sent the ${sequence.length} events over ${opts.feedSeconds} s`, ...disrupted.value],
    delivered: sequence,
    sent: sequence.length,
  });
}

export interface OutageOptions extends TrafficOptions {
  downSeconds: number;
  /** Load before the server stops, and again after it is back. */
  leadSeconds: number;
}

/** A server of the lab a drill stops and starts again. */
export interface LabServer {
  what: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  restartedOn: string;
}

/** A server of the lab stopped for `downSeconds` in the middle of the load, then started again. */
export function outageUnderLoad(
  harness: Harness,
  name: string,
  opts: OutageOptions,
  server: LabServer,
): Promise<DrillResult> {
  const feedSeconds = opts.downSeconds + 2 * opts.leadSeconds;
  return drillUnderLoad(harness, name, { ...opts, feedSeconds }, outage(harness, opts, server));
}

/** The load's start: what a disruption during it measures from, however many came before it. */
export interface LoadMark {
  /** Inbound records the harness had produced before the load (a drill's set-up sends some). */
  sentBefore: number;
  /** Milliseconds since the load began. */
  elapsedMs: () => number;
}

export function loadMark(harness: Pick<Harness, 'inboundSent'>): LoadMark {
  const started = Date.now();
  return { sentBefore: harness.inboundSent, elapsedMs: () => Date.now() - started };
}

/** The report's line for one outage: when into the load the server stopped, and how far the load had got. */
export function outageLine(
  server: Pick<LabServer, 'what' | 'restartedOn'>,
  stopped: { intoLoadMs: number; sent: number; notCommitted: number; downSeconds: number },
): string {
  return (
    `stopped the ${server.what} ${Math.round(stopped.intoLoadMs / 1000)} s into the load (${stopped.sent} ` +
    `events sent by then, ${stopped.notCommitted} not yet committed by the bridge) for ${stopped.downSeconds} s, ` +
    `then restarted it ${server.restartedOn}`
  );
}

/**
 * The disruption of an outage: `leadSeconds` after it is called, `server` stops for `downSeconds`.
 * Its line says when that was from the start of `load`, and how many of the load's events were sent
 * by then: several outages in one load each tell their own moment.
 */
export const outage =
  (
    harness: Pick<Harness, 'inboundSent' | 'bridgeLag'>,
    opts: Pick<OutageOptions, 'downSeconds' | 'leadSeconds'>,
    server: LabServer,
  ) =>
  async (progress: Progress, load: LoadMark): Promise<string[]> => {
    await sleep(opts.leadSeconds * 1000);
    const notCommitted = await harness.bridgeLag();
    const intoLoadMs = load.elapsedMs();
    const sent = harness.inboundSent - load.sentBefore;
    await server.stop();
    progress(`${server.what} stopped`, {
      intoLoadSeconds: Math.round(intoLoadMs / 1000),
      sent,
      bridgeLag: notCommitted,
    });
    await sleep(opts.downSeconds * 1000);
    const restarting = Date.now();
    await server.start();
    progress(`${server.what} restarted`, { ms: Date.now() - restarting });
    return [outageLine(server, { intoLoadMs, sent, notCommitted, downSeconds: opts.downSeconds })];
  };
