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
  disrupt: (progress: Progress) => Promise<string[]>,
): Promise<DrillResult> {
  const drill = await beginDrill(harness, name, opts);
  const sequence = interleave(drill.streams, drill.random);
  drill.progress('sending events under load', { records: sequence.length, seconds: opts.feedSeconds });
  // Both run to their end before anything is judged, so a failed disruption leaves no feed behind.
  const [fed, disrupted] = await Promise.allSettled([
    harness.feed(sequence.map(inboundRecord), opts.feedSeconds, drill.progress),
    disrupt(drill.progress),
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

/** The disruption of an outage: `leadSeconds` into the load, `server` stops for `downSeconds`. */
export const outage =
  (harness: Harness, opts: Pick<OutageOptions, 'downSeconds' | 'leadSeconds'>, server: LabServer) =>
  async (progress: Progress): Promise<string[]> => {
    const sentBefore = harness.inboundSent;
    await sleep(opts.leadSeconds * 1000);
    const lag = await harness.bridgeLag();
    const sent = harness.inboundSent - sentBefore;
    await server.stop();
    progress(`${server.what} stopped`, { sent, bridgeLag: lag });
    await sleep(opts.downSeconds * 1000);
    const restarting = Date.now();
    await server.start();
    progress(`${server.what} restarted`, { ms: Date.now() - restarting });
    return [
      `stopped the ${server.what} ${opts.leadSeconds} s into the load (${sent} events sent, ${lag} not yet ` +
        `committed by the bridge) for ${opts.downSeconds} s, then restarted it ${server.restartedOn}`,
    ];
  };
