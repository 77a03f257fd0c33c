import type { Intake, LevelOfCare, StaffActor } from '../schemas';

/** The staff who act in tests, benchmarks and drills: who records, who decides, who supervises. */
export const staff = {
  coordinator: { staffId: 'staff-coordinator-1', role: 'care-coordinator' },
  secondCoordinator: { staffId: 'staff-coordinator-2', role: 'care-coordinator' },
  supervisor: { staffId: 'staff-supervisor-1', role: 'clinical-supervisor' },
  counsellor: { staffId: 'staff-counsellor-1', role: 'primary-counsellor' },
  feed: { staffId: 'ehr-feed', role: 'integration' },
} satisfies Record<string, StaffActor>;

/** An adult's intake with nothing that restricts admission; `overrides` say what differs. */
export const intake = (overrides: Partial<Intake> = {}): Intake => ({
  ageYears: 34,
  gender: 'female',
  withdrawalRisk: false,
  coOccurringMentalIllness: false,
  standAloneIndications: [],
  steppingDownFrom: null,
  drugTestDone: true,
  physicalExamDone: true,
  sobrietyDate: null,
  ...overrides,
});

/** What every reference program admits on below detox: stepping down from detox, with a stand-alone indication. */
export const eligibleIntake: Partial<Intake> = {
  steppingDownFrom: 'detox',
  standAloneIndications: ['prior-sobriety-recent-relapse'],
};

/** An intake every reference program admits at a level below detox. */
export const adultIntake = (overrides: Partial<Intake> = {}): Intake =>
  intake({ ...eligibleIntake, ...overrides });

/**
 * An intake the program admits at `level`: detox admits only with withdrawal risk and is a first
 * entry; every other level is entered stepping down from detox.
 */
export const entryIntake = (level: LevelOfCare, overrides: Partial<Intake> = {}): Intake =>
  adultIntake({ ...(level === 'detox' && { withdrawalRisk: true, steppingDownFrom: null }), ...overrides });

/** The reference programs A–E (`programs/README.md`), in the order of their descriptions. */
export const referencePrograms = [
  'step-down-iop',
  'milestone-tapered-iop',
  'flexible-intensity-iop',
  'holistic-iop',
  'full-continuum',
] as const;
