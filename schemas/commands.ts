import { z } from 'zod';
import { identifierSchema, staffActorSchema } from './actors';
import { dischargeKindSchema, reasonCodeSchema } from './codes';
import { levelOfCareSchema } from './levels';

/** Commands a care coordinator issues; the engine validates them against the episode and the program. */

const commandBase = {
  /** Unique per command; a repeated commandId changes nothing. */
  commandId: identifierSchema,
  issuedBy: staffActorSchema,
};

export const transitionRequestedCommandSchema = z.object({
  ...commandBase,
  type: z.literal('transition-requested'),
  targetLevel: levelOfCareSchema,
  reasonCode: reasonCodeSchema,
});

export const transitionApprovedCommandSchema = z.object({
  ...commandBase,
  type: z.literal('transition-approved'),
  proposalId: identifierSchema,
});

export const transitionRejectedCommandSchema = z.object({
  ...commandBase,
  type: z.literal('transition-rejected'),
  proposalId: identifierSchema,
  reasonCode: reasonCodeSchema,
});

export const dischargeCommandSchema = z.object({
  ...commandBase,
  type: z.literal('discharge'),
  kind: dischargeKindSchema,
  reasonCode: reasonCodeSchema,
});

export const coordinatorCommandSchema = z.discriminatedUnion('type', [
  transitionRequestedCommandSchema,
  transitionApprovedCommandSchema,
  transitionRejectedCommandSchema,
  dischargeCommandSchema,
]);

export type CoordinatorCommand = z.infer<typeof coordinatorCommandSchema>;
export type TransitionRequestedCommand = z.infer<typeof transitionRequestedCommandSchema>;
export type TransitionApprovedCommand = z.infer<typeof transitionApprovedCommandSchema>;
export type TransitionRejectedCommand = z.infer<typeof transitionRejectedCommandSchema>;
export type DischargeCommand = z.infer<typeof dischargeCommandSchema>;
