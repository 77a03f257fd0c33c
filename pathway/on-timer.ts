import type { EpisodeState, ProgramDefinition, TimerFired } from '../schemas';
import { engineActor } from '../schemas/actors';
import { armNoContactDeadline, noContactDeadline } from './level-timers';
import { onAuthorizationReminderDue } from './authorizations';
import { dischargeOrFlag } from './discharge';
import { DecisionDraft, type Decision } from './draft';
import { applyOrPropose } from './rule-actions';
import { requireProgram } from './guards';
import { considerStepDown } from './milestones';
import { levelPlan } from './plan';
import { requestClinicalReview } from './step-up';
import { stayIsTypical } from './transitions';
import { escalateProposal } from './proposals';
import { followsRevision } from './revision';
import { addDays, isBefore } from './time';
import { closeEndedWeeks } from './week';

const onNoContactDeadline = (draft: DecisionDraft): void => {
  const { program, state } = draft;
  const deadline = noContactDeadline(state, program);
  // Contact since the timer was armed moved the deadline: wait for the new one.
  if (isBefore(draft.at, deadline)) {
    armNoContactDeadline(draft);
    return;
  }
  applyOrPropose(
    draft,
    'no-contact-discharge',
    { type: 'discharge', kind: program.noContact.dischargeKind },
    'no-contact',
  );
};

const onAftercareCheckInDue = (draft: DecisionDraft, fireAt: string): void => {
  const aftercare = draft.program.aftercare;
  if (!aftercare) return;
  draft.notify('aftercare-check-in-due');
  const next = addDays(fireAt, aftercare.checkInIntervalDays);
  if (isBefore(next, addDays(draft.state.levelSince, aftercare.durationDays)))
    draft.armTimer('aftercare-check-in', next);
};

/**
 * Aftercare runs its course. A discharge still awaiting approval (the client lost to follow-up) is
 * how the episode ends instead: an unanswered client is never recorded as having completed.
 */
const onAftercareCompletion = (draft: DecisionDraft): void => {
  const pending = draft.state.pendingProposals.find((p) => p.action.type === 'discharge');
  if (pending?.action.type === 'discharge' && followsRevision(draft.state, 2)) {
    dischargeOrFlag(draft, {
      kind: pending.action.kind,
      reasonCode: pending.reasonCode,
      rule: 'aftercare-completion',
      actor: engineActor,
    });
    return;
  }
  dischargeOrFlag(draft, {
    kind: 'completed',
    reasonCode: 'aftercare-completed',
    rule: 'aftercare-completion',
    actor: engineActor,
  });
};

/**
 * Handles a timer the workflow armed. A timer the state no longer lists (cancelled, or already
 * handled) is stale and changes nothing, as does any timer after discharge.
 */
export const onTimer = (
  state: EpisodeState,
  timer: TimerFired,
  program: ProgramDefinition,
  now: string,
): Decision => {
  requireProgram(state, program);
  const armed = state.timers.find((t) => t.timerId === timer.timerId);
  if (state.status === 'discharged' || !armed) return { state, effects: [] };
  const draft = new DecisionDraft(state, program, now, engineActor);
  draft.update({ timers: state.timers.filter((t) => t.timerId !== armed.timerId) });
  closeEndedWeeks(draft, now);
  const subject = armed.subject ?? '';
  switch (armed.kind) {
    case 'weekly-hours-review':
      break;
    case 'no-contact-deadline':
      onNoContactDeadline(draft);
      break;
    case 'proposal-deadline':
      escalateProposal(draft, subject);
      break;
    case 'authorization-expiry-reminder':
      onAuthorizationReminderDue(draft, subject);
      break;
    case 'aftercare-check-in':
      onAftercareCheckInDue(draft, armed.fireAt);
      break;
    case 'aftercare-completion':
      onAftercareCompletion(draft);
      break;
    case 'minimum-stay-reached':
      if (stayIsTypical(levelPlan(program, draft.state.level)))
        requestClinicalReview(draft, 'typical-stay-reached');
      considerStepDown(draft);
      break;
    case 'maximum-stay-reached':
      draft.notify('maximum-stay-reached');
      break;
    default:
      // Fails to compile until a new timer kind is handled above; at run time such a timer only expires.
      armed.kind satisfies never;
  }
  return draft.done();
};
