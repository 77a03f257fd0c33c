import type { DecisionDraft } from './draft';
import { hoursTarget, levelPlan } from './plan';
import { clearFlag, raiseFlag } from './risk';
import { addDays, isBefore } from './time';

const weekDays = 7;

/** Opens an attendance week at `start` for the current level and arms its review. */
export const startWeek = (draft: DecisionDraft, start: string): void => {
  const target = hoursTarget(draft.state, draft.program);
  draft.update({ week: { start, attendedHours: 0, attendedSessions: 0, scheduledHours: 0, ...target } });
  if (target.targetHours !== null) draft.armTimer('weekly-hours-review', addDays(start, weekDays));
};

/** Re-reads the target after a milestone tapers it. */
export const refreshWeekTarget = (draft: DecisionDraft): void => {
  draft.update({ week: { ...draft.state.week, ...hoursTarget(draft.state, draft.program) } });
};

export const inCurrentWeek = (draft: DecisionDraft, instant: string): boolean =>
  !isBefore(instant, draft.state.week.start) && isBefore(instant, addDays(draft.state.week.start, weekDays));

/**
 * Reviews every week that has ended by `at` and opens the next. Events and timers both call it,
 * so a week is reviewed once whichever arrives first after its end.
 */
export const closeEndedWeeks = (draft: DecisionDraft, at: string): void => {
  let end = addDays(draft.state.week.start, weekDays);
  while (!isBefore(at, end)) {
    reviewWeek(draft);
    const reviewTimer = `weekly-hours-review:${end}`;
    draft.cancelTimers((t) => t.timerId === reviewTimer);
    startWeek(draft, end);
    end = addDays(end, weekDays);
  }
};

const reviewWeek = (draft: DecisionDraft): void => {
  const { week, level } = draft.state;
  if (week.targetHours === null || week.floorHours === null) return;
  const minimumSessions = levelPlan(draft.program, level).sessionsPerWeek?.min ?? 0;
  const belowFloor = week.attendedHours < week.floorHours;
  if (belowFloor) raiseFlag(draft, 'hours-below-floor');
  else clearFlag(draft, 'hours-below-floor');
  if (week.attendedHours >= week.targetHours && week.attendedSessions >= minimumSessions) return;
  draft.emit({
    type: 'weekly-hours-below-target',
    level,
    weekStart: week.start,
    attendedHours: week.attendedHours,
    targetHours: week.targetHours,
    floorHours: week.floorHours,
    attendedSessions: week.attendedSessions,
    belowFloor,
  });
  draft.notify('weekly-hours-below-target');
};
