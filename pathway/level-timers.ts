import type { EpisodeState, ProgramDefinition, TimerKind } from '../schemas';
import type { DecisionDraft } from './draft';
import { levelPlan, noContactDays } from './plan';
import { followsRevision } from './revision';
import { addDays, later } from './time';
import { startWeek } from './week';

/** Timers whose deadlines depend on the level of care; a transition cancels and re-arms them. */
const levelTimerKinds: readonly TimerKind[] = [
  'weekly-hours-review',
  'no-contact-deadline',
  'minimum-stay-reached',
  'maximum-stay-reached',
  'aftercare-check-in',
  'aftercare-completion',
];

export const cancelLevelTimers = (draft: DecisionDraft): void => {
  draft.cancelTimers((t) => levelTimerKinds.includes(t.kind));
};

/** When the client counts as out of contact at the current level. */
export const noContactDeadline = (state: EpisodeState, program: ProgramDefinition): string => {
  const { lastContactAt } = state.attendance;
  const since = followsRevision(state, 2) ? later(lastContactAt, state.levelSince) : lastContactAt;
  return addDays(since, noContactDays(program, state.level));
};

/** Arms the no-contact deadline; when it fires the core re-checks contact since. */
export const armNoContactDeadline = (draft: DecisionDraft): void => {
  draft.armTimer('no-contact-deadline', noContactDeadline(draft.state, draft.program));
};

/** Arms everything the current level needs, counted from `levelSince`. */
export const armLevelTimers = (draft: DecisionDraft): void => {
  const { level, levelSince } = draft.state;
  const plan = levelPlan(draft.program, level);
  startWeek(draft, levelSince);
  armNoContactDeadline(draft);
  // The minimum stay matters only where completing the plan steps the client down.
  if (plan.stepsDownTo !== null && plan.lengthOfStayDays.min > 0)
    draft.armTimer('minimum-stay-reached', addDays(levelSince, plan.lengthOfStayDays.min));
  draft.armTimer('maximum-stay-reached', addDays(levelSince, plan.lengthOfStayDays.max));
  const aftercare = draft.program.aftercare;
  if (level === 'aftercare' && aftercare) {
    draft.armTimer('aftercare-check-in', addDays(levelSince, aftercare.checkInIntervalDays));
    draft.armTimer('aftercare-completion', addDays(levelSince, aftercare.durationDays));
  }
};
