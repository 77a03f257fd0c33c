import type { Actor, DischargeKind, EpisodeState, ProgramDefinition, ReasonCode, RuleId } from '../schemas';
import type { DecisionDraft } from './draft';
import { DischargeRefused } from './errors';
import { supersedeProposals } from './proposals';

/** The discharge-planning milestone a discharge of this kind still needs, or null when none is missing. */
export const missingDischargeMilestone = (
  state: EpisodeState,
  program: ProgramDefinition,
  kind: DischargeKind,
): string | null => {
  const planning = program.dischargePlanning;
  if (!planning || !planning.requiredFor.includes(kind)) return null;
  return state.milestones.some((m) => m.milestoneId === planning.milestoneId) ? null : planning.milestoneId;
};

export const checkDischarge = (
  state: EpisodeState,
  program: ProgramDefinition,
  kind: DischargeKind,
): void => {
  const missing = missingDischargeMilestone(state, program, kind);
  if (missing !== null) throw new DischargeRefused(kind, missing);
};

/** How an episode ends: the kind, why, under which rule and by whom. */
export interface Ending {
  kind: DischargeKind;
  reasonCode: ReasonCode;
  rule: RuleId;
  actor: Actor;
}

/** Ends the episode: every timer is cancelled and every pending proposal superseded. */
export const discharge = (draft: DecisionDraft, ending: Ending): void => {
  const { kind, reasonCode, rule, actor } = ending;
  supersedeProposals(draft, () => true, actor);
  draft.cancelTimers(() => true);
  draft.update({ status: 'discharged', discharge: { kind, at: draft.at, reasonCode, rule, actor } });
  draft.emit({
    type: 'episode-ended',
    dischargeKind: kind,
    level: draft.state.level,
    reasonCode,
    rule,
    actor,
  });
  draft.notify('episode-ended');
};

/** A discharge nobody can be asked to fix at once (an event, a timer): when planning is missing, staff are told instead. */
export const dischargeOrFlag = (draft: DecisionDraft, ending: Ending): void => {
  if (missingDischargeMilestone(draft.state, draft.program, ending.kind) !== null)
    draft.notify('discharge-plan-missing');
  else discharge(draft, ending);
};
