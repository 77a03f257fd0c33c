/** The client's errors that say the broker cannot be reached or answered too late. */
const unreachable = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * Whether this error (one link of a chain, not its causes) says Kafka is away for a while: the broker
 * unreachable or too slow, or a refusal the broker marks retriable (no leader, too few in-sync replicas).
 */
export function kafkaAway(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (unreachable.has(error.name)) return true;
  return error.name === 'KafkaJSProtocolError' && Boolean((error as { retriable?: unknown }).retriable);
}
