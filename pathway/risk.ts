import type { EpisodeState, ProgramDefinition, RiskFlag, RiskLevel } from '../schemas';
import type { DecisionDraft } from './draft';

export const raiseFlag = (draft: DecisionDraft, flag: RiskFlag): void => {
  if (!draft.state.riskFlags.includes(flag)) draft.update({ riskFlags: [...draft.state.riskFlags, flag] });
};

export const clearFlag = (draft: DecisionDraft, flag: RiskFlag): void => {
  draft.update({ riskFlags: draft.state.riskFlags.filter((f) => f !== flag) });
};

/** High when any of the program's high-risk flags is raised or enough flags add up; medium from fewer. */
export const deriveRiskLevel = (state: EpisodeState, program: ProgramDefinition): RiskLevel => {
  const { highFlags, highFlagCount, mediumFlagCount } = program.risk;
  const flags = state.riskFlags;
  if (flags.some((flag) => highFlags.includes(flag)) || flags.length >= highFlagCount) return 'high';
  return flags.length >= mediumFlagCount ? 'medium' : 'low';
};
