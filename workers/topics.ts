import type { KafkaAdmin } from '../activities/kafka/admin';
import type { Topics } from '../schemas/contract';

/**
 * Creates carepath's topics that are missing, and leaves existing ones as they are (their
 * partition count is the contract with consumers' ordering; changing it is an operator's decision).
 * Replicated three times where the cluster has three brokers, with two in-sync replicas required
 * for a write, so an acknowledged event survives the loss of a broker.
 */
export async function ensureTopics(admin: KafkaAdmin, topics: Topics, partitions: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(Object.values(topics))].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  const replicationFactor = Math.min(3, await admin.brokerCount());
  await admin.createTopics(
    missing.map((topic) => ({
      topic,
      partitions,
      replicationFactor,
      config: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) },
    })),
  );
  return missing;
}
