import { z } from 'zod';

/**
 * Why an inbound message landed in `carepath.client-events.dlq.v1`. The record keeps the original
 * key and value (except when too large: then it stays only in the source topic, at the offset the
 * headers give) and says why and where it came from in headers.
 */
export const deadLetterReasonSchema = z.enum([
  /** Larger than CAREPATH_MAX_INBOUND_MESSAGE_BYTES. */
  'message-too-large',
  'invalid-json',
  /** Not a valid inbound CloudEvent or client event; the detail lists each problem's path. */
  'invalid-event',
  /** The record key is not the event's client id, so the client's events could arrive out of order. */
  'key-mismatch',
  'no-open-episode',
  /** A different admission while the client's episode is open. */
  'episode-already-open',
  'admission-refused',
  'unknown-program',
]);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

export const deadLetterHeaders = {
  reason: 'carepath-dlq-reason',
  detail: 'carepath-dlq-detail',
  topic: 'carepath-dlq-original-topic',
  partition: 'carepath-dlq-original-partition',
  offset: 'carepath-dlq-original-offset',
} as const;

/** The headers of a dead letter; the detail names paths, codes and identifiers only, never values. */
export const deadLetterHeadersSchema = z.object({
  [deadLetterHeaders.reason]: deadLetterReasonSchema,
  [deadLetterHeaders.detail]: z.string().meta({ description: 'What was wrong, and what to do next.' }),
  [deadLetterHeaders.topic]: z.string(),
  [deadLetterHeaders.partition]: z.string().regex(/^\d+$/),
  [deadLetterHeaders.offset]: z.string().regex(/^\d+$/),
});
export type DeadLetterHeaders = z.infer<typeof deadLetterHeadersSchema>;
