import type { Kafka } from 'kafkajs';

/** A topic to create; `config` holds topic-level settings (e.g. `min.insync.replicas`). */
export interface NewTopic {
  topic: string;
  partitions: number;
  /** The cluster's default when absent. */
  replicationFactor?: number;
  config?: Readonly<Record<string, string>>;
}

/** A partition's bounds: `low` its first offset still held, `high` the offset the next record gets. */
export interface PartitionBounds {
  partition: number;
  low: string;
  high: string;
}

/** A consumer group's committed position on a partition; `-1` when it has committed none. */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

/** What carepath asks of the cluster outside producing and consuming: topic set-up, health, lag. */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** How many brokers the cluster has; answering at all shows the cluster is reachable. */
  brokerCount(): Promise<number>;
  /** Creates the topics and waits until each partition has a leader; an existing topic is left as it is. */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  partitionBounds(topic: string): Promise<PartitionBounds[]>;
  committedOffsets(groupId: string, topic: string): Promise<CommittedOffset[]>;
}

/** A kafkajs admin client, as carepath uses one. */
export function kafkajsAdmin(kafka: Kafka): KafkaAdmin {
  const admin = kafka.admin();
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    listTopics: () => admin.listTopics(),
    brokerCount: async () => (await admin.describeCluster()).brokers.length,
    async createTopics(topics) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map(({ topic, partitions, replicationFactor, config }) => ({
          topic,
          numPartitions: partitions,
          ...(replicationFactor !== undefined && { replicationFactor }),
          ...(config && { configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }),
        })),
      });
    },
    partitionBounds: async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    async committedOffsets(groupId, topic) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (committed?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
    },
  };
}
