import type {
  Actor,
  EpisodeState,
  LevelOfCare,
  LevelPlan,
  ProgramDefinition,
  ReasonCode,
  RuleId,
} from '../schemas';
import type { DecisionDraft } from './draft';
import { TransitionRefused } from './errors';
import { isStepUp, offersLevel } from './ladder';
import { armLevelTimers, cancelLevelTimers } from './level-timers';
import { levelPlan } from './plan';
import { supersedeProposals } from './proposals';
import { addDays, isBefore } from './time';
import { setWeekAside } from './week';

/** The end of the minimum stay at the current level, before which a step-down is refused. */
const minimumStayEnds = (state: EpisodeState, program: ProgramDefinition): string =>
  addDays(state.levelSince, levelPlan(program, state.level).lengthOfStayDays.min);

export const minimumStayServed = (state: EpisodeState, program: ProgramDefinition, now: string): boolean =>
  !isBefore(now, minimumStayEnds(state, program));

/** A typical stay is a review point, not a wall; plans written before the distinction hold their minimum. */
export const stayIsTypical = (plan: LevelPlan): boolean => plan.lengthOfStayKind === 'typical';

/**
 * Levels a coordinator may move the client to now: the level's allowed transitions, step-downs only
 * after the minimum stay, or before a typical stay with an override reason.
 */
export const allowedTargets = (
  state: EpisodeState,
  program: ProgramDefinition,
  now: string,
  withOverride = false,
): LevelOfCare[] => {
  const plan = levelPlan(program, state.level);
  const stepDownOpen = minimumStayServed(state, program, now) || (withOverride && stayIsTypical(plan));
  return plan.transitionsTo.filter(
    (target) => target !== state.level && (isStepUp(state.level, target) || stepDownOpen),
  );
};

/** Throws a TransitionRefused naming the allowed targets when `target` is not one of them. */
export const checkTransition = (
  state: EpisodeState,
  program: ProgramDefinition,
  target: LevelOfCare,
  now: string,
  withOverride = false,
): void => {
  const allowed = allowedTargets(state, program, now, withOverride);
  if (allowed.includes(target)) return;
  const plan = levelPlan(program, state.level);
  const reason =
    target === state.level
      ? 'same-level'
      : !offersLevel(program, target)
        ? 'level-not-offered'
        : !plan.transitionsTo.includes(target)
          ? 'not-allowed-from-level'
          : stayIsTypical(plan)
            ? 'typical-stay-override-needed'
            : 'minimum-stay-not-served';
  throw new TransitionRefused(reason, state.level, target, allowed);
};

/**
 * Moves the episode to another level: appends to the history (never edits it), supersedes
 * proposals for the old level, sets the week so far aside and starts a new one and re-arms the level's timers.
 */
export const changeLevel = (
  draft: DecisionDraft,
  to: LevelOfCare,
  reasonCode: ReasonCode,
  rule: RuleId,
  actor: Actor,
): void => {
  const from = draft.state.level;
  const at = draft.at;
  supersedeProposals(draft, (p) => p.action.type === 'level-change', actor);
  cancelLevelTimers(draft);
  // A prescription is for the admission level's stay; the next level starts from its own target.
  if (draft.state.prescribedWeeklyHours) draft.update({ prescribedWeeklyHours: null });
  setWeekAside(draft);
  draft.update({
    level: to,
    levelSince: at,
    billedServiceDays: [],
    history: [...draft.state.history, { from, to, at, reasonCode, rule, actor }],
  });
  armLevelTimers(draft);
  draft.emit({ type: 'level-changed', from, to, reasonCode, rule, actor });
  draft.notify('level-changed');
  const { authorizations } = draft.state;
  if (authorizations.length > 0 && !authorizations.some((a) => a.payerLevel === to))
    draft.notify('authorization-level-mismatch');
};
