import type { DrugTestResultedEvent, RelapseReportedEvent, ReasonCode } from '../schemas';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { oneLevelUp } from './ladder';
import { clearFlag, raiseFlag } from './risk';
import { moveToLevel } from './step-up';
import { clinicClock, localDay } from './clock';
import { addDays, addHours, isBefore } from './time';

const resetSobrietyDate = (draft: DecisionDraft, at: string): void => {
  const sobrietyDate = localDay(clinicClock(draft.program), at);
  draft.update({ sobrietyDate });
  draft.emit({ type: 'sobriety-date-reset', sobrietyDate });
};

/** Relapse steps the client up one level, or to the withdrawal-management level where withdrawal is a risk. */
const stepUpForRelapse = (draft: DecisionDraft, withdrawalRisk: boolean, reasonCode: ReasonCode): void => {
  raiseFlag(draft, 'recent-relapse');
  if (withdrawalRisk) raiseFlag(draft, 'withdrawal-risk');
  const target = withdrawalRisk
    ? draft.program.admission.withdrawalRiskLevel
    : oneLevelUp(draft.program, draft.state.level);
  moveToLevel(draft, 'relapse-step-up', target, withdrawalRisk ? 'withdrawal-risk' : reasonCode);
};

export const onRelapseReported = (draft: DecisionDraft, event: RelapseReportedEvent): void => {
  recordContact(draft, event.occurredAt);
  draft.notify('relapse-reported');
  resetSobrietyDate(draft, event.occurredAt);
  stepUpForRelapse(draft, event.withdrawalRisk, 'relapse');
};

/** A dilute or invalid sample proves nothing either way: staff get a task to retest, as the program says. */
const requestRetest = (draft: DecisionDraft, at: string): void => {
  const retest = draft.program.drugTests.inconclusiveRetest ?? null;
  if (retest === null) return;
  draft.emit({
    type: 'follow-up-task',
    assigneeRole: retest.assigneeRole,
    code: 'drug-test-retest',
    dueAt: addHours(at, retest.dueInHours),
  });
};

/** A positive test notifies staff and resets the sobriety date; enough positives within the window count as relapse. */
export const onDrugTestResulted = (draft: DecisionDraft, event: DrugTestResultedEvent): void => {
  const at = event.occurredAt;
  recordContact(draft, at);
  if (event.result === 'negative') {
    clearFlag(draft, 'positive-drug-test');
    clearFlag(draft, 'recent-relapse');
    return;
  }
  if (event.result !== 'positive') {
    requestRetest(draft, at);
    return;
  }
  draft.notify('positive-drug-test');
  raiseFlag(draft, 'positive-drug-test');
  resetSobrietyDate(draft, at);
  const { relapseAfterPositives, windowDays } = draft.program.drugTests;
  const windowStart = addDays(at, -windowDays);
  const positiveTestsAt = [...draft.state.positiveTestsAt, at].filter((t) => !isBefore(t, windowStart));
  if (positiveTestsAt.length < relapseAfterPositives) {
    draft.update({ positiveTestsAt });
    return;
  }
  // Counted as one relapse: the window starts afresh.
  draft.update({ positiveTestsAt: [] });
  draft.notify('relapse-reported');
  stepUpForRelapse(draft, false, 'repeated-positive-tests');
};
