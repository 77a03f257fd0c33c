import type { CoordinatorCommand, EpisodeState, ProgramDefinition, Proposal } from '../schemas';
import { alreadySeen, rememberId } from './dedup';
import { checkDischarge, discharge } from './discharge';
import { DecisionDraft, type Decision } from './draft';
import { applyOrPropose, carryOutAction } from './rule-actions';
import { ApprovalNotPermitted, EpisodeNotActive, ProposalAlreadyPending, ProposalNotFound } from './errors';
import { requireProgram } from './guards';
import { closeProposals, confirmProposal } from './proposals';
import { followsRevision } from './revision';
import { isIntegration } from '../schemas/actors';
import { checkTransition } from './transitions';
import { closeEndedWeeks } from './week';

type ProposalDecision = Extract<CoordinatorCommand, { type: 'transition-approved' | 'transition-rejected' }>;

/** The proposal a decision refers to, once the deciding staff member is allowed to decide it. */
const decidableProposal = (state: EpisodeState, command: ProposalDecision): Proposal => {
  const proposal = state.pendingProposals.find((p) => p.proposalId === command.proposalId);
  if (!proposal)
    throw new ProposalNotFound(
      command.proposalId,
      state.pendingProposals.map((p) => p.proposalId),
    );
  const allowedRoles = [proposal.approverRole, proposal.escalateTo];
  const byIntegration = followsRevision(state, 3) && isIntegration(command.issuedBy);
  if (byIntegration || !allowedRoles.includes(command.issuedBy.role))
    throw new ApprovalNotPermitted(proposal.proposalId, 'role-not-allowed', allowedRoles);
  // Four eyes: a coordinator's own request is decided by someone else.
  if (proposal.openedBy.staffId === command.issuedBy.staffId)
    throw new ApprovalNotPermitted(proposal.proposalId, 'own-proposal', allowedRoles);
  if (proposal.confirmedBy?.staffId === command.issuedBy.staffId)
    throw new ApprovalNotPermitted(proposal.proposalId, 'confirmed-by-you', allowedRoles);
  return proposal;
};

/** Whether approving this proposal only confirms it: an integration opened it and no one confirmed it yet. */
const awaitsConfirmation = (state: EpisodeState, proposal: Proposal): boolean =>
  followsRevision(state, 3) && isIntegration(proposal.openedBy) && proposal.confirmedBy === undefined;

/**
 * Checks a command against the episode and the program without applying it (Temporal Update
 * validators call this). Throws a typed PathwayError that says what would be accepted.
 */
export const validateCommand = (
  state: EpisodeState,
  command: CoordinatorCommand,
  program: ProgramDefinition,
  now: string,
): void => {
  requireProgram(state, program);
  if (alreadySeen(state, command.commandId)) return;
  if (state.status === 'discharged') throw new EpisodeNotActive(state.episodeId);
  switch (command.type) {
    case 'transition-requested': {
      checkTransition(state, program, command.targetLevel, now, command.overrideReasonCode !== undefined);
      const pending = state.pendingProposals.find(
        (p) => p.action.type === 'level-change' && p.action.to === command.targetLevel,
      );
      if (pending) throw new ProposalAlreadyPending(pending.proposalId);
      return;
    }
    case 'transition-approved': {
      const proposal = decidableProposal(state, command);
      if (proposal.action.type === 'discharge' && !awaitsConfirmation(state, proposal))
        checkDischarge(state, program, proposal.action.kind);
      return;
    }
    case 'transition-rejected':
      decidableProposal(state, command);
      return;
    case 'discharge':
      checkDischarge(state, program, command.kind);
      return;
  }
};

/** Validates and applies a coordinator command at `now`; a repeated commandId changes nothing. */
export const applyCommand = (
  state: EpisodeState,
  command: CoordinatorCommand,
  program: ProgramDefinition,
  now: string,
): Decision => {
  validateCommand(state, command, program, now);
  if (alreadySeen(state, command.commandId)) return { state, effects: [] };
  const actor = command.issuedBy;
  const draft = new DecisionDraft(state, program, now, actor);
  rememberId(draft, command.commandId, program);
  closeEndedWeeks(draft, now);
  switch (command.type) {
    case 'transition-requested':
      applyOrPropose(
        draft,
        'coordinator-request',
        { type: 'level-change', from: state.level, to: command.targetLevel },
        command.overrideReasonCode ?? command.reasonCode,
      );
      break;
    case 'transition-approved': {
      const proposal = decidableProposal(state, command);
      if (awaitsConfirmation(state, proposal)) {
        confirmProposal(draft, proposal.proposalId, actor);
        break;
      }
      closeProposals(draft, [proposal], 'approved', proposal.reasonCode, actor);
      carryOutAction(draft, proposal.rule, proposal.action, proposal.reasonCode, actor);
      break;
    }
    case 'transition-rejected':
      closeProposals(draft, [decidableProposal(state, command)], 'rejected', command.reasonCode, actor);
      break;
    case 'discharge':
      discharge(draft, {
        kind: command.kind,
        reasonCode: command.reasonCode,
        rule: 'discharge-request',
        actor,
      });
      break;
  }
  return draft.done();
};
