import type { AssessmentCompletedEvent } from '../schemas';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { offersLevel } from './ladder';
import { followsRevision } from './revision';
import { clearFlag, raiseFlag } from './risk';
import { moveToLevel, requestClinicalReview } from './step-up';
import { allowedTargets } from './transitions';

/**
 * A reassessment updates the withdrawal-risk flag and, when it recommends another level, moves there
 * under the program's policy. The move must be one a coordinator could request now (the level's
 * transitions, no step-down before the minimum stay); otherwise the care team is asked to review.
 */
export const onAssessmentCompleted = (draft: DecisionDraft, event: AssessmentCompletedEvent): void => {
  recordContact(draft, event.occurredAt);
  if (event.withdrawalRisk) raiseFlag(draft, 'withdrawal-risk');
  else clearFlag(draft, 'withdrawal-risk');
  const { state, program } = draft;
  const target = event.recommendedLevel;
  if (target === state.level) return;
  if (
    followsRevision(state, 2) &&
    offersLevel(program, target) &&
    !allowedTargets(state, program, draft.at).includes(target)
  ) {
    requestClinicalReview(draft, 'assessment-recommendation');
    return;
  }
  moveToLevel(draft, 'assessment-level-change', target, 'assessment-recommendation');
};
