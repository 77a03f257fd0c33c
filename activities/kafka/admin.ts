import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, KafkaJSProtocolError, type Admin, type Kafka } from 'kafkajs';

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

/** How a topic is replicated: each partition's replica count, and the writes' in-sync minimum. */
export interface TopicReplication {
  replicasPerPartition: number[];
  minInsyncReplicas: string | undefined;
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
  replication(topic: string): Promise<TopicReplication>;
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
        waitForLeaders: false,
        topics: topics.map(({ topic, partitions, replicationFactor, config }) => ({
          topic,
          numPartitions: partitions,
          ...(replicationFactor !== undefined && { replicationFactor }),
          ...(config && { configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }),
        })),
      });
      await untilLeadersKnown(
        admin,
        topics.map(({ topic }) => topic),
      );
    },
    partitionBounds: async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    async committedOffsets(groupId, topic) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (committed?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
    },
    async replication(topic) {
      const [{ topics }, configs] = await Promise.all([
        admin.fetchTopicMetadata({ topics: [topic] }),
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
        }),
      ]);
      return {
        replicasPerPartition: (topics[0]?.partitions ?? []).map((p) => p.replicas.length),
        minInsyncReplicas: configs.resources[0]?.configEntries[0]?.configValue,
      };
    },
  };
}

/**
 * A new topic reaches each broker's metadata a moment after its creation; until then the broker
 * asked says it does not host it (kafkajs' own wait gives up on that answer in a cluster).
 */
async function untilLeadersKnown(admin: Admin, topics: string[], attempts = 150) {
  for (let attempt = 1; ; attempt++) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (metadata.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      const propagating =
        error instanceof KafkaJSProtocolError &&
        ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'].includes(error.type);
      if (!propagating || attempt >= attempts) throw error;
    }
    if (attempt >= attempts) throw new Error(`no leader for every partition of ${topics.join(', ')} yet`);
    await sleep(200);
  }
}
