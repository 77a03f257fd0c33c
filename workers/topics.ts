import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaJSProtocolError, type Admin } from 'kafkajs';
import type { Topics } from '../schemas/contract';

/**
 * Creates carepath's topics that are missing, and leaves existing ones as they are (their
 * partition count is the contract with consumers' ordering; changing it is an operator's decision).
 * Replicated three times where the cluster has three brokers, with two in-sync replicas required
 * for a write, so an acknowledged event survives the loss of a broker.
 */
export async function ensureTopics(admin: Admin, topics: Topics, partitions: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(Object.values(topics))].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length);
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }],
    })),
  });
  await untilLeadersKnown(admin, missing);
  return missing;
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
