import { cloudEventsContentType, carepathTopics, type Topics } from '../../schemas/contract';
import { cloudEventsOf } from '../cloud-events';
import type { EffectBatch, EffectPublisher, EffectStream } from '../effects';
import type { OutboundRecord, RecordSender } from './record-sender';

/** The records of one batch: structured-mode CloudEvents keyed by client id. */
export function effectRecords(stream: EffectStream, batch: EffectBatch, topics: Topics): OutboundRecord[] {
  return cloudEventsOf(stream, batch).map(({ stream: eventStream, event }) => ({
    topic: topics[eventStream],
    key: event.subject,
    value: JSON.stringify(event),
    headers: { 'content-type': cloudEventsContentType },
  }));
}

/** Publishes each activity's batch in one send; any record refused fails the activity and Temporal retries. */
export function kafkaEffectPublisher(sender: RecordSender, topics: Topics = carepathTopics): EffectPublisher {
  return {
    publish: (stream, batch) => sender.send(effectRecords(stream, batch, topics)),
  };
}
