import type { OutboundRecord } from '../../activities/kafka/record-sender';
import { deadLetterHeaders } from '../../schemas/contract';
import type { DeadLetterVerdict } from './decode';

export interface InboundOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The dead letter of an inbound message: its key and value as they came (so it can be repaired and
 * produced again), the reason and its origin in headers. A value over the size limit is not copied;
 * the headers say where it still is.
 */
export function deadLetterRecord(
  dlqTopic: string,
  origin: InboundOrigin,
  verdict: DeadLetterVerdict,
): OutboundRecord {
  return {
    topic: dlqTopic,
    key: origin.key,
    value: verdict.reason === 'message-too-large' ? null : origin.value,
    headers: {
      [deadLetterHeaders.reason]: verdict.reason,
      [deadLetterHeaders.detail]: verdict.detail,
      [deadLetterHeaders.topic]: origin.topic,
      [deadLetterHeaders.partition]: String(origin.partition),
      [deadLetterHeaders.offset]: origin.offset,
    },
  };
}
