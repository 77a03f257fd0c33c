import type { Producer } from 'kafkajs';
import { toCloudEvent } from './cloud-events';
import type { EffectBatch, EffectPublisher, EffectStream } from './effects';

export const topics: Record<EffectStream, string> = {
  'care-events': 'carepath.care-events.v1',
  'staff-notifications': 'carepath.staff-notifications.v1',
  'billing-events': 'carepath.billing-events.v1',
};

/**
 * Publishes each batch in one send on the worker's idempotent producer (acks from all in-sync
 * replicas). Keyed by client id so each client's events stay in order.
 */
export function kafkaEffectPublisher(producer: Producer): EffectPublisher {
  return {
    async publish(stream: EffectStream, batch: EffectBatch) {
      await producer.send({
        topic: topics[stream],
        acks: -1,
        messages: batch.effects.map((effect) => ({
          key: batch.clientId,
          value: JSON.stringify(toCloudEvent(effect, batch)),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
    },
  };
}
