import { z } from 'zod';

/** The six levels of care, ordered from most to least intensive: the order is the ladder a journey steps along. */
export const levelsOfCare = ['detox', 'residential', 'php', 'iop', 'outpatient', 'aftercare'] as const;

export const levelOfCareSchema = z.enum(levelsOfCare);
export type LevelOfCare = z.infer<typeof levelOfCareSchema>;

export interface AsamLevels {
  /** ASAM Criteria, 3rd edition. */
  thirdEdition: readonly string[];
  /** ASAM Criteria, 4th edition. */
  fourthEdition: readonly string[];
}

/** Each level of care with the ASAM level(s) it corresponds to; aftercare is recovery support, outside the ASAM levels. */
export const asamLevels: Readonly<Record<LevelOfCare, AsamLevels>> = {
  detox: { thirdEdition: ['3.7-WM'], fourthEdition: ['4-WM'] },
  residential: { thirdEdition: ['3.1', '3.3', '3.5', '3.7'], fourthEdition: ['3.1', '3.5', '3.7'] },
  php: { thirdEdition: ['2.5'], fourthEdition: ['2.5'] },
  iop: { thirdEdition: ['2.1'], fourthEdition: ['2.1'] },
  outpatient: { thirdEdition: ['1'], fourthEdition: ['1', '1.5', '1.7'] },
  aftercare: { thirdEdition: [], fourthEdition: [] },
};
