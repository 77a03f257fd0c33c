import { inboundRecord } from '../testkit/inbound';
import { beginDrill, type TrafficOptions } from './drill';
import type { Harness } from './harness';
import type { DrillResult } from './report';
import { interleave, reorder, withCopies } from './scenario';

export interface RedeliveryOptions extends TrafficOptions {
  /** Share of adjacent event pairs swapped, between a client's admission and discharge. */
  reorderShare: number;
  /** A copy arrives 1 to `copySpread` places after its original in the client's stream. */
  copySpread: number;
}

/**
 * Every inbound event delivered twice, and a share of them reordered within their
 * client's stream. Each event must be applied once, in the order its first copy arrived.
 */
export async function redeliveryDrill(harness: Harness, opts: RedeliveryOptions): Promise<DrillResult> {
  const drill = await beginDrill(harness, 'redelivery', opts);
  const reordered = drill.streams.map((stream) => reorder(stream, opts.reorderShare, drill.random));
  const moved = reordered.reduce(
    (n, stream, c) => n + stream.filter((event, i) => event !== drill.streams[c]?.[i]).length,
    0,
  );
  const sequence = interleave(
    reordered.map((stream) => withCopies(stream, opts.copySpread, drill.random)),
    drill.random,
  );
  drill.progress('sending every event twice', { records: sequence.length });
  await harness.feed(sequence.map(inboundRecord), 0, drill.progress);
  return drill.judge({
    did: [
      `sent every event twice (${sequence.length} records), each copy 1-${opts.copySpread} places after its original`,
      `${moved} events out of order: adjacent swaps between admission and discharge (share ${opts.reorderShare})`,
    ],
    delivered: sequence,
    sent: sequence.length,
  });
}
