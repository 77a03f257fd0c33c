import type { Effect } from '../schemas';
import type { EffectBatch } from './effects';

/** Where carepath's events come from; with the effect id it is what consumers de-duplicate on. */
export const eventSource = 'urn:carepath:journeys';

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension attribute: every event is covered by 42 CFR Part 2 and carries the minimum necessary. */
  confidentiality: '42cfr2';
  data: Record<string, unknown>;
}

/** An effect as a CloudEvents 1.0 event (structured mode): the effect id is the event id, the client the subject. */
export function toCloudEvent(effect: Effect, batch: EffectBatch): CloudEvent {
  const { effectId, at, type, ...data } = effect;
  return {
    specversion: '1.0',
    id: effectId,
    source: eventSource,
    type: `org.carepath.${type}.v1`,
    subject: batch.clientId,
    time: at,
    datacontenttype: 'application/json',
    confidentiality: '42cfr2',
    data: { episodeId: batch.episodeId, programId: batch.programId, ...data },
  };
}
