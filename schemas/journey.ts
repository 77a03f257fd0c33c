import { z } from 'zod';
import { effectSchema } from './effects';
import { episodeStateSchema } from './episode';
import { growingStateParts } from './episode-snapshot';
import { admittedEventSchema } from './events';
import { unsentOutboxSchema } from './outbox';
import { outboxSettingsDefaults } from './engine-defaults';
import { importedClientSchema } from './imports';
import { programDefinitionSchema } from './program';
import { identifierSchema } from './actors';
import { deadLetterReasonSchema } from './contract/dead-letters';

/**
 * What crosses the boundary of the journey workflow: its start input (first run and every
 * continue-as-new), and what its Updates answer.
 */

/** Engine settings, not clinical rules: how the workflow manages its own history. */
export const journeySettingsSchema = z.object({
  /**
   * Continue-as-new after this many applied inputs (events, commands, timers), at the next moment
   * nothing is being sent or handled, even if the server has not suggested it: a short run replays
   * quickly when a worker has to rebuild the journey.
   */
  continueAsNewAfter: z.number().int().min(10).default(100),
  failedSendRoundsBeforeContinueAsNew: z
    .number()
    .int()
    .min(1)
    .default(outboxSettingsDefaults.failedSendRoundsBeforeContinueAsNew),
  sendRetryFirstSeconds: z.number().min(0.1).default(outboxSettingsDefaults.sendRetryFirstSeconds),
  sendRetryMaxSeconds: z.number().min(1).default(outboxSettingsDefaults.sendRetryMaxSeconds),
  maxItemsPerSend: z.number().int().min(1).default(outboxSettingsDefaults.maxItemsPerSend),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;

export const episodeWorkflowInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('admission'),
    admission: admittedEventSchema,
    /** The program as it stood at admission: the episode keeps these rules for its whole run. */
    program: programDefinitionSchema,
    settings: journeySettingsSchema,
  }),
  z.object({
    kind: z.literal('import'),
    /** A client already in care, started where the client is (pathway/import.ts). */
    imported: importedClientSchema,
    program: programDefinitionSchema,
    settings: journeySettingsSchema,
  }),
  z.object({
    kind: z.literal('continued'),
    state: episodeStateSchema,
    program: programDefinitionSchema,
    settings: journeySettingsSchema,
    /** What was not yet sent; absent in inputs from before the outbox was carried. */
    outbox: unsentOutboxSchema.optional(),
  }),
]);
export type EpisodeWorkflowInput = z.infer<typeof episodeWorkflowInputSchema>;

/** The episode as an Update answers it: its state without the parts that grow with the run. */
export const episodeSnapshotSchema = episodeStateSchema.omit(
  Object.fromEntries(growingStateParts.map((part) => [part, true])) as Record<
    (typeof growingStateParts)[number],
    true
  >,
);

/**
 * What an Update answers: the episode after the command, and the effects it caused. Answers of
 * journeys recorded before carry the whole state; `snapshotOf` reads both alike.
 */
export const commandOutcomeSchema = z.object({
  state: episodeSnapshotSchema,
  effects: z.array(effectSchema),
});
export type CommandOutcome = z.infer<typeof commandOutcomeSchema>;

/**
 * The `eventRefused` signal: the bridge refused this event (e.g. an admission while the episode is
 * open) and the episode remembers so, beside the ids it applied, so reading it again refuses it again.
 */
export const eventRefusalSchema = z.object({
  eventId: identifierSchema,
  /** `contentDigest` of the event: the same id with other content is not this refusal. */
  digest: z.string().regex(/^[0-9a-f]{16}$/),
  reason: deadLetterReasonSchema,
});
export type EventRefusal = z.infer<typeof eventRefusalSchema>;
