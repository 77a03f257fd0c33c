import type { LevelOfCare, PolicyRule, ReasonCode } from '../schemas';
import type { DecisionDraft } from './draft';
import { applyOrPropose } from './rule-actions';
import { offersLevel } from './ladder';

/** Asks for clinical review: a notification plus a review effect for the care team's queue. */
export const requestClinicalReview = (draft: DecisionDraft, reasonCode: ReasonCode): void => {
  draft.emit({ type: 'clinical-review-requested', reasonCode, level: draft.state.level });
  draft.notify('clinical-review-needed');
};

/**
 * Moves the client to `target` under the rule's policy. A target the program does not offer (or
 * none, at the top of its ladder) means care elsewhere: staff are told to refer out.
 */
export const moveToLevel = (
  draft: DecisionDraft,
  rule: PolicyRule,
  target: LevelOfCare | null,
  reasonCode: ReasonCode,
): void => {
  if (target === draft.state.level) return;
  if (target === null || !offersLevel(draft.program, target)) {
    draft.notify('refer-out-needed');
    return;
  }
  applyOrPropose(draft, rule, { type: 'level-change', from: draft.state.level, to: target }, reasonCode);
};
