import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { countSignal, countUpdate, probeSignal, probesQuery, type BareActivities } from './definitions';

// The same activity options as a journey's effects (workflows/episode.ts).
const { notify } = proxyActivities<BareActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Counts inputs (signals or updates) and completes after `expected` of them, returning the
 * workflow clock at that moment: when the last input was applied. `_admission` is carried, unread,
 * as a journey carries its admission, so both start with payloads of the same weight.
 */
export async function countingWorkflow(expected: number, _admission?: unknown): Promise<number> {
  let count = 0;
  setHandler(countSignal, () => void count++);
  setHandler(countUpdate, () => ++count);
  await condition(() => count >= expected);
  return Date.now();
}

/**
 * Produces one Kafka record per probe, one at a time as a journey hands over its effects; with
 * `startProbe`, one at start too, as an admission publishes `episode-started`. Never completes:
 * like an open episode, it waits for the next input. Counted inputs only lengthen its history (the
 * realistic benchmark pads it to a journey's length, with Updates as journeys are given their
 * history); the query answers as a journey's reads do.
 */
export async function notifyingWorkflow(streamId: string, startProbe?: string): Promise<never> {
  const probes: string[] = startProbe === undefined ? [] : [startProbe];
  let given = probes.length;
  setHandler(probeSignal, (probeId) => {
    given++;
    probes.push(probeId);
  });
  let counted = 0;
  setHandler(countSignal, () => void counted++);
  setHandler(countUpdate, () => ++counted);
  setHandler(probesQuery, () => given);
  for (;;) {
    await condition(() => probes.length > 0);
    await notify(streamId, probes.shift() as string);
  }
}
