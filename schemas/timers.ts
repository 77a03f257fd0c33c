import { z } from 'zod';
import { identifierSchema } from './actors';
import { isoInstantSchema } from './time';

/** Timers are data: the workflow arms each by id at an absolute instant and hands it back to the core when it fires. */
export const timerKindSchema = z.enum([
  'weekly-hours-review',
  'no-contact-deadline',
  'proposal-deadline',
  'authorization-expiry-reminder',
  'aftercare-check-in',
  'aftercare-completion',
  'minimum-stay-reached',
  'maximum-stay-reached',
]);
export type TimerKind = z.infer<typeof timerKindSchema>;

export const timerSchema = z.object({
  timerId: identifierSchema,
  kind: timerKindSchema,
  fireAt: isoInstantSchema,
  /** What the timer is about (a proposal id, an authorization ref), or null for the episode itself. */
  subject: identifierSchema.nullable(),
});
export type Timer = z.infer<typeof timerSchema>;

/** What the workflow passes to `onTimer`: the timer as it was armed. */
export const timerFiredSchema = timerSchema;
export type TimerFired = z.infer<typeof timerFiredSchema>;
