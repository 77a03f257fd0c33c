import { z } from 'zod';

/** The six levels of care, ordered from most to least intensive: the order is the ladder a journey steps along. */
export const levelsOfCare = ['detox', 'residential', 'php', 'iop', 'outpatient', 'aftercare'] as const;

export const levelOfCareSchema = z.enum(levelsOfCare);
export type LevelOfCare = z.infer<typeof levelOfCareSchema>;
