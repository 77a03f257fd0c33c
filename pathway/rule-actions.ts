import type { Actor, PolicyRule, Proposal, ProposedAction, ReasonCode } from '../schemas';
import { dischargeOrFlag } from './discharge';
import type { DecisionDraft } from './draft';
import { pendingProposalFor } from './proposals';
import { addHours } from './time';
import { changeLevel } from './transitions';

/** Carries out an action now, on behalf of the rule that called for it. */
export const carryOutAction = (
  draft: DecisionDraft,
  rule: PolicyRule,
  action: ProposedAction,
  reasonCode: ReasonCode,
  actor: Actor,
): void => {
  if (action.type === 'level-change') changeLevel(draft, action.to, reasonCode, rule, actor);
  else dischargeOrFlag(draft, { kind: action.kind, reasonCode, rule, actor });
};

/**
 * Applies a rule's action at once or opens a proposal for approval, as the program's policy for
 * that rule says. A proposal already open for the same action is not opened twice.
 */
export const applyOrPropose = (
  draft: DecisionDraft,
  rule: PolicyRule,
  action: ProposedAction,
  reasonCode: ReasonCode,
): void => {
  if (pendingProposalFor(draft, action)) return;
  const policy = draft.program.rulePolicies[rule];
  if (policy.mode === 'apply') {
    carryOutAction(draft, rule, action, reasonCode, draft.actor);
    return;
  }
  // The proposal is named after the effect that opens it, so its id is as deterministic as the effect's.
  const proposal: Proposal = {
    proposalId: draft.nextEffectId(),
    rule,
    reasonCode,
    action,
    openedBy: draft.actor,
    openedAt: draft.at,
    deadline: addHours(draft.at, policy.approvalDeadlineHours),
    approverRole: policy.approverRole,
    escalateTo: policy.escalateTo,
    escalated: false,
  };
  draft.emit({ type: 'proposal-opened', proposal });
  draft.update({ pendingProposals: [...draft.state.pendingProposals, proposal] });
  draft.armTimer('proposal-deadline', proposal.deadline, proposal.proposalId);
  draft.notifyRole(proposal.approverRole, 'approval-waiting');
};
