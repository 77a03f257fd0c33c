/**
 * kafkajs's own error classes, for tests of how carepath classifies what the client throws (the
 * bridge's retries, the outbox's refusals read their names and fields). The only raw kafkajs import
 * outside activities/kafka: a test of that classification needs the client's real errors, not copies.
 */
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
export { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
