import { type ClientEvent, type EpisodeState, type ProgramDefinition } from '../schemas';
import { onAssessmentCompleted } from './assessment';
import { onSessionAttended, onSessionMissed, onSessionScheduled } from './attendance';
import { onAuthorizationUpdated } from './authorizations';
import { alreadySeen, refusedAs, rememberEvent, sighting } from './dedup';
import { dischargeOrFlag } from './discharge';
import { DecisionDraft, type Decision } from './draft';
import { EventBeforeAdmission, EventIdConflict, EventRefusedBefore } from './errors';
import { requireProgram } from './guards';
import { checkPrescription, onWeeklyHoursPrescribed } from './prescription';
import { followsRevision } from './revision';
import { onMeasurementRecorded } from './measurements';
import { checkMilestone, onMilestoneCompleted } from './milestones';
import { onDrugTestResulted, onRelapseReported } from './substance-use';
import { isBefore } from './time';
import { closeEndedWeeks, weekOfSession } from './week';

const dispatch = (draft: DecisionDraft, event: ClientEvent): void => {
  switch (event.type) {
    case 'admitted':
      draft.notify('already-admitted');
      return;
    case 'assessment-completed':
      return onAssessmentCompleted(draft, event);
    case 'session-scheduled':
      return onSessionScheduled(draft, event);
    case 'session-attended':
      return onSessionAttended(draft, event);
    case 'session-missed':
      return onSessionMissed(draft, event);
    case 'milestone-completed':
      return onMilestoneCompleted(draft, event);
    case 'drug-test-resulted':
      return onDrugTestResulted(draft, event);
    case 'relapse-reported':
      return onRelapseReported(draft, event);
    case 'measurement-recorded':
      return onMeasurementRecorded(draft, event);
    case 'weekly-hours-prescribed':
      return onWeeklyHoursPrescribed(draft, event);
    case 'authorization-updated':
      return onAuthorizationUpdated(draft, event);
    case 'discharge-requested':
      return dischargeOrFlag(draft, {
        kind: event.kind,
        reasonCode: event.reasonCode,
        rule: 'discharge-request',
        actor: event.recordedBy,
      });
    default:
      // Fails to compile until a new event type is handled above.
      event satisfies never;
  }
};

/** An event the episode remembers refusing is refused again (only states that keep refusals have any). */
const refuseAgain = (state: EpisodeState, event: ClientEvent): void => {
  const reason = refusedAs(state, event);
  if (reason) throw new EventRefusedBefore(event.eventId, reason);
};

/**
 * Checks an event against the episode and the program without applying it (the journey's Update
 * validator calls this): throws the PathwayError `applyEvent` would, saying what would be accepted.
 */
export const validateEvent = (state: EpisodeState, event: ClientEvent, program: ProgramDefinition): void => {
  requireProgram(state, program);
  if (state.status === 'discharged') return;
  refuseAgain(state, event);
  const seen = sighting(state, event);
  if (seen === 'conflict') throw new EventIdConflict(event.eventId);
  if (seen !== 'new') return;
  if (isBefore(event.occurredAt, state.admittedAt))
    throw new EventBeforeAdmission(event.eventId, event.occurredAt, state.admittedAt);
  if (event.type === 'milestone-completed' && followsRevision(state, 2))
    checkMilestone(state, program, event.milestoneId);
  if (event.type === 'weekly-hours-prescribed') checkPrescription(state, program, event.weeklyHours);
  if (event.type === 'session-attended' || event.type === 'session-missed') {
    // A session too old to correct its week is refused before it touches history.
    const draft = new DecisionDraft(state, program, event.occurredAt, event.recordedBy);
    closeEndedWeeks(draft, event.occurredAt);
    weekOfSession(draft, event.occurredAt);
  }
};

/**
 * Which refusals apply: `current` refuses an event dated before the admission and an event id
 * reused for other content; `before-refusals` is how journeys recorded before those refusals
 * replay (such events were applied, or dropped as redeliveries).
 */
export type EventRules = 'current' | 'before-refusals';

/**
 * Applies a client event at its `occurredAt`. A redelivery (same id, same content), or any event
 * after discharge, returns the state unchanged with no effects; a readmission after discharge
 * starts a new episode through `admit` (see `startsNewEpisode`). Throws EventIdConflict for an id
 * reused with other content and EventBeforeAdmission for an event dated before the admission.
 */
export const applyEvent = (
  state: EpisodeState,
  event: ClientEvent,
  program: ProgramDefinition,
  rules: EventRules = 'current',
): Decision => {
  requireProgram(state, program);
  if (state.status === 'discharged') return { state, effects: [] };
  refuseAgain(state, event);
  const seen = sighting(state, event);
  if (seen === 'conflict' && rules === 'current') throw new EventIdConflict(event.eventId);
  if (seen !== 'new') return { state, effects: [] };
  if (rules === 'current' && isBefore(event.occurredAt, state.admittedAt))
    throw new EventBeforeAdmission(event.eventId, event.occurredAt, state.admittedAt);
  const draft = new DecisionDraft(state, program, event.occurredAt, event.recordedBy);
  rememberEvent(draft, event, program);
  closeEndedWeeks(draft, event.occurredAt);
  dispatch(draft, event);
  return draft.done();
};

/** True when the event is a readmission of a discharged client: the caller starts a new episode with `admit`. */
export const startsNewEpisode = (state: EpisodeState, event: ClientEvent): boolean =>
  state.status === 'discharged' && event.type === 'admitted' && !alreadySeen(state, event.eventId);
