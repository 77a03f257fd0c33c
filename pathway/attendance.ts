import type {
  SessionAttendedEvent,
  SessionKind,
  SessionMissedEvent,
  SessionScheduledEvent,
} from '../schemas';
import { billAttendance } from './authorizations';
import type { DecisionDraft } from './draft';
import { applyOrPropose } from './rule-actions';
import { oneLevelUp } from './ladder';
import { levelPlan } from './plan';
import { clearFlag, raiseFlag } from './risk';
import { moveToLevel, requestClinicalReview } from './step-up';
import { clinicClock, isLocalWeekend } from './clock';
import { addDays, addHours, daysBetween, isBefore, later } from './time';
import { correctPastWeek, inCurrentWeek, levelOfPastWeek, weekOfSession } from './week';

/** Any event in which staff saw the client; it pushes the no-contact deadline back. */
export const recordContact = (draft: DecisionDraft, at: string): void => {
  const { attendance } = draft.state;
  draft.update({ attendance: { ...attendance, lastContactAt: later(attendance.lastContactAt, at) } });
};

/** Whether a session of this kind counts toward the level's weekly hours (every kind, in programs that predate the list). */
const countsTowardHours = (draft: DecisionDraft, kind: SessionKind): boolean =>
  draft.program.sessionKinds?.countTowardHours.includes(kind) ?? true;

/** A family workshop sooner after the last one than the program's cadence, and more guests than it allows, are flagged. */
const checkFamilyWorkshop = (draft: DecisionDraft, event: SessionScheduledEvent): void => {
  const workshop = draft.program.familyWorkshop;
  if (event.kind !== 'family-workshop' || !workshop) return;
  if (event.guestCount > workshop.maxGuests) draft.notify('family-guest-limit-exceeded');
  const everyWeeks = workshop.everyWeeks ?? null;
  if (everyWeeks === null) return;
  const last = draft.state.lastFamilyWorkshopAt ?? null;
  if (last !== null && Math.abs(daysBetween(last, event.scheduledFor)) < 7 * everyWeeks)
    draft.notify('family-workshop-too-soon');
  draft.update({
    lastFamilyWorkshopAt: last === null ? event.scheduledFor : later(last, event.scheduledFor),
  });
};

/**
 * Checks a scheduled session against the plan: cohort, weekend days, session length, family
 * workshops and the weekly ceiling.
 */
export const onSessionScheduled = (draft: DecisionDraft, event: SessionScheduledEvent): void => {
  const { cohortId, week, level } = draft.state;
  const plan = levelPlan(draft.program, level);
  if (event.kind === 'group' && cohortId !== null && event.cohortId !== cohortId)
    draft.notify('cohort-mismatch');
  if (!plan.weekendSessions && isLocalWeekend(clinicClock(draft.program), event.scheduledFor))
    draft.notify('weekend-session-not-offered');
  const minimumHours = plan.minimumSessionHours ?? null;
  if (minimumHours !== null && countsTowardHours(draft, event.kind) && event.hours < minimumHours)
    draft.notify('session-shorter-than-minimum');
  checkFamilyWorkshop(draft, event);
  if (!inCurrentWeek(draft, event.scheduledFor) || !countsTowardHours(draft, event.kind)) return;
  const scheduledHours = week.scheduledHours + event.hours;
  draft.update({ week: { ...week, scheduledHours, scheduledSessions: (week.scheduledSessions ?? 0) + 1 } });
  const ceiling = plan.weeklyHours?.ceiling;
  if (ceiling !== undefined && scheduledHours > ceiling && week.scheduledHours <= ceiling)
    draft.notify('weekly-hours-above-ceiling');
};

/**
 * An attended session is contact, counted in its week (a recent week when recorded late). Only kinds
 * the program counts as the level's treatment add hours and end a run of missed sessions: a support
 * group is no make-up for missed treatment.
 */
export const onSessionAttended = (draft: DecisionDraft, event: SessionAttendedEvent): void => {
  const pastWeek = weekOfSession(draft, event.occurredAt);
  recordContact(draft, event.occurredAt);
  if (!countsTowardHours(draft, event.kind)) {
    billAttendance(draft, event, pastWeek === null ? draft.state.level : levelOfPastWeek(draft, pastWeek));
    return;
  }
  draft.update({ attendance: { ...draft.state.attendance, consecutiveUnexcused: 0 } });
  clearFlag(draft, 'missed-sessions');
  const { week } = draft.state;
  if (pastWeek !== null) {
    const corrected = correctPastWeek(draft, pastWeek, event.hours);
    billAttendance(draft, event, corrected.level);
    return;
  }
  if (inCurrentWeek(draft, event.occurredAt))
    draft.update({
      week: {
        ...week,
        attendedHours: week.attendedHours + event.hours,
        attendedSessions: week.attendedSessions + 1,
      },
    });
  billAttendance(draft, event, draft.state.level);
};

/**
 * Unexcused misses notify the primary counsellor (a no-show also creates a follow-up task); a run
 * of them alerts the case manager; a longer run, or too many within the window, calls for review.
 */
export const onSessionMissed = (draft: DecisionDraft, event: SessionMissedEvent): void => {
  weekOfSession(draft, event.occurredAt);
  if (event.absence === 'excused') return;
  const rules = draft.program.missedSessions;
  const review = rules.clinicalReview;
  const at = event.occurredAt;
  draft.notify('missed-session');
  if (event.absence === 'no-show')
    draft.emit({
      type: 'follow-up-task',
      assigneeRole: rules.noShowFollowUp.assigneeRole,
      code: 'no-show-follow-up',
      dueAt: addHours(at, rules.noShowFollowUp.dueInHours),
    });
  raiseFlag(draft, 'missed-sessions');
  const windowStart = addDays(at, -7 * review.windowWeeks);
  const consecutiveUnexcused = draft.state.attendance.consecutiveUnexcused + 1;
  const unexcusedMissedAt = [...draft.state.attendance.unexcusedMissedAt, at].filter(
    (t) => !isBefore(t, windowStart),
  );
  draft.update({ attendance: { ...draft.state.attendance, consecutiveUnexcused, unexcusedMissedAt } });
  if (consecutiveUnexcused === rules.consecutiveAlert) draft.notify('consecutive-missed-sessions');
  if (consecutiveUnexcused < review.consecutive && unexcusedMissedAt.length <= review.moreThan) return;
  // The review resets both counts, so the next review needs a fresh run of misses.
  draft.update({ attendance: { ...draft.state.attendance, consecutiveUnexcused: 0, unexcusedMissedAt: [] } });
  requestClinicalReview(draft, 'missed-sessions');
  const action = review.action;
  if (action.type === 'step-up')
    moveToLevel(
      draft,
      'missed-sessions-review',
      oneLevelUp(draft.program, draft.state.level),
      'missed-sessions',
    );
  else if (action.type === 'discharge')
    applyOrPropose(
      draft,
      'missed-sessions-review',
      { type: 'discharge', kind: action.kind },
      'missed-sessions',
    );
};
