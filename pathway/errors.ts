import type { LevelOfCare } from '../schemas';

/** Base of every refusal the pathway core raises; the message says what to do next. */
export class PathwayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type AdmissionRefusalReason =
  | 'below-minimum-age'
  | 'above-maximum-age'
  | 'intake-drug-test-missing'
  | 'intake-physical-exam-missing'
  | 'not-an-entry-level'
  | 'withdrawal-risk'
  | 'co-occurring-mental-illness'
  | 'step-down-entry-only'
  | 'stand-alone-criteria-not-met'
  | 'no-matching-cohort'
  | 'backdated-too-far';

export class AdmissionRefused extends PathwayError {
  constructor(
    readonly reason: AdmissionRefusalReason,
    /** The level to refer the client to first, when the refusal names one. */
    readonly referTo: LevelOfCare | null,
    /** What would be accepted instead (entry levels, step-down origins or indications). */
    readonly accepted: readonly string[],
    next: string,
  ) {
    super(`Admission refused (${reason}): ${next}`);
  }
}

export type TransitionRefusalReason =
  'same-level' | 'not-allowed-from-level' | 'minimum-stay-not-served' | 'level-not-offered';

export class TransitionRefused extends PathwayError {
  constructor(
    readonly reason: TransitionRefusalReason,
    readonly from: LevelOfCare,
    readonly requested: LevelOfCare,
    readonly allowedTargets: readonly LevelOfCare[],
  ) {
    super(
      `Transition ${from} -> ${requested} refused (${reason}); request one of: ${allowedTargets.join(', ') || 'none at this time'}.`,
    );
  }
}

export class ProposalAlreadyPending extends PathwayError {
  constructor(readonly proposalId: string) {
    super(
      `The same change is already awaiting approval as proposal ${proposalId}: approve or reject that one.`,
    );
  }
}

export class ProposalNotFound extends PathwayError {
  constructor(
    readonly proposalId: string,
    readonly pendingProposalIds: readonly string[],
  ) {
    super(
      `No pending proposal ${proposalId}; pending: ${pendingProposalIds.join(', ') || 'none'} (it may have been decided or superseded).`,
    );
  }
}

export class ApprovalNotPermitted extends PathwayError {
  constructor(
    readonly proposalId: string,
    readonly reason: 'role-not-allowed' | 'own-proposal',
    readonly allowedRoles: readonly string[],
  ) {
    super(
      reason === 'own-proposal'
        ? `Proposal ${proposalId} must be decided by someone other than the staff member who requested it.`
        : `Proposal ${proposalId} can be decided only by: ${allowedRoles.join(', ')}.`,
    );
  }
}

export class DischargeRefused extends PathwayError {
  constructor(
    readonly kind: string,
    readonly missingMilestoneId: string,
  ) {
    super(
      `A '${kind}' discharge needs milestone '${missingMilestoneId}' (the written future plan) recorded first.`,
    );
  }
}

export class EpisodeNotActive extends PathwayError {
  constructor(readonly episodeId: string) {
    super(`Episode ${episodeId} is discharged; a readmission starts a new episode with admit().`);
  }
}

export class ProgramMismatch extends PathwayError {
  constructor(
    readonly episodeProgramId: string,
    readonly givenProgramId: string,
  ) {
    super(
      `Episode belongs to program '${episodeProgramId}' but '${givenProgramId}' was given: pass the episode's program.`,
    );
  }
}

export class LevelNotInProgram extends PathwayError {
  constructor(
    readonly level: LevelOfCare,
    readonly programId: string,
  ) {
    super(`Program '${programId}' has no plan for level '${level}': add it to the program definition.`);
  }
}

/** An event dated before the episode's admission: it belongs to an earlier episode, or its date is wrong. */
export class EventBeforeAdmission extends PathwayError {
  constructor(
    readonly eventId: string,
    readonly occurredAt: string,
    readonly admittedAt: string,
  ) {
    // Identifiers only: the message is also a dead letter's detail; the dates travel as fields.
    super(
      `Event ${eventId} is dated before this episode's admission: correct its date, or leave it with ` +
        'the earlier episode it belongs to.',
    );
  }
}

/** An event id the episode already applied, sent again with different content. */
export class EventIdConflict extends PathwayError {
  constructor(readonly eventId: string) {
    super(
      `Event id ${eventId} was already applied with different content: send a correction under a new event id.`,
    );
  }
}
