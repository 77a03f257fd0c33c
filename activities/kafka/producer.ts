import type { Kafka, TopicMessages } from 'kafkajs';
import type { OutboundRecord, RecordSender } from './record-sender';

/** A producer: a RecordSender with its connection. */
export interface KafkaProducer extends RecordSender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ProducerOptions {
  /**
   * The broker de-duplicates the producer's own retries, so they neither duplicate nor reorder
   * records within a partition (the worker's one producer). Off, records still go one request at
   * a time, in order.
   */
  idempotent: boolean;
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

/**
 * A kafkajs producer with one request in flight, which never creates a topic by a send (a misspelt
 * topic fails instead of starting a new stream): one `sendBatch` per call, acks from all in-sync replicas.
 */
export function kafkajsProducer(kafka: Kafka, { idempotent }: ProducerOptions): KafkaProducer {
  const producer = kafka.producer({ idempotent, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(records) {
      if (records.length === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: byTopic(records) });
    },
  };
}
