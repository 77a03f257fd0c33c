import type { LevelOfCare, ProgramDefinition } from '../schemas';
import { levelsOfCare } from '../schemas/levels';

/** Position on the ladder: 0 is the most intensive (detox). */
export const intensityRank = (level: LevelOfCare): number => levelsOfCare.indexOf(level);

export const isStepUp = (from: LevelOfCare, to: LevelOfCare): boolean =>
  intensityRank(to) < intensityRank(from);

export const offersLevel = (program: ProgramDefinition, level: LevelOfCare): boolean =>
  program.levels[level] !== undefined;

/** One level up within the program: the nearest more intensive level it offers, or null at its top. */
export const oneLevelUp = (program: ProgramDefinition, level: LevelOfCare): LevelOfCare | null =>
  levelsOfCare
    .slice(0, intensityRank(level))
    .reverse()
    .find((candidate) => offersLevel(program, candidate)) ?? null;
