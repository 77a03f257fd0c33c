import type { LevelOfCare, PastWeek, Week } from '../schemas';
import { calendarWeek, clinicClock, localDaysBetween, type ClinicClock } from './clock';
import type { DecisionDraft } from './draft';
import { LateEventRefused } from './errors';
import { hoursTarget, levelPlan, type HoursTarget } from './plan';
import { clearFlag, raiseFlag } from './risk';
import { addDays, isBefore } from './time';

const weekDays = 7;

/** When the week ends; weeks of journeys admitted before the clinic's clock last 7 days from their start. */
export const weekEnd = (week: Week): string => week.end ?? addDays(week.start, weekDays);

/** The share of a full week a span covers, in the clinic's local days: below 1 for a week entered mid-week. */
const weekShare = (clock: ClinicClock, start: string, end: string): number =>
  Math.min(1, localDaysBetween(clock, start, end) / weekDays);

const scaled = (hours: number | null, share: number): number | null =>
  hours === null ? null : Math.round(hours * share * 100) / 100;

/**
 * The hours a week is held to: the level's (tapered) target and floor, scaled down for a week
 * entered mid-week (admission or a change of level) by its share of the week's local days.
 */
const weekTarget = (draft: DecisionDraft, start: string, end: string): HoursTarget => {
  const target = hoursTarget(draft.state, draft.program);
  const clock = clinicClock(draft.program);
  if (clock === null) return target;
  const share = weekShare(clock, start, end);
  return { targetHours: scaled(target.targetHours, share), floorHours: scaled(target.floorHours, share) };
};

const recentWeeks = (draft: DecisionDraft): PastWeek[] => draft.state.recentWeeks ?? [];

/** Keeps the ended weeks a late event may still correct: those ending inside the correction window. */
const pruneRecentWeeks = (draft: DecisionDraft): void => {
  const oldestCorrectable = addDays(draft.state.week.start, -draft.program.correctionWindowDays);
  draft.update({ recentWeeks: recentWeeks(draft).filter((w) => isBefore(oldestCorrectable, w.end)) });
};

/**
 * Opens an attendance week at `start` for the current level and arms its review: a calendar week
 * of the clinic (cut short at `start` when the level begins mid-week), or 7 days from `start` in
 * journeys admitted before the clinic's clock.
 */
export const startWeek = (draft: DecisionDraft, start: string): void => {
  const clock = clinicClock(draft.program);
  const empty = { start, attendedHours: 0, attendedSessions: 0, scheduledHours: 0 };
  if (clock === null) {
    const target = hoursTarget(draft.state, draft.program);
    draft.update({ week: { ...empty, ...target } });
    if (target.targetHours !== null) draft.armTimer('weekly-hours-review', addDays(start, weekDays));
    return;
  }
  const { end } = calendarWeek(clock, start);
  const target = weekTarget(draft, start, end);
  draft.update({ week: { ...empty, end, scheduledSessions: 0, ...target } });
  pruneRecentWeeks(draft);
  if (target.targetHours !== null) draft.armTimer('weekly-hours-review', end);
};

/** A level ends mid-week: the week so far is kept, unreviewed, so late attendance still counts in it. */
export const setWeekAside = (draft: DecisionDraft): void => {
  const { week, level } = draft.state;
  if (clinicClock(draft.program) === null || !isBefore(week.start, draft.at)) return;
  const cut: PastWeek = {
    ...week,
    end: draft.at,
    level,
    closedBy: 'level-change',
    belowTarget: false,
    belowFloor: false,
    corrections: 0,
  };
  draft.update({ recentWeeks: [...recentWeeks(draft), cut] });
};

/** Re-reads the target after a milestone tapers it. */
export const refreshWeekTarget = (draft: DecisionDraft): void => {
  const { week } = draft.state;
  draft.update({ week: { ...week, ...weekTarget(draft, week.start, weekEnd(week)) } });
};

export const inCurrentWeek = (draft: DecisionDraft, instant: string): boolean =>
  !isBefore(instant, draft.state.week.start) && isBefore(instant, weekEnd(draft.state.week));

interface Verdict {
  belowTarget: boolean;
  belowFloor: boolean;
}

