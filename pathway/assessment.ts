import type { AssessmentCompletedEvent } from '../schemas';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { clearFlag, raiseFlag } from './risk';
import { moveToLevel } from './step-up';

/** A reassessment updates the withdrawal-risk flag and, when it recommends another level, moves there under the program's policy. */
export const onAssessmentCompleted = (draft: DecisionDraft, event: AssessmentCompletedEvent): void => {
  recordContact(draft, event.occurredAt);
  if (event.withdrawalRisk) raiseFlag(draft, 'withdrawal-risk');
  else clearFlag(draft, 'withdrawal-risk');
  moveToLevel(draft, 'assessment-level-change', event.recommendedLevel, 'assessment-recommendation');
};
