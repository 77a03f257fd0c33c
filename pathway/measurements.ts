import type { MeasurementRecordedEvent } from '../schemas';
import { recordContact } from './attendance';
import type { DecisionDraft } from './draft';
import { clearFlag, raiseFlag } from './risk';
import { requestClinicalReview } from './step-up';

/** Measurement-based care: a score at or past the program's threshold calls for review; a later lower score clears it. */
export const onMeasurementRecorded = (draft: DecisionDraft, event: MeasurementRecordedEvent): void => {
  recordContact(draft, event.occurredAt);
  const { instrument, score } = event;
  const threshold = draft.program.measurementThresholds.find((t) => t.instrument === instrument);
  const others = draft.state.instrumentsPastThreshold.filter((i) => i !== instrument);
  const past = threshold !== undefined && score >= threshold.atOrAbove;
  draft.update({ instrumentsPastThreshold: past ? [...others, instrument] : others });
  if (draft.state.instrumentsPastThreshold.length > 0) raiseFlag(draft, 'measurement-past-threshold');
  else clearFlag(draft, 'measurement-past-threshold');
  if (!past || !threshold) return;
  draft.emit({ type: 'measurement-past-threshold', instrument, score, threshold: threshold.atOrAbove });
  draft.notify('measurement-past-threshold');
  requestClinicalReview(draft, 'assessment-recommendation');
};
