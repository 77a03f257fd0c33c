import type { OutboundRecord } from '../../activities/kafka/record-sender';
import { cappedDetail, deadLetterHeaders, type DroppedPart } from '../../schemas/contract';
import type { DeadLetterVerdict } from './decode';

export interface InboundOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

function droppedParts(origin: InboundOrigin, keepKey: boolean, keepValue: boolean): DroppedPart | undefined {
  const key = !keepKey && origin.key !== null;
  const value = !keepValue && origin.value !== null;
  if (key) return value ? 'key,value' : 'key';
  return value ? 'value' : undefined;
}

// Room for the record's framing (lengths, timestamps, attributes) and the dropped-parts header.
const recordOverheadBytes = 1024;

const bytesOf = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );

/**
 * The dead letter of an inbound message: its key and value as they came (so it can be repaired and
 * produced again), the reason and its origin in headers. It always fits `maxRecordBytes`: the
 * detail is capped, and a key or value that would not fit is left out (an oversized message's
 * value always is), with a header saying which; the headers say where the original still is.
 */
export function deadLetterRecord(
  dlqTopic: string,
  origin: InboundOrigin,
  verdict: DeadLetterVerdict,
  maxRecordBytes: number,
): OutboundRecord {
  const headers: Record<string, string> = {
    [deadLetterHeaders.reason]: verdict.reason,
    [deadLetterHeaders.detail]: cappedDetail(verdict.detail),
    [deadLetterHeaders.topic]: origin.topic,
    [deadLetterHeaders.partition]: String(origin.partition),
    [deadLetterHeaders.offset]: origin.offset,
  };
  const room = maxRecordBytes - recordOverheadBytes - bytesOf(headers);
  const keyBytes = origin.key?.length ?? 0;
  const valueBytes = origin.value?.length ?? 0;
  const copyable = verdict.reason !== 'message-too-large';
  const bothFit = copyable && keyBytes + valueBytes <= room;
  // Otherwise the smaller part alone, when it fits: it is the likelier to help repair the message.
  const keepKey = bothFit || (keyBytes <= room && (!copyable || keyBytes <= valueBytes));
  const keepValue = bothFit || (copyable && !keepKey && valueBytes <= room);
  const dropped = droppedParts(origin, keepKey, keepValue);
  return {
    topic: dlqTopic,
    key: keepKey ? origin.key : null,
    value: keepValue ? origin.value : null,
    headers: dropped ? { ...headers, [deadLetterHeaders.dropped]: dropped } : headers,
  };
}

/**
 * The dead letter to write when the full one was refused for good: no key or value and a short
 * detail, so that nothing of the message can make the broker refuse it; the origin headers say
 * where the message still is.
 */
export function minimalDeadLetterRecord(
  dlqTopic: string,
  origin: InboundOrigin,
  verdict: DeadLetterVerdict,
  refusal: string,
): OutboundRecord {
  const dropped = droppedParts(origin, false, false);
  const headers: Record<string, string> = {
    [deadLetterHeaders.reason]: verdict.reason,
    [deadLetterHeaders.detail]: `The broker refused the full dead letter (${refusal}): read the message at the original offset.`,
    [deadLetterHeaders.topic]: origin.topic,
    [deadLetterHeaders.partition]: String(origin.partition),
    [deadLetterHeaders.offset]: origin.offset,
  };
  return {
    topic: dlqTopic,
    key: null,
    value: null,
    headers: dropped ? { ...headers, [deadLetterHeaders.dropped]: dropped } : headers,
  };
}
