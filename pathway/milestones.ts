import type { EpisodeState, MilestoneCompletedEvent, ProgramDefinition } from '../schemas';
import { MilestoneNotInPlan } from './errors';
import { followsRevision } from './revision';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { applyOrPropose } from './rule-actions';
import { levelPlan, stayMilestoneIds } from './plan';
import { minimumStayServed, stayIsTypical } from './transitions';
import { refreshWeekTarget } from './week';

/**
 * Steps down once the stay's plan is complete: every milestone met and the minimum stay served.
 * Runs on each milestone and when the minimum stay is reached, whichever comes last.
 */
export const considerStepDown = (draft: DecisionDraft): void => {
  const { state, program } = draft;
  const plan = levelPlan(program, state.level);
  if (plan.stepsDownTo === null || plan.milestones.length === 0) return;
  const met = new Set(stayMilestoneIds(state));
  if (!plan.milestones.every((m) => met.has(m.milestoneId))) return;
  // A milestone recorded late (occurredAt before the minimum stay ends, recorded after its timer
  // fired) still completes the plan: the timer having fired proves the stay was served.
  // A typical stay is a review point: a complete plan is proposed or applied before it ends.
  const stayTimerPending = state.timers.some((t) => t.kind === 'minimum-stay-reached');
  if (stayTimerPending && !stayIsTypical(plan) && !minimumStayServed(state, program, draft.at)) return;
  applyOrPropose(
    draft,
    'milestones-step-down',
    { type: 'level-change', from: state.level, to: plan.stepsDownTo },
    'milestones-met',
  );
};

/** Throws MilestoneNotInPlan for a milestone the current level's plan does not have. */
export const checkMilestone = (
  state: EpisodeState,
  program: ProgramDefinition,
  milestoneId: string,
): void => {
  const planned = levelPlan(program, state.level).milestones.map((m) => m.milestoneId);
  if (!planned.includes(milestoneId)) throw new MilestoneNotInPlan(milestoneId, state.level, planned);
};

/** A met milestone counts once per stay and tapers the weekly hours by the plan's amount. */
export const onMilestoneCompleted = (draft: DecisionDraft, event: MilestoneCompletedEvent): void => {
  if (followsRevision(draft.state, 2)) checkMilestone(draft.state, draft.program, event.milestoneId);
  recordContact(draft, event.occurredAt);
  if (stayMilestoneIds(draft.state).includes(event.milestoneId)) return;
  const { level, levelSince } = draft.state;
  draft.update({
    milestones: [
      ...draft.state.milestones,
      { milestoneId: event.milestoneId, level, levelSince, at: event.occurredAt },
    ],
  });
  refreshWeekTarget(draft);
  considerStepDown(draft);
};
