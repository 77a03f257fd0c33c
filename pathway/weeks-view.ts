import type { EpisodeState, PastWeek, ProgramDefinition, Week, WeekView, WeeksView } from '../schemas';
import { clinicClock, localDateTime, type ClinicClock } from './clock';
import { weekEnd } from './week';

const utc: ClinicClock = { timeZone: 'UTC', weekStartsOn: 'monday' };

const view = (
  clock: ClinicClock,
  week: Week,
  status: WeekView['status'],
  level: WeekView['level'],
  past?: PastWeek,
): WeekView => {
  const end = weekEnd(week);
  const flags: WeekView['flags'] = [];
  if (past?.belowTarget) flags.push('below-target');
  if (past?.belowFloor) flags.push('below-floor');
  if (past && past.corrections > 0) flags.push('corrected');
  return {
    status,
    level,
    start: week.start,
    end,
    localStart: localDateTime(clock, week.start),
    localEnd: localDateTime(clock, end),
    scheduledHours: week.scheduledHours,
    scheduledSessions: week.scheduledSessions ?? 0,
    attendedHours: week.attendedHours,
    attendedSessions: week.attendedSessions,
    targetHours: week.targetHours,
    floorHours: week.floorHours,
    flags,
  };
};

/** The recent weeks and the current one, oldest first, as the clinic's calendar shows them. */
export const weeksView = (state: EpisodeState, program: ProgramDefinition): WeeksView => {
  const clock = clinicClock(program);
  const shown = clock ?? utc;
  return {
    clientId: state.clientId,
    episodeId: state.episodeId,
    timeZone: shown.timeZone,
    weekStartsOn: clock?.weekStartsOn ?? null,
    correctionWindowDays: clock === null ? 0 : program.correctionWindowDays,
    weeks: [
      ...(state.recentWeeks ?? []).map((w) => view(shown, w, w.closedBy, w.level, w)),
      view(shown, state.week, 'current', state.level),
    ],
  };
};
