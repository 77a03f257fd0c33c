import { z } from 'zod';
import { identifierSchema, staffActorSchema } from './actors';
import { reasonCodeSchema } from './codes';
import { programDefinitionSchema } from './program';

/**
 * Moves a running episode to a newer version of its program (an Update of the journey workflow).
 * Not one of the coordinator commands the care rules apply: it carries the new version in full,
 * since the workflow has no file system, taken from the registry the caller loaded and validated.
 */
export const programVersionChangeCommandSchema = z.object({
  /** Unique per command; a repeated commandId changes nothing. */
  commandId: identifierSchema,
  issuedBy: staffActorSchema,
  type: z.literal('program-version-changed'),
  reasonCode: reasonCodeSchema,
  program: programDefinitionSchema,
});
export type ProgramVersionChangeCommand = z.infer<typeof programVersionChangeCommandSchema>;
