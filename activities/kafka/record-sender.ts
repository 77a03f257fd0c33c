/**
 * The Kafka client as activities and the bridge see it: records in, all accepted or an error out.
 * Only the files of activities/kafka know kafkajs (an ESLint rule keeps it so), so another client
 * can replace it there alone.
 */

/** One record as carepath produces it: keyed by client id, so each client's records stay in order. */
export interface OutboundRecord {
  topic: string;
  /** Bytes are copied as they came (dead letters); null only for a dead letter of an unkeyed message. */
  key: string | Buffer | null;
  /** Null only for a dead letter whose original value was too large to copy. */
  value: string | Buffer | null;
  headers: Readonly<Record<string, string>>;
}

export interface RecordSender {
  /**
   * Sends every record in one call, acknowledged by all in-sync replicas. Rejects unless every
   * record was accepted, so the caller (an activity, the bridge) retries the whole call; a
   * retried record keeps its id, which consumers de-duplicate on.
   */
  send(records: readonly OutboundRecord[]): Promise<void>;
}
