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
  };
}

export type EffectActivities = ReturnType<typeof createEffectActivities>;
