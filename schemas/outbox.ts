import { z } from 'zod';
// From the modules themselves, not the contract's index: the journey workflow imports this module and
// evaluates what it imports for every journey it creates or replays, which the inbound and outbound
// message schemas, unused there, made costlier.
import { deadLetterReasonSchema, parkedEffectReasonSchema } from './contract/dead-letters';
import { outboundStreams } from './contract/topics';
import { effectSchema } from './effects';

/**
 * What waits in a journey's outbox: effects to publish, effects parked for the outbound dead-letter
 * topic, and inbound events the journey refused, for the inbound dead-letter topic. Carried across
 * continue-as-new while Kafka is away, so it is plain JSON.
 */
export const outboxItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('effect'), effect: effectSchema }),
  z.object({
    kind: z.literal('parked'),
    effect: effectSchema,
    /** The stream the effect was meant for. */
    stream: z.enum(outboundStreams),
    reason: parkedEffectReasonSchema,
    detail: z.string(),
  }),
  z.object({
    kind: z.literal('inbound-dead-letter'),
    eventId: z.string().nullable(),
    /** The event as the journey received it (it may not be a valid client event). */
    event: z.unknown(),
    reason: deadLetterReasonSchema,
    detail: z.string(),
  }),
]);
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The unsent part of an outbox, carried across continue-as-new and into a discharged episode's outbox run. */
export const unsentOutboxSchema = z.object({
  items: z.array(outboxItemSchema),
  /** Consecutive rounds whose sends failed, so the pause between rounds keeps growing. */
  failedRounds: z.number().int().min(0),
});
export type UnsentOutbox = z.infer<typeof unsentOutboxSchema>;