const judge = (draft: DecisionDraft, week: Week, level: LevelOfCare): Verdict => {
  if (week.targetHours === null || week.floorHours === null) return { belowTarget: false, belowFloor: false };
  const clock = clinicClock(draft.program);
  const share = clock === null ? 1 : weekShare(clock, week.start, weekEnd(week));
  const minimumSessions = Math.floor((levelPlan(draft.program, level).sessionsPerWeek?.min ?? 0) * share);
  return {
    belowTarget: week.attendedHours < week.targetHours || week.attendedSessions < minimumSessions,
    belowFloor: week.attendedHours < week.floorHours,
  };
};

const flagFloor = (draft: DecisionDraft, belowFloor: boolean): void => {
  if (belowFloor) raiseFlag(draft, 'hours-below-floor');
  else clearFlag(draft, 'hours-below-floor');
};

/** Reviews a week that ended, or a span of `weekCount` weeks that ended with nothing recorded. */
const reviewWeek = (draft: DecisionDraft, week: Week, weekCount: number): Verdict => {
  const { level } = draft.state;
  const verdict = judge(draft, week, level);
  if (week.targetHours === null || week.floorHours === null) return verdict;
  flagFloor(draft, verdict.belowFloor);
  if (!verdict.belowTarget) return verdict;
  const clocked = clinicClock(draft.program) !== null;
  draft.emit({
    type: 'weekly-hours-below-target',
    level,
    weekStart: week.start,
    attendedHours: week.attendedHours,
    targetHours: week.targetHours,
    floorHours: week.floorHours,
    attendedSessions: week.attendedSessions,
    belowFloor: verdict.belowFloor,
    ...(clocked ? { weekEnd: weekEnd(week), weekCount } : {}),
  });
  draft.notify('weekly-hours-below-target');
  return verdict;
};

/** Reviews the current week and keeps it among the recent weeks. */
const endWeek = (draft: DecisionDraft): void => {
  const { week, level } = draft.state;
  const verdict = reviewWeek(draft, week, 1);
  const ended: PastWeek = {
    ...week,
    end: weekEnd(week),
    level,
    closedBy: 'reviewed',
    ...verdict,
    corrections: 0,
  };
  draft.update({ recentWeeks: [...recentWeeks(draft), ended] });
};

/**
 * Weeks from `from` to `to` ended with no event and no timer in between (a mistyped far-future
 * date, or a worker long away): one review covers them all, and only those inside the correction
 * window are kept, so a decision never emits or keeps more than a bounded number of weeks.
 */
const endEmptyWeeks = (draft: DecisionDraft, clock: ClinicClock, from: string, to: string): void => {
  const target = hoursTarget(draft.state, draft.program);
  const span: Week = {
    start: from,
    end: to,
    attendedHours: 0,
    attendedSessions: 0,
    scheduledHours: 0,
    ...target,
  };
  const weekCount = Math.ceil(localDaysBetween(clock, from, to) / weekDays);
  const verdict = reviewWeek(draft, span, weekCount);
  const oldestCorrectable = addDays(to, -draft.program.correctionWindowDays);
  const kept: PastWeek[] = [];
  for (let end = to; isBefore(from, end) && isBefore(oldestCorrectable, end);) {
    const start = calendarWeek(clock, addDays(end, -1)).start;
    const weekStart = isBefore(start, from) ? from : start;
    kept.unshift({
      ...span,
      start: weekStart,
      end,
      level: draft.state.level,
      closedBy: 'reviewed',
      ...verdict,
      corrections: 0,
    });
    end = weekStart;
  }
  draft.update({ recentWeeks: [...recentWeeks(draft), ...kept] });
};

/**
 * Reviews every week that has ended by `at` and opens the one holding `at`. Events and timers both
 * call it, so a week is reviewed once whichever arrives first after its end.
 */
