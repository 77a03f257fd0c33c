import { z } from 'zod';
import { identifierSchema, staffActorSchema } from './actors';
import { codeSchema } from './codes';
import { authorizationSchema } from './episode';
import { intakeSchema } from './events';
import { levelOfCareSchema } from './levels';
import { isoDateSchema, isoInstantSchema } from './time';

/**
 * A client already in care when a provider adopts carepath: the episode starts where the client is
 * (level, since when, milestones met, authorizations) instead of replaying the months before.
 */

/** A payer authorization as the previous system holds it; the engine tracks its reminders from now. */
export const importedAuthorizationSchema = authorizationSchema
  .omit({ unitsReminderSent: true })
  .refine((a) => a.remainingUnits <= a.unitsAuthorized, {
    path: ['remainingUnits'],
    message: 'expected remaining units <= units authorized',
  })
  .refine((a) => a.startDate <= a.endDate, { path: ['endDate'], message: 'expected endDate >= startDate' });

/** The fields of an imported client; the API takes them without `importedBy`, which the token gives. */
export const importedClientFieldsSchema = z.object({
  /** Unique per imported client; importing the same id again changes nothing. */
  importId: identifierSchema,
  clientId: identifierSchema,
  programId: codeSchema,
  level: levelOfCareSchema,
  /** When the client entered care with the provider (the episode's admission). */
  inCareSince: isoInstantSchema,
  /** When the client entered the current level. */
  levelSince: isoInstantSchema,
  ageYears: intakeSchema.shape.ageYears,
  gender: intakeSchema.shape.gender,
  /** Milestones of the current level's plan already met during this stay. */
  milestonesMet: z.array(codeSchema),
  sobrietyDate: isoDateSchema.nullable(),
  authorizations: z.array(importedAuthorizationSchema),
  importedBy: staffActorSchema,
});

/** The stay at the current level began within the time in care. */
export const levelSinceInCare: [
  (c: { inCareSince: string; levelSince: string }) => boolean,
  { path: string[]; message: string },
] = [
  (c) => Date.parse(c.inCareSince) <= Date.parse(c.levelSince),
  { path: ['levelSince'], message: 'expected levelSince at or after inCareSince' },
];

export const importedClientSchema = importedClientFieldsSchema.refine(...levelSinceInCare);
export type ImportedClient = z.infer<typeof importedClientSchema>;
