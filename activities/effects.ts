import { ApplicationFailure } from '@temporalio/common';
import type { Effect, LevelOfCare, LevelPlan } from '../schemas';
import { outboundStreams, type OutboundStream, type OutboxStream } from '../schemas/contract';
import type { OutboxItem } from '../schemas/outbox';
import { publishActivityOf } from '../workflows/effect-routing';

/** The effects of one decision for one topic, with the identifiers every message is keyed and filed by. */
export interface EffectBatch {
  clientId: string;
  episodeId: string;
  programId: string;
  /**
   * Billing codes of each level a level change in this batch enters, from the episode's own program
   * version, so a program file edited since admission never changes what a running episode bills.
   * Absent only from batches scheduled before codes travelled with the batch.
   */
  billing?: Partial<Record<LevelOfCare, LevelPlan['billing']>>;
  effects: Effect[];
}

/** Where effects go: the contract's outbound streams (care events, staff notifications, billing), each its own topic. */
export type EffectStream = OutboundStream;

/** A bounded run of a journey's outbox items for one stream, in order, with the journey's identifiers. */
export interface OutboxChunk {
  clientId: string;
  episodeId: string;
  programId: string;
  /** Billing codes of the episode's own program version, by level (see EffectBatch). */
  billing: NonNullable<EffectBatch['billing']>;
  stream: OutboxStream;
  items: OutboxItem[];
}

/** One send for a journey: a chunk of each stream with items queued, each stream's in order. */
export interface OutboxRound extends Omit<OutboxChunk, 'stream' | 'items'> {
  chunks: Pick<OutboxChunk, 'stream' | 'items'>[];
}

/** What became of one stream's chunk in a round: sent, sent but for items to park, or not sent (to retry). */
export type ChunkReport =
  | { stream: OutboxStream; outcome: 'sent' }
  | { stream: OutboxStream; outcome: 'unsendable'; unsendable: Unsendable[] }
  | { stream: OutboxStream; outcome: 'failed' };

/** An item no retry can send: its index in the chunk, why, and what to do about it. */
export interface Unsendable {
  index: number;
  reason: 'record-too-large' | 'contract-violation' | 'no-event-definition' | 'broker-refused';
  detail: string;
}

/** Some items of a chunk can never be sent; every other item of the chunk was accepted. */
export class OutboxItemsUnsendable extends Error {
  override readonly name = 'OutboxItemsUnsendable';
  constructor(readonly unsendable: readonly Unsendable[]) {
    super(
      `${unsendable.length} outbox item(s) can never be sent (${[...new Set(unsendable.map((u) => u.reason))].join(', ')}): ` +
        'the journey parks them on the outbound dead-letter topic.',
    );
  }
}

export interface EffectPublisher {
  /** Sends one batch in one call; fails (and the activity is retried) unless every message was accepted. */
  publish(stream: EffectStream, batch: EffectBatch): Promise<void>;
  /**
   * Sends a chunk in sends under the broker's size limits. Throws OutboxItemsUnsendable when some
   * items can never be sent (the rest were accepted); any other error is transient.
   */
  sendOutbox(chunk: OutboxChunk): Promise<void>;
}

/** One publish activity per stream, named by `publishActivityOf`. */
type StreamPublishActivities = {
  [S in EffectStream as (typeof publishActivityOf)[S]]: (batch: EffectBatch) => Promise<void>;
};

/**
 * The only way effects leave a journey workflow. Each activity sends its whole batch in one call;
 * message ids are the effects' deterministic ids, so a retry re-sends the same ids and consumers
 * de-duplicate.
 */
export function createEffectActivities(publisher: EffectPublisher) {
  const publishers = Object.fromEntries(
    outboundStreams.map((stream) => [
      publishActivityOf[stream],
      async (batch: EffectBatch): Promise<void> => {
        await publisher.publish(stream, batch);
      },
    ]),
  ) as StreamPublishActivities;
  return {
    ...publishers,
    /** A permanent failure is non-retryable and names the items, for the journey to park them. */
    async sendOutbox(chunk: OutboxChunk): Promise<void> {
      try {
        await publisher.sendOutbox(chunk);
      } catch (error) {
        if (!(error instanceof OutboxItemsUnsendable)) throw error;
        throw ApplicationFailure.create({
          type: error.name,
          message: error.message,
          nonRetryable: true,
          details: [{ unsendable: error.unsendable }],
        });
      }
    },
    /**
     * Sends every stream's chunk of a round at once, so a workflow task records one activity however
     * many streams its decisions touched. A stream that fails is reported and the others stand; only
     * when every chunk failed does the activity fail, to be tried again in the worker.
     */
    async sendOutboxRound({ chunks, ...identity }: OutboxRound): Promise<ChunkReport[]> {
      const reports = await Promise.all(
        chunks.map(async ({ stream, items }): Promise<ChunkReport & { cause?: unknown }> => {
          try {
            await publisher.sendOutbox({ ...identity, stream, items });
            return { stream, outcome: 'sent' };
          } catch (error) {
            if (error instanceof OutboxItemsUnsendable)
              return { stream, outcome: 'unsendable', unsendable: [...error.unsendable] };
            return { stream, outcome: 'failed', cause: error };
          }
        }),
      );
      const failed = reports.find((report) => report.outcome === 'failed');
      if (failed && reports.every((report) => report.outcome === 'failed')) throw failed.cause;
      return reports.map(({ cause: _cause, ...report }) => report);
    },
  };
}

export type EffectActivities = ReturnType<typeof createEffectActivities>;
