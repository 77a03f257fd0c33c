import { z } from 'zod';

/** Who records events, receives notifications and approves proposals. `integration` is a system feeding events over Kafka. */
export const staffRoleSchema = z.enum([
  'care-coordinator',
  'case-manager',
  'primary-counsellor',
  'medical-staff',
  'clinical-supervisor',
  'intake-clinician',
  'billing',
  'integration',
]);
export type StaffRole = z.infer<typeof staffRoleSchema>;

/** The longest identifier anywhere in carepath: the outbound contract's, and what the API routes accept. */
export const identifierMaxLength = 255;

/** An identifier, never a name: events leave the engine with the minimum necessary (42 CFR Part 2). */
export const identifierSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${identifierMaxLength - 1}}$`),
    "expected an identifier: letters, digits, '.', '_', ':' or '-'",
  );

/**
 * The longest id a client may send (event, client, session, test, authorization and command ids).
 * carepath derives longer ids from them, which must still be identifiers: `ep-<eventId>:<sequence>`
 * for effects and proposals, and timer ids `<kind>:<proposal id or authorization ref>:<instant>`.
 */
export const inboundIdentifierMaxLength = 128;

export const inboundIdentifierSchema = identifierSchema.max(
  inboundIdentifierMaxLength,
  `expected at most ${inboundIdentifierMaxLength} characters: ids carepath derives from it must fit ${identifierMaxLength}`,
);

export const staffActorSchema = z.object({ staffId: identifierSchema, role: staffRoleSchema });
export type StaffActor = z.infer<typeof staffActorSchema>;

/** The roles a person acts in: every staff role but `integration`, which only a system holds. */
export const personRoleSchema = staffRoleSchema.exclude(['integration']);

/**
 * A system that records events (an EHR feeding the inbound topic), identified by how it
 * authenticated, never by what its messages claim. It never counts as a person for four eyes.
 */
export const integrationActorSchema = z.object({
  staffId: identifierSchema,
  role: z.literal('integration'),
});
export type IntegrationActor = z.infer<typeof integrationActorSchema>;

export const isIntegration = (actor: { role: string }): boolean => actor.role === 'integration';

/** The engine itself, for changes no person made (a deadline passed, aftercare ran its course). */
export const engineActorSchema = z.object({
  staffId: z.literal('carepath-engine'),
  role: z.literal('engine'),
});
export const engineActor: z.infer<typeof engineActorSchema> = { staffId: 'carepath-engine', role: 'engine' };

/** Who made a change: a staff member or the engine. Both shapes carry staffId and role so consumers read them alike. */
export const actorSchema = z.union([staffActorSchema, engineActorSchema]);
export type Actor = z.infer<typeof actorSchema>;
