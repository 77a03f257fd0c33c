import type { LevelOfCare } from '../schemas';
import type { DeadLetterReason } from '../schemas/contract/dead-letters';

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
  | 'prescribed-hours-out-of-range'
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
  | 'same-level'
  | 'not-allowed-from-level'
  | 'minimum-stay-not-served'
  | 'typical-stay-override-needed'
  | 'level-not-offered';

export class TransitionRefused extends PathwayError {
  constructor(
    readonly reason: TransitionRefusalReason,
    readonly from: LevelOfCare,
    readonly requested: LevelOfCare,
    readonly allowedTargets: readonly LevelOfCare[],
  ) {
    super(
      reason === 'typical-stay-override-needed'
        ? `Transition ${from} -> ${requested} refused (${reason}): the typical stay at ${from} is not over; give an overrideReasonCode saying why to step down now.`
        : `Transition ${from} -> ${requested} refused (${reason}); request one of: ${allowedTargets.join(', ') || 'none at this time'}.`,
    );
  }
}

export class PrescriptionOutOfRange extends PathwayError {
  constructor(
    readonly level: LevelOfCare,
    readonly weeklyHours: number,
    /** The level's floor and ceiling, or null where the level counts no weekly hours. */
    readonly range: { floor: number; ceiling: number } | null,
  ) {
    super(
      range
        ? `${weeklyHours} weekly hours is outside ${level}'s ${range.floor}-${range.ceiling}: prescribe within it.`
        : `${level} counts no weekly hours: nothing to prescribe there.`,
    );
  }
}

export class MilestoneNotInPlan extends PathwayError {
  constructor(
    readonly milestoneId: string,
    readonly level: LevelOfCare,
    /** The milestones the current level's plan has. */
    readonly plannedMilestoneIds: readonly string[],
  ) {
    super(
      `Milestone '${milestoneId}' is not in the ${level} plan; record one of: ${plannedMilestoneIds.join(', ') || 'none (this level has no milestones)'}.`,
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

const approvalRefusalMessages = {
  'own-proposal': (proposalId: string) =>
    `Proposal ${proposalId} must be decided by someone other than the staff member who requested it.`,
  'role-not-allowed': (proposalId: string, allowedRoles: readonly string[]) =>
    `Proposal ${proposalId} can be decided only by: ${allowedRoles.join(', ')}.`,
  'confirmed-by-you': (proposalId: string) =>
    `Proposal ${proposalId} was opened by an integration and you confirmed it: another staff member must approve it (four eyes).`,
} satisfies Record<
  ApprovalNotPermitted['reason'],
  (proposalId: string, allowedRoles: readonly string[]) => string
>;

export class ApprovalNotPermitted extends PathwayError {
  constructor(
    readonly proposalId: string,
    readonly reason: 'role-not-allowed' | 'own-proposal' | 'confirmed-by-you',
    readonly allowedRoles: readonly string[],
  ) {
    super(approvalRefusalMessages[reason](proposalId, allowedRoles));
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

export type LateEventRefusalReason = 'past-correction-window' | 'before-episode';

/** A session dated too long ago to correct its week (or before the episode began): it is refused, not lost. */
export class LateEventRefused extends PathwayError {
  constructor(
    readonly reason: LateEventRefusalReason,
    readonly occurredAt: string,
    /** The earliest instant a session may still be recorded at. */
    readonly oldestCorrectable: string,
    readonly correctionWindowDays: number,
  ) {
    super(
      reason === 'past-correction-window'
        ? `A session at ${occurredAt} is older than the program's ${correctionWindowDays}-day correction window (sessions from ${oldestCorrectable} on are applied): correct it in the EHR and billing directly.`
        : `A session at ${occurredAt} is before this episode began: check the date, or record it against the episode it belongs to.`,
    );
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

/**
 * An event the episode refused before (or the bridge refused while the episode was open), read or
 * sent again under the same id: its verdict holds, whatever the episode's state is now.
 */
export class EventRefusedBefore extends PathwayError {
  constructor(
    readonly eventId: string,
    readonly reason: DeadLetterReason,
  ) {
    super(
      `Event ${eventId} was refused before (${reason}) and is refused again: send a correction under a new event id.`,
    );
  }
}

export type ImportRefusalReason =
  'level-not-offered' | 'level-since-in-future' | 'milestone-not-in-plan' | 'aftercare-already-complete';

/** A client already in care whose import the program refuses; the message says what to change. */
export class ImportRefused extends PathwayError {
  constructor(
    readonly reason: ImportRefusalReason,
    next: string,
  ) {
    super(`Import refused (${reason}): ${next}`);
  }
}

/** A move to another program version that would not be a move forward within the same program. */
export class ProgramVersionRefused extends PathwayError {
  constructor(
    readonly reason: 'not-newer',
    readonly currentVersion: number,
    readonly requestedVersion: number,
  ) {
    super(
      `Program version ${requestedVersion} is not newer than the episode's version ${currentVersion}: ` +
        'add a newer version of the program file, or leave the episode where it is.',
    );
  }
}

/**
 * Every refusal the care rules raise, by the name it carries (and a journey answers with as its
 * failure type): the one list callers map refusals from, so a new one fails to compile there.
 */
export const pathwayRefusals = {
  AdmissionRefused,
  TransitionRefused,
  PrescriptionOutOfRange,
  MilestoneNotInPlan,
  ProposalAlreadyPending,
  ProposalNotFound,
  ApprovalNotPermitted,
  DischargeRefused,
  EpisodeNotActive,
  ProgramMismatch,
  LevelNotInProgram,
  LateEventRefused,
  EventBeforeAdmission,
  EventIdConflict,
  EventRefusedBefore,
  ImportRefused,
  ProgramVersionRefused,
} as const;
export type PathwayRefusal = keyof typeof pathwayRefusals;

/** The dead-letter reason of a refusal by the care rules. */
export function refusalReason(error: PathwayError): DeadLetterReason {
  if (error instanceof EventBeforeAdmission) return 'event-before-admission';
  if (error instanceof EventIdConflict) return 'event-id-conflict';
  if (error instanceof EventRefusedBefore) return error.reason;
  return 'event-refused';
}
