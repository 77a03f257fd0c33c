import { z } from 'zod';

/**
 * Why an inbound message landed in `carepath.client-events.dlq.v1`. The record keeps the original
 * key and value (except what is too large to copy: then it stays only in the source topic, at the
 * offset the headers give, and `carepath-dlq-dropped` says so) and says why and where it came from
 * in headers.
 */
export const deadLetterReasonSchema = z.enum([
  /** Larger than KAFKA_MAX_INBOUND_MESSAGE_BYTES. */
  'message-too-large',
  'invalid-json',
  /** Not a valid inbound CloudEvent or client event; the detail lists each problem's path. */
  'invalid-event',
  /** The record key is not the event's client id, so the client's events could arrive out of order. */
  'key-mismatch',
  /** occurredAt is further ahead of carepath's clock than CAREPATH_MAX_CLOCK_SKEW_SECONDS allows. */
  'event-in-future',
  'no-open-episode',
  /** A different admission while the client's episode is open. */
  'episode-already-open',
  'admission-refused',
  'unknown-program',
  /** Temporal refused the event for good (e.g. an invalid argument or a payload over its limits). */
  'temporal-refused',
  /** carepath failed on the message on every attempt: a defect to fix before producing it again. */
  'internal-error',
]);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

export const deadLetterHeaders = {
  reason: 'carepath-dlq-reason',
  detail: 'carepath-dlq-detail',
  topic: 'carepath-dlq-original-topic',
  partition: 'carepath-dlq-original-partition',
  offset: 'carepath-dlq-original-offset',
  dropped: 'carepath-dlq-dropped',
} as const;

/** The longest detail header: a few KB, so a dead letter always fits the broker's record limit. */
export const deadLetterDetailMaxLength = 2048;

/** What a dead letter did not copy from the original record, because it would not fit. */
export const droppedPartSchema = z.enum(['key', 'value', 'key,value']);
export type DroppedPart = z.infer<typeof droppedPartSchema>;

/** The headers of a dead letter; the detail names paths, codes and identifiers only, never values. */
export const deadLetterHeadersSchema = z.object({
  [deadLetterHeaders.reason]: deadLetterReasonSchema,
  [deadLetterHeaders.detail]: z.string().max(deadLetterDetailMaxLength).meta({
    description: 'What was wrong, and what to do next; a longer one is cut and ends with "… (truncated)".',
  }),
  [deadLetterHeaders.topic]: z.string(),
  [deadLetterHeaders.partition]: z.string().regex(/^\d+$/),
  [deadLetterHeaders.offset]: z.string().regex(/^\d+$/),
  [deadLetterHeaders.dropped]: droppedPartSchema.optional().meta({
    description: 'Which of the original key and value were too large to copy (they are null here).',
  }),
});
export type DeadLetterHeaders = z.infer<typeof deadLetterHeadersSchema>;
