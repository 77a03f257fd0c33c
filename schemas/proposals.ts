import { z } from 'zod';
import { actorSchema, identifierSchema, staffRoleSchema } from './actors';
import { dischargeKindSchema, policyRuleSchema, reasonCodeSchema } from './codes';
import { levelOfCareSchema } from './levels';
import { isoInstantSchema } from './time';

/** What a proposal would do once approved. */
export const proposedActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('level-change'), from: levelOfCareSchema, to: levelOfCareSchema }),
  z.object({ type: z.literal('discharge'), kind: dischargeKindSchema }),
]);
export type ProposedAction = z.infer<typeof proposedActionSchema>;

/** A change awaiting a coordinator's approval; past its deadline it escalates. */
export const proposalSchema = z.object({
  proposalId: identifierSchema,
  rule: policyRuleSchema,
  reasonCode: reasonCodeSchema,
  action: proposedActionSchema,
  openedBy: actorSchema,
  openedAt: isoInstantSchema,
  deadline: isoInstantSchema,
  approverRole: staffRoleSchema,
  escalateTo: staffRoleSchema,
  escalated: z.boolean(),
});
export type Proposal = z.infer<typeof proposalSchema>;
