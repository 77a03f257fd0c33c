import type { EpisodeState, ProgramDefinition, WeeklyHoursPrescribedEvent } from '../schemas';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { PrescriptionOutOfRange } from './errors';
import { prescribableHours, withinRange } from './plan';
import { refreshWeekTarget } from './week';

/** Throws PrescriptionOutOfRange unless the hours lie within the current level's floor and ceiling. */
export const checkPrescription = (
  state: EpisodeState,
  program: ProgramDefinition,
  weeklyHours: number,
): void => {
  const range = prescribableHours(program, state.level, state.adolescent);
  if (!withinRange(weeklyHours, range)) throw new PrescriptionOutOfRange(state.level, weeklyHours, range);
};

/** The prescription replaces the level's target for the rest of the stay; milestones taper it as they would the target. */
export const onWeeklyHoursPrescribed = (draft: DecisionDraft, event: WeeklyHoursPrescribedEvent): void => {
  checkPrescription(draft.state, draft.program, event.weeklyHours);
  recordContact(draft, event.occurredAt);
  draft.update({ prescribedWeeklyHours: event.weeklyHours });
  refreshWeekTarget(draft);
};
