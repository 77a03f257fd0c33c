import type { Effect, LevelOfCare, LevelPlan } from '../schemas';

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

/** Where effects go: care events, staff notifications and billing, each its own stream. */
export type EffectStream = 'care-events' | 'staff-notifications' | 'billing-events';

/** Sends one batch in one call; fails (and the activity is retried) unless every message was accepted. */
export interface EffectPublisher {
  publish(stream: EffectStream, batch: EffectBatch): Promise<void>;
}

/**
 * The only way effects leave a journey workflow. Each activity sends its whole batch in one call;
 * message ids are the effects' deterministic ids, so a retry re-sends the same ids and consumers
 * de-duplicate.
 */
export function createEffectActivities(publisher: EffectPublisher) {
  return {
    async publishCareEvents(batch: EffectBatch): Promise<void> {
      await publisher.publish('care-events', batch);
    },
    async notifyStaff(batch: EffectBatch): Promise<void> {
      await publisher.publish('staff-notifications', batch);
    },
    async publishBillingEvents(batch: EffectBatch): Promise<void> {
      await publisher.publish('billing-events', batch);
    },
  };
}

export type EffectActivities = ReturnType<typeof createEffectActivities>;
