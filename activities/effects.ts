import type { Effect } from '../schemas';

/** The effects of one decision for one topic, with the identifiers every message is keyed and filed by. */
export interface EffectBatch {
  clientId: string;
  episodeId: string;
  programId: string;
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
