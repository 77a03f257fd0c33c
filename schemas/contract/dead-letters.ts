import { z } from 'zod';

/**
 * Why an inbound message landed in `carepath.client-events.dlq.v1`. The record keeps the original
 * key and value (except what is too large to copy: then it stays only in the source topic, at the
 * offset the headers give, and `carepath-dlq-dropped` says so) and says why and where it came from
 * in headers. The bridge writes most; a journey writes those it refuses after the bridge handed the
 * event over (`event-before-admission`, `event-id-conflict`, `event-refused`, and `no-open-episode`
 * for an event reaching a discharged run), with the event as JSON as the value.
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
  /** The permission table (schemas/event-permissions.ts) does not let integrations send this event type. */
  'sender-not-permitted',
  /** Dated before the admission of the client's current episode (e.g. an earlier episode's event read again). */
  'event-before-admission',
  /** An event id the episode already applied, with different content. */
  'event-id-conflict',
  /** The care rules refused the event; the detail names the refusal. */
  'event-refused',
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
  /** The workflow id of the journey that refused the event (dead letters written by a journey). */
  journey: 'carepath-dlq-journey',
  dropped: 'carepath-dlq-dropped',
} as const;

/** The longest detail header: a few KB, so a dead letter always fits the broker's record limit. */
export const deadLetterDetailMaxLength = 2048;

const truncationMarker = '… (truncated)';

/** The detail as a header can carry it: at most deadLetterDetailMaxLength characters, marked when cut. */
export function cappedDetail(detail: string): string {
  if (detail.length <= deadLetterDetailMaxLength) return detail;
  return detail.slice(0, deadLetterDetailMaxLength - truncationMarker.length) + truncationMarker;
}

/** What a dead letter did not copy from the original record, because it would not fit. */
export const droppedPartSchema = z.enum(['key', 'value', 'key,value']);
export type DroppedPart = z.infer<typeof droppedPartSchema>;

/** The headers of a dead letter; the detail names paths, codes and identifiers only, never values. */
export const deadLetterHeadersSchema = z.object({
  [deadLetterHeaders.reason]: deadLetterReasonSchema,
  [deadLetterHeaders.detail]: z.string().max(deadLetterDetailMaxLength).meta({
    description: 'What was wrong, and what to do next; a longer one is cut and ends with "… (truncated)".',
  }),
  /** The origin of a message the bridge set aside; a journey's dead letter names the journey instead. */
  [deadLetterHeaders.topic]: z.string().optional(),
  [deadLetterHeaders.partition]: z.string().regex(/^\d+$/).optional(),
  [deadLetterHeaders.offset]: z.string().regex(/^\d+$/).optional(),
  [deadLetterHeaders.journey]: z.string().optional(),
  [deadLetterHeaders.dropped]: droppedPartSchema.optional().meta({
    description: 'Which of the original key and value were too large to copy (they are null here).',
  }),
});

/**
 * Why a journey parked an effect in `carepath.effects.dlq.v1` instead of publishing it: nothing a
 * retry could change. The journey goes on; an operator repairs and republishes the effect.
 */
export const parkedEffectReasonSchema = z.enum([
  /** Its record is over the broker's message size limit even alone. */
  'record-too-large',
  /** Its event fails the published schema of its type. */
  'contract-violation',
  /** The contract has no event for the effect on its stream. */
  'no-event-definition',
  /** The broker refused the record itself (e.g. invalid record), not for being away. */
  'broker-refused',
]);

export const parkedEffectHeaders = {
  reason: deadLetterHeaders.reason,
  detail: deadLetterHeaders.detail,
  /** The outbound stream the effect was meant for. */
  stream: 'carepath-dlq-stream',
  effectId: 'carepath-dlq-effect-id',
} as const;

/** The headers of a parked effect, whose value is the effect as JSON (null when too large to copy). */
export const parkedEffectHeadersSchema = z.object({
  [parkedEffectHeaders.reason]: parkedEffectReasonSchema,
  [parkedEffectHeaders.detail]: z.string().meta({ description: 'What was wrong, and what to do next.' }),
  [parkedEffectHeaders.stream]: z.string(),
  [parkedEffectHeaders.effectId]: z.string(),
});
