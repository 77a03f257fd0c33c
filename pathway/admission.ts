import type { AdmittedEvent, Cohort, EpisodeState, Intake, LevelOfCare, ProgramDefinition } from '../schemas';
import { DecisionDraft, type Decision } from './draft';
import { AdmissionRefused } from './errors';
import { intensityRank } from './ladder';
import { clinicClock } from './clock';
import { contentDigest } from './dedup';
import { armLevelTimers } from './level-timers';
import { prescribableHours, withinRange } from './plan';
import { currentRulesRevision } from './revision';
import { addDays, isBefore } from './time';

const withinAge = (ageYears: number, range: { min: number; max: number | null }): boolean =>
  ageYears >= range.min && (range.max === null || ageYears <= range.max);

/** Checks the program's admission criteria in order; the first that fails refuses with what to do instead. */
const checkCriteria = (intake: Intake, level: LevelOfCare, program: ProgramDefinition): void => {
  const criteria = program.admission;
  const { ageYears } = criteria;
  if (ageYears.min > intake.ageYears)
    throw new AdmissionRefused(
      'below-minimum-age',
      null,
      [],
      `the program admits clients aged ${ageYears.min} or older.`,
    );
  if (ageYears.max !== null && intake.ageYears > ageYears.max)
    throw new AdmissionRefused(
      'above-maximum-age',
      null,
      [],
      `the program admits clients aged up to ${ageYears.max}.`,
    );
  if (criteria.requiresDrugTest && !intake.drugTestDone)
    throw new AdmissionRefused(
      'intake-drug-test-missing',
      null,
      [],
      'record the intake drug test, then admit.',
    );
  if (criteria.requiresPhysicalExam && !intake.physicalExamDone)
    throw new AdmissionRefused(
      'intake-physical-exam-missing',
      null,
      [],
      'record the intake physical exam, then admit.',
    );
  if (!criteria.entryLevels.includes(level))
    throw new AdmissionRefused(
      'not-an-entry-level',
      null,
      criteria.entryLevels,
      `admit to one of: ${criteria.entryLevels.join(', ')}.`,
    );
  if (intake.withdrawalRisk && intensityRank(level) > intensityRank(criteria.withdrawalRiskLevel))
    throw new AdmissionRefused(
      'withdrawal-risk',
      criteria.withdrawalRiskLevel,
      [],
      `withdrawal risk: refer to ${criteria.withdrawalRiskLevel} first.`,
    );
  const coOccurring = criteria.coOccurringMentalIllness;
  // Stepping down from the level the program refers to means the illness was stabilised there.
  if (
    intake.coOccurringMentalIllness &&
    coOccurring?.levels.includes(level) &&
    intake.steppingDownFrom !== coOccurring.referTo
  )
    throw new AdmissionRefused(
      'co-occurring-mental-illness',
      coOccurring.referTo,
      [],
      `stabilise the co-occurring illness at ${coOccurring.referTo} (dual diagnosis) first.`,
    );
  const stepDownOnly = criteria.stepDownOnly;
  if (
    stepDownOnly?.levels.includes(level) &&
    !(intake.steppingDownFrom && stepDownOnly.from.includes(intake.steppingDownFrom))
  )
    throw new AdmissionRefused(
      'step-down-entry-only',
      stepDownOnly.from[0] ?? null,
      stepDownOnly.from,
      `${level} is entered stepping down from: ${stepDownOnly.from.join(', ')}.`,
    );
  const prescribed = intake.prescribedWeeklyHours ?? null;
  const range = prescribableHours(program, level, intake.ageYears <= program.adolescentMaxAgeYears);
  if (prescribed !== null && !withinRange(prescribed, range))
    throw new AdmissionRefused(
      'prescribed-hours-out-of-range',
      null,
      range ? [String(range.floor), String(range.ceiling)] : [],
      range
        ? `prescribe between ${range.floor} and ${range.ceiling} weekly hours at ${level}.`
        : `${level} counts no weekly hours: admit without prescribed hours.`,
    );
  const standAlone = criteria.standAlone;
  if (
    standAlone?.levels.includes(level) &&
    intake.steppingDownFrom === null &&
    !intake.standAloneIndications.some((indication) => standAlone.indications.includes(indication))
  )
    throw new AdmissionRefused(
      'stand-alone-criteria-not-met',
      null,
      standAlone.indications,
      `stand-alone ${level} needs one of: ${standAlone.indications.join(', ')}; otherwise step down into it.`,
    );
};

