import type { Admin } from 'kafkajs';
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
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }],
    })),
  });
  return missing;
}
