import type { EpisodeState, ImportedClient, ProgramDefinition } from '../schemas';
import { placeInCohort } from './admission';
import { DecisionDraft, type Decision } from './draft';
import { ImportRefused } from './errors';
import { armNoContactDeadline } from './level-timers';
import { levelPlan } from './plan';
import { addDays, isBefore, startOfDay } from './time';
import { currentRulesRevision } from './revision';
import { startWeek } from './week';

/** The episode id of an import: stable, so a repeated import is recognised as the same episode. */
export const importedEpisodeId = (importId: string): string => `ep-import-${importId}`;

/** Every check `importEpisode` makes, so a refusal never starts a workflow. */
export const checkImport = (imported: ImportedClient, program: ProgramDefinition, now: string): void => {
  const plan = program.levels[imported.level];
  if (!plan)
    throw new ImportRefused(
      'level-not-offered',
      `program '${program.programId}' has no level '${imported.level}'; import at one of: ${Object.keys(program.levels).join(', ')}.`,
    );
  if (isBefore(now, imported.levelSince))
    throw new ImportRefused(
      'level-since-in-future',
      'levelSince is after now; give when the client entered the level.',
    );
  const known = plan.milestones.map((m) => m.milestoneId);
  const unknown = imported.milestonesMet.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new ImportRefused(
      'milestone-not-in-plan',
      `milestones ${unknown.join(', ')} are not in the ${imported.level} plan; use: ${known.join(', ') || 'none'}.`,
    );
  const aftercare = program.aftercare;
  if (
    imported.level === 'aftercare' &&
    aftercare &&
    !isBefore(now, addDays(imported.levelSince, aftercare.durationDays))
  )
    throw new ImportRefused(
      'aftercare-already-complete',
      'aftercare has run its full course: discharge the client in the previous system instead of importing.',
    );
  placeInCohort({ ageYears: imported.ageYears, gender: imported.gender }, program);
};

/**
 * Starts the episode of a client already in care, at `now`, where the client is: the level and
 * its stay since `levelSince`, milestones met, sobriety date and authorizations. Timers start from
 * now — the first attendance week, the no-contact deadline, the authorization reminders still
 * ahead — so no past week is reviewed and no past deadline or reminder fires; a minimum or maximum
 * stay already passed arms nothing. `rulesRevision` is older than the current one only where the
 * workflow replays an import recorded before it.
 */
export const importEpisode = (
  imported: ImportedClient,
  program: ProgramDefinition,
  episodeId: string,
  now: string,
  rulesRevision = currentRulesRevision,
): Decision => {
  checkImport(imported, program, now);
  const { level, levelSince, importedBy } = imported;
  const cohort = placeInCohort({ ageYears: imported.ageYears, gender: imported.gender }, program);
  const initial: EpisodeState = {
    episodeId,
    clientId: imported.clientId,
    programId: program.programId,
    status: 'active',
    admittedAt: imported.inCareSince,
    ...(rulesRevision > 1 ? { rulesRevision } : {}),
    level,
    levelSince,
    cohortId: cohort?.cohortId ?? null,
    adolescent: imported.ageYears <= program.adolescentMaxAgeYears,
    week: {
      start: now,
      attendedHours: 0,
      attendedSessions: 0,
      scheduledHours: 0,
      targetHours: null,
      floorHours: null,
    },
    milestones: imported.milestonesMet.map((milestoneId) => ({ milestoneId, level, levelSince, at: now })),
    sobrietyDate: imported.sobrietyDate,
    riskFlags: [],
    riskLevel: 'low',
    attendance: { lastContactAt: now, consecutiveUnexcused: 0, unexcusedMissedAt: [] },
    instrumentsPastThreshold: [],
    positiveTestsAt: [],
    // A reminder for units already low was the previous system's to send.
    authorizations: imported.authorizations.map((a) => ({
      ...a,
      unitsReminderSent: a.remainingUnits <= program.authorizations.remainingUnitsReminder,
    })),
    billedServiceDays: [],
    pendingProposals: [],
    timers: [],
    // The stay at the current level is the history carepath knows; the importer is its actor.
    history: [
      {
        from: null,
        to: level,
        at: levelSince,
        reasonCode: 'admission',
        rule: 'admission',
        actor: importedBy,
      },
    ],
    discharge: null,
    recentEventIds: [imported.importId],
    effectSequence: 0,
  };
  const draft = new DecisionDraft(initial, program, now, importedBy);
  draft.emit({ type: 'episode-started', level, cohortId: cohort?.cohortId ?? null, actor: importedBy });
  if (cohort) draft.emit({ type: 'cohort-assigned', cohortId: cohort.cohortId });
  const plan = levelPlan(program, level);
  startWeek(draft, now);
  armNoContactDeadline(draft);
  const ahead = (fireAt: string) => isBefore(now, fireAt);
  const minimumStay = addDays(levelSince, plan.lengthOfStayDays.min);
  if (plan.stepsDownTo !== null && plan.lengthOfStayDays.min > 0 && ahead(minimumStay))
    draft.armTimer('minimum-stay-reached', minimumStay);
  const maximumStay = addDays(levelSince, plan.lengthOfStayDays.max);
  if (ahead(maximumStay)) draft.armTimer('maximum-stay-reached', maximumStay);
  const aftercare = program.aftercare;
  if (level === 'aftercare' && aftercare) {
    // The next check-in on the stay's own rhythm, not one for every interval already past.
    let checkIn = addDays(levelSince, aftercare.checkInIntervalDays);
    while (!ahead(checkIn)) checkIn = addDays(checkIn, aftercare.checkInIntervalDays);
    const completion = addDays(levelSince, aftercare.durationDays);
    if (isBefore(checkIn, completion)) draft.armTimer('aftercare-check-in', checkIn);
    draft.armTimer('aftercare-completion', completion);
  }
  for (const a of imported.authorizations) {
    const reminder = addDays(startOfDay(a.endDate), -program.authorizations.reminderLeadDays);
    if (ahead(reminder)) draft.armTimer('authorization-expiry-reminder', reminder, a.authorizationRef);
  }
  return draft.done();
};