/** The first cohort matching the client's gender and age; programs without cohorts place nobody. */
export const placeInCohort = (
  intake: Pick<Intake, 'ageYears' | 'gender'>,
  program: ProgramDefinition,
): Cohort | null => {
  if (program.cohorts.length === 0) return null;
  const cohort = program.cohorts.find(
    (c) => c.genders.includes(intake.gender) && withinAge(intake.ageYears, c.ageYears),
  );
  if (!cohort)
    throw new AdmissionRefused(
      'no-matching-cohort',
      null,
      [],
      'add a cohort for this gender and age to the program.',
    );
  return cohort;
};

/**
 * Refuses an admission dated more than the program's `maxBackdateDays` before `now`, when it is
 * recorded: the episode's weeks and timers run from the admission date.
 */
export const checkBackdate = (admission: AdmittedEvent, program: ProgramDefinition, now: string): void => {
  const { maxBackdateDays } = program.admission;
  if (isBefore(admission.occurredAt, addDays(now, -maxBackdateDays)))
    throw new AdmissionRefused(
      'backdated-too-far',
      null,
      [],
      `the admission is dated more than ${maxBackdateDays} days before it was recorded: correct its date.`,
    );
};

/**
 * Every check `admit` makes, and the backdating limit at `now`, without starting an episode: throws
 * the AdmissionRefused that the journey would.
 */
export const checkAdmission = (admission: AdmittedEvent, program: ProgramDefinition, now: string): void => {
  checkCriteria(admission.intake, admission.recommendedLevel, program);
  placeInCohort(admission.intake, program);
  checkBackdate(admission, program, now);
};

/**
 * Starts an episode at the recommended level, or throws AdmissionRefused when the program's criteria
 * refuse it. `rulesRevision` is older than the current one only where the workflow replays an
 * episode admitted before it.
 */
export const admit = (
  event: AdmittedEvent,
  program: ProgramDefinition,
  episodeId: string,
  rulesRevision = currentRulesRevision,
): Decision => {
  const { intake, recommendedLevel: level, occurredAt: at, recordedBy } = event;
  checkCriteria(intake, level, program);
  const cohort = placeInCohort(intake, program);
  const initial: EpisodeState = {
    episodeId,
    clientId: event.clientId,
    programId: program.programId,
    status: 'active',
    admittedAt: at,
    level,
    levelSince: at,
    cohortId: cohort?.cohortId ?? null,
    adolescent: intake.ageYears <= program.adolescentMaxAgeYears,
    ...(rulesRevision > 1 ? { rulesRevision } : {}),
    ...(intake.prescribedWeeklyHours ? { prescribedWeeklyHours: intake.prescribedWeeklyHours } : {}),
    week: {
      start: at,
      attendedHours: 0,
      attendedSessions: 0,
      scheduledHours: 0,
      targetHours: null,
      floorHours: null,
    },
    ...(clinicClock(program) === null ? {} : { recentWeeks: [] }),
    milestones: [],
    sobrietyDate: intake.sobrietyDate,
    riskFlags: intake.withdrawalRisk ? ['withdrawal-risk'] : [],
    riskLevel: 'low',
    attendance: { lastContactAt: at, consecutiveUnexcused: 0, unexcusedMissedAt: [] },
    instrumentsPastThreshold: [],
    positiveTestsAt: [],
    authorizations: [],
    billedServiceDays: [],
    pendingProposals: [],
    timers: [],
    history: [{ from: null, to: level, at, reasonCode: 'admission', rule: 'admission', actor: recordedBy }],
    discharge: null,
    recentEventIds: [event.eventId],
    recentEventDigests: { [event.eventId]: contentDigest(event) },
    effectSequence: 0,
  };
  const draft = new DecisionDraft(initial, program, at, recordedBy);
  draft.emit({ type: 'episode-started', level, cohortId: cohort?.cohortId ?? null, actor: recordedBy });
  if (cohort) draft.emit({ type: 'cohort-assigned', cohortId: cohort.cohortId });
  armLevelTimers(draft);
  return draft.done();
};
