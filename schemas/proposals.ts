import { z } from 'zod';
import { actorSchema, identifierSchema, staffActorSchema, staffRoleSchema } from './actors';
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
  /**
   * The staff member who confirmed a proposal an integration opened (care rules from revision 3): a
   * feed is not a person, so such a proposal is carried out only on approval by a second, different
   * staff member. Absent until confirmed, and on every proposal a person or the engine opened.
   */
  confirmedBy: staffActorSchema.optional(),
});
export type Proposal = z.infer<typeof proposalSchema>;
