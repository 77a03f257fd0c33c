import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import type { OutboundRecord, RecordSender } from './record-sender';

/**
 * The worker's one producer: idempotent with one request in flight, so kafkajs' own retries neither
 * duplicate nor reorder records within a partition. Topics are never created by a send: a
 * misspelt topic fails instead of starting a new stream.
 */
export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

function byTopic(records: readonly OutboundRecord[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const { topic, key, value, headers } of records) {
    const entry = topics.get(topic) ?? { topic, messages: [] };
    entry.messages.push({ key, value, headers: { ...headers } });
    topics.set(topic, entry);
  }
  return [...topics.values()];
}

/** A RecordSender on a kafkajs producer: one `sendBatch` per call, acks from all in-sync replicas. */
export function kafkajsSender(producer: Producer): RecordSender {
  return {
    async send(records) {
      if (records.length === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: byTopic(records) });
    },
  };
}
