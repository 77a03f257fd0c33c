import type { EpisodeState, LevelOfCare, LevelPlan, ProgramDefinition } from '../schemas';
import { LevelNotInProgram } from './errors';

/** The program's plan for a level; a missing plan is a program/state mismatch the caller must fix. */
export const levelPlan = (program: ProgramDefinition, level: LevelOfCare): LevelPlan => {
  const plan = program.levels[level];
  if (!plan) throw new LevelNotInProgram(level, program.programId);
  return plan;
};

/** Milestone ids met during the current stay at the current level. */
export const stayMilestoneIds = (state: EpisodeState): string[] =>
  state.milestones
    .filter((m) => m.level === state.level && m.levelSince === state.levelSince)
    .map((m) => m.milestoneId);

export interface HoursTarget {
  targetHours: number | null;
  floorHours: number | null;
}

/** The week's required hours: the level's target, lowered by met milestones (tapering), never below the floor. */
export const hoursTarget = (state: EpisodeState, program: ProgramDefinition): HoursTarget => {
  const plan = levelPlan(program, state.level);
  const weekly = plan.weeklyHours;
  if (!weekly) return { targetHours: null, floorHours: null };
  const base = state.adolescent && weekly.adolescent ? weekly.adolescent : weekly;
  const target = state.prescribedWeeklyHours ?? base.target;
  const met = new Set(stayMilestoneIds(state));
  const taper = plan.milestones
    .filter((m) => met.has(m.milestoneId))
    .reduce((sum, m) => sum + m.taperHours, 0);
  return { targetHours: Math.max(base.floor, target - taper), floorHours: base.floor };
};

/** The weekly hours a clinician may prescribe at a level: its floor (adolescent where it applies) to its ceiling. */
export const prescribableHours = (
  program: ProgramDefinition,
  level: LevelOfCare,
  adolescent: boolean,
): { floor: number; ceiling: number } | null => {
  const weekly = program.levels[level]?.weeklyHours ?? null;
  if (!weekly) return null;
  const floor = adolescent && weekly.adolescent ? weekly.adolescent.floor : weekly.floor;
  return { floor, ceiling: weekly.ceiling };
};

export const withinRange = (hours: number, range: { floor: number; ceiling: number } | null): boolean =>
  range !== null && range.floor <= hours && hours <= range.ceiling;

export const noContactDays = (program: ProgramDefinition, level: LevelOfCare): number =>
  levelPlan(program, level).noContactDays ?? program.noContact.days;
