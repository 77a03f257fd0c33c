import type {
  CoordinatorCommand,
  EpisodeState,
  LevelOfCare,
  ProgramDefinition,
  Proposal,
  StaffActor,
} from '../schemas';
// From its own module, not the index: each journey evaluates every schema module it imports.
import { levelsOfCare } from '../schemas/levels';
import { alreadySeen, rememberId } from './dedup';
import { checkDischarge, discharge } from './discharge';
import { DecisionDraft, type Decision } from './draft';
import { applyOrPropose, carryOutAction } from './rule-actions';
import {
  ApprovalNotPermitted,
  EpisodeNotActive,
  PathwayError,
  ProposalAlreadyPending,
  ProposalNotFound,
} from './errors';
import { offersLevel } from './ladder';
import { requireProgram } from './guards';
import { closeProposals, confirmProposal } from './proposals';
import { followsRevision } from './revision';
import { isIntegration } from '../schemas/actors';
import { checkTransition } from './transitions';
import { closeEndedWeeks } from './week';

type ProposalDecision = Extract<CoordinatorCommand, { type: 'transition-approved' | 'transition-rejected' }>;

/**
 * Whether the staff member may decide the proposal: the proposal's approver or escalation role, and
 * never the one who opened it (four eyes). Throws ApprovalNotPermitted saying why not.
 */
export const checkDecider = (state: EpisodeState, proposal: Proposal, decider: StaffActor): void => {
  const allowedRoles = [proposal.approverRole, proposal.escalateTo];
  const byIntegration = followsRevision(state, 3) && isIntegration(decider);
  if (byIntegration || !allowedRoles.includes(decider.role))
    throw new ApprovalNotPermitted(proposal.proposalId, 'role-not-allowed', allowedRoles);
  // Four eyes: a coordinator's own request is decided by someone else.
  if (proposal.openedBy.staffId === decider.staffId)
    throw new ApprovalNotPermitted(proposal.proposalId, 'own-proposal', allowedRoles);
  // An integration's proposal needs two people: the one who confirmed it cannot also carry it out.
  if (proposal.confirmedBy?.staffId === decider.staffId)
    throw new ApprovalNotPermitted(proposal.proposalId, 'confirmed-by-you', allowedRoles);
};

/** The proposal a decision refers to, once the deciding staff member is allowed to decide it. */
const decidableProposal = (state: EpisodeState, command: ProposalDecision): Proposal => {
  const proposal = state.pendingProposals.find((p) => p.proposalId === command.proposalId);
  if (!proposal)
    throw new ProposalNotFound(
      command.proposalId,
      state.pendingProposals.map((p) => p.proposalId),
    );
  checkDecider(state, proposal, command.issuedBy);
  return proposal;
};

/** A request to move to `target`: allowed by the program's transitions now, and not already awaiting approval. */
const checkTransitionRequest = (
  state: EpisodeState,
  program: ProgramDefinition,
  target: LevelOfCare,
  now: string,
  withOverride: boolean,
): void => {
  checkTransition(state, program, target, now, withOverride);
  const pending = state.pendingProposals.find(
    (p) => p.action.type === 'level-change' && p.action.to === target,
  );
  if (pending) throw new ProposalAlreadyPending(pending.proposalId);
};

/**
 * Every other level the program offers, each with whether a transition request (without an
 * override reason) would be accepted now, or the refusal it would get: the checks of validateCommand.
 */
export const transitionOptions = (
  state: EpisodeState,
  program: ProgramDefinition,
  now: string,
): { level: LevelOfCare; refusal: PathwayError | null }[] =>
  levelsOfCare
    .filter((level) => level !== state.level && offersLevel(program, level))
    .map((level) => {
      try {
        requireProgram(state, program);
        if (state.status === 'discharged') throw new EpisodeNotActive(state.episodeId);
        checkTransitionRequest(state, program, level, now, false);
        return { level, refusal: null };
      } catch (error) {
        if (error instanceof PathwayError) return { level, refusal: error };
        throw error;
      }
    });

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
    case 'transition-requested':
      checkTransitionRequest(
        state,
        program,
        command.targetLevel,
        now,
        command.overrideReasonCode !== undefined,
      );
      return;
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
    default:
      // Fails to compile until a new command is checked above.
      command satisfies never;
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
    default:
      // Fails to compile until a new command is applied above.
      command satisfies never;
  }
  return draft.done();
};
