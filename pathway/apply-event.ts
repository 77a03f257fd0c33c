import { type ClientEvent, type EpisodeState, type ProgramDefinition } from '../schemas';
import { onAssessmentCompleted } from './assessment';
import { onSessionAttended, onSessionMissed, onSessionScheduled } from './attendance';
import { onAuthorizationUpdated } from './authorizations';
import { alreadySeen, rememberEvent, sighting } from './dedup';
import { dischargeOrFlag } from './discharge';
import { DecisionDraft, type Decision } from './draft';
import { EventBeforeAdmission, EventIdConflict } from './errors';
import { requireProgram } from './guards';
import { onMeasurementRecorded } from './measurements';
import { onMilestoneCompleted } from './milestones';
import { onDrugTestResulted, onRelapseReported } from './substance-use';
import { isBefore } from './time';
import { closeEndedWeeks } from './week';

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
    case 'authorization-updated':
      return onAuthorizationUpdated(draft, event);
    case 'discharge-requested':
      return dischargeOrFlag(draft, {
        kind: event.kind,
        reasonCode: event.reasonCode,
        rule: 'discharge-request',
        actor: event.recordedBy,
      });
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