export const closeEndedWeeks = (draft: DecisionDraft, at: string): void => {
  const clock = clinicClock(draft.program);
  if (clock === null) {
    closeEndedWeeksFromAdmission(draft, at);
    return;
  }
  const { week } = draft.state;
  const end = weekEnd(week);
  if (isBefore(at, end)) return;
  const holdingAt = calendarWeek(clock, at);
  // A week of a journey admitted before the clinic's clock may end mid-week: the rest of that week comes first.
  const next = calendarWeek(clock, end);
  const nextStart = isBefore(next.start, end) ? end : next.start;
  const emptyWeeksFollow = isBefore(nextStart, holdingAt.start);
  if (emptyWeeksFollow && week.attendedSessions === 0 && week.scheduledHours === 0)
    endEmptyWeeks(draft, clock, week.start, holdingAt.start);
  else {
    endWeek(draft);
    if (emptyWeeksFollow) endEmptyWeeks(draft, clock, nextStart, holdingAt.start);
  }
  draft.cancelTimers((t) => t.kind === 'weekly-hours-review');
  startWeek(draft, emptyWeeksFollow ? holdingAt.start : nextStart);
};

/** Journeys admitted before the clinic's clock keep their 7-day weeks, each reviewed on its own. */
const closeEndedWeeksFromAdmission = (draft: DecisionDraft, at: string): void => {
  let end = addDays(draft.state.week.start, weekDays);
  while (!isBefore(at, end)) {
    reviewWeek(draft, draft.state.week, 1);
    const reviewTimer = `weekly-hours-review:${end}`;
    draft.cancelTimers((t) => t.timerId === reviewTimer);
    startWeek(draft, end);
    end = addDays(end, weekDays);
  }
};

/**
 * Where a session attended or missed at `instant` belongs: the current week (null), or a recent week
 * still open to correction (its index). Refuses one older than the correction window, or before the
 * episode began, rather than let it count nowhere. Journeys admitted before the clinic's clock keep
 * counting late sessions in no week.
 */
export const weekOfSession = (draft: DecisionDraft, instant: string): number | null => {
  const { week } = draft.state;
  if (clinicClock(draft.program) === null || !isBefore(instant, week.start)) return null;
  const windowDays = draft.program.correctionWindowDays;
  const oldestCorrectable = addDays(week.start, -windowDays);
  if (isBefore(instant, oldestCorrectable))
    throw new LateEventRefused('past-correction-window', instant, oldestCorrectable, windowDays);
  const index = recentWeeks(draft).findIndex((w) => !isBefore(instant, w.start) && isBefore(instant, w.end));
  if (index < 0) throw new LateEventRefused('before-episode', instant, oldestCorrectable, windowDays);
  return index;
};

/** The level a recent week (an index from `weekOfSession`) was attended at. */
export const levelOfPastWeek = (draft: DecisionDraft, index: number): LevelOfCare =>
  recentWeeks(draft)[index]?.level ?? draft.state.level;

/**
 * Counts a session attended late in the week it belongs to. A reviewed week is reviewed again and
 * the correction published; the floor flag follows it when it is the latest week reviewed.
 */
export const correctPastWeek = (draft: DecisionDraft, index: number, hours: number): PastWeek => {
  const weeks = recentWeeks(draft);
  const past = weeks[index]!;
  const counted = {
    ...past,
    attendedHours: past.attendedHours + hours,
    attendedSessions: past.attendedSessions + 1,
  };
  const corrected: PastWeek = {
    ...counted,
    ...(past.closedBy === 'reviewed' ? judge(draft, counted, past.level) : {}),
    corrections: past.corrections + 1,
  };
  draft.update({ recentWeeks: weeks.map((w, i) => (i === index ? corrected : w)) });
  // Weeks never reviewed against a target (cut short, or at a 24-hour level) have nothing to correct.
  const { targetHours, floorHours } = corrected;
  if (past.closedBy !== 'reviewed' || targetHours === null || floorHours === null) return corrected;
  draft.emit({
    type: 'weekly-hours-corrected',
    level: corrected.level,
    weekStart: corrected.start,
    weekEnd: corrected.end,
    attendedHours: corrected.attendedHours,
    attendedSessions: corrected.attendedSessions,
    targetHours,
    floorHours,
    belowTarget: corrected.belowTarget,
    belowFloor: corrected.belowFloor,
  });
  const laterReviewed = weeks.slice(index + 1).some((w) => w.closedBy === 'reviewed');
  if (!laterReviewed) flagFloor(draft, corrected.belowFloor);
  return corrected;
};
