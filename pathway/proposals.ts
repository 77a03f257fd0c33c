import type { Actor, Proposal, ProposedAction, ReasonCode, StaffActor } from '../schemas';
import type { DecisionDraft } from './draft';

export const sameAction = (a: ProposedAction, b: ProposedAction): boolean =>
  a.type === 'level-change'
    ? b.type === 'level-change' && a.to === b.to
    : b.type === 'discharge' && a.kind === b.kind;

export const pendingProposalFor = (draft: DecisionDraft, action: ProposedAction): Proposal | undefined =>
  draft.state.pendingProposals.find((p) => sameAction(p.action, action));

/** Removes proposals from the pending list with a decision effect and cancels their deadlines. */
export const closeProposals = (
  draft: DecisionDraft,
  proposals: readonly Proposal[],
  decision: 'approved' | 'rejected' | 'superseded',
  reasonCode: ReasonCode,
  actor: Actor,
): void => {
  const closing = new Set(proposals.map((p) => p.proposalId));
  draft.update({ pendingProposals: draft.state.pendingProposals.filter((p) => !closing.has(p.proposalId)) });
  for (const proposalId of closing) {
    draft.cancelTimers((t) => t.kind === 'proposal-deadline' && t.subject === proposalId);
    draft.emit({ type: 'proposal-decided', proposalId, decision, reasonCode, actor });
  }
};

/** Proposals made obsolete by a change (all of them on discharge, level changes on a transition). */
export const supersedeProposals = (
  draft: DecisionDraft,
  matches: (p: Proposal) => boolean,
  actor: Actor,
): void => {
  closeProposals(draft, draft.state.pendingProposals.filter(matches), 'superseded', 'superseded', actor);
};

/** Past its deadline a proposal stays open and is escalated once to the policy's escalation role. */
export const escalateProposal = (draft: DecisionDraft, proposalId: string): void => {
  const proposal = draft.state.pendingProposals.find((p) => p.proposalId === proposalId);
  if (!proposal || proposal.escalated) return;
  draft.update({
    pendingProposals: draft.state.pendingProposals.map((p) =>
      p.proposalId === proposalId ? { ...p, escalated: true } : p,
    ),
  });
  draft.notifyRole(proposal.escalateTo, 'approval-overdue');
};

/** A staff member confirms a proposal an integration opened; the approver role is asked for the second approval. */
export const confirmProposal = (draft: DecisionDraft, proposalId: string, confirmedBy: StaffActor): void => {
  const proposal = draft.state.pendingProposals.find((p) => p.proposalId === proposalId);
  if (!proposal) return;
  draft.update({
    pendingProposals: draft.state.pendingProposals.map((p) =>
      p.proposalId === proposalId ? { ...p, confirmedBy } : p,
    ),
  });
  draft.notifyRole(proposal.approverRole, 'approval-waiting');
};
