import { ZodError } from 'zod';
import {
  cappedDetail,
  cloudEventsContentType,
  carepathTopics,
  deadLetterHeaders,
  isOutboundStream,
  parkedEffectHeaders,
  type Topics,
} from '../../schemas/contract';
import { issuePath } from '../../schemas/issues';
import type { OutboxItem } from '../../schemas/outbox';
import { episodeWorkflowId } from '../../workflows/definitions';
import { cloudEventsOf, NoBillingCodes, NoEventForEffect } from '../cloud-events';
import {
  OutboxItemsUnsendable,
  type EffectBatch,
  type EffectPublisher,
  type EffectStream,
  type OutboxChunk,
  type Unsendable,
} from '../effects';
import type { OutboxObserver } from './outbox-metrics';
import type { OutboundRecord, RecordSender } from './record-sender';

/** The records of one batch: structured-mode CloudEvents keyed by client id. */
export function effectRecords(stream: EffectStream, batch: EffectBatch, topics: Topics): OutboundRecord[] {
  return cloudEventsOf(stream, batch).map(({ stream: eventStream, event }) => ({
    topic: topics[eventStream],
    key: event.subject,
    value: JSON.stringify(event),
    headers: { 'content-type': cloudEventsContentType },
  }));
}

/**
 * Size limits of one send. The broker refuses a record batch (all records of a request for one
 * partition) over its `message.max.bytes`, 1 MiB by default; both limits stay under it.
 */
export interface SendLimits {
  /** A record larger than this is never sent: its effect is parked, a dead letter's value dropped. */
  maxRecordBytes: number;
  /** Records are sent in requests of at most this many bytes. */
  maxRequestBytes: number;
}
export const defaultSendLimits: SendLimits = { maxRecordBytes: 900_000, maxRequestBytes: 900_000 };

/** Kafka's per-record overhead (offsets, lengths, attributes), rounded up. */
const recordOverheadBytes = 64;
export const recordBytes = (record: OutboundRecord): number =>
  recordOverheadBytes +
  (record.key === null ? 0 : Buffer.byteLength(record.key)) +
  (record.value === null ? 0 : Buffer.byteLength(record.value)) +
  Object.entries(record.headers).reduce((n, [name, value]) => n + Buffer.byteLength(name + value), 0);

/** Broker refusals of the records themselves: sending them again can never succeed. */
const refusedRecordTypes = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);
/** The broker's refusal type when the error (or one of its causes) is a refusal of the records. */
export function brokerRefusal(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const type = (e as Error & { type?: unknown }).type;
    if (typeof type === 'string' && refusedRecordTypes.has(type)) return type;
  }
  return undefined;
}

type Built = { records: OutboundRecord[] } | { unsendable: Omit<Unsendable, 'index'> };

/** The records of one outbox item, or why it can never have any. */
function itemRecords(chunk: OutboxChunk, item: OutboxItem, topics: Topics, limits: SendLimits): Built {
  switch (item.kind) {
    case 'effect': {
      if (!isOutboundStream(chunk.stream))
        return {
          unsendable: {
            reason: 'no-event-definition',
            detail: `Effect ${item.effect.effectId} was routed to ${chunk.stream}: fix the routing.`,
          },
        };
      let records: OutboundRecord[];
      try {
        records = effectRecords(chunk.stream, { ...chunk, effects: [item.effect] }, topics);
      } catch (error) {
        if (error instanceof NoEventForEffect)
          return { unsendable: { reason: 'no-event-definition', detail: error.message } };
        if (error instanceof NoBillingCodes)
          return { unsendable: { reason: 'contract-violation', detail: error.message } };
        if (error instanceof ZodError)
          return {
            unsendable: {
              reason: 'contract-violation',
              detail: `Effect ${item.effect.effectId} fails its event schema at ${error.issues
                .map((i) => issuePath(i.path))
                .join(', ')}: fix the rule or the contract, then republish it.`,
            },
          };
        throw error;
      }
      const largest = Math.max(...records.map(recordBytes));
      if (largest > limits.maxRecordBytes)
        return {
          unsendable: {
            reason: 'record-too-large',
            detail: `Effect ${item.effect.effectId} makes a record of ${largest} bytes, over the limit of ${limits.maxRecordBytes}.`,
          },
        };
      return { records };
    }
    case 'parked':
      return {
        records: [
          withinLimit(limits, {
            topic: topics['effects-dlq'],
            key: chunk.clientId,
            value: JSON.stringify(item.effect),
            headers: {
              [parkedEffectHeaders.reason]: item.reason,
              [parkedEffectHeaders.detail]: cappedDetail(item.detail),
              [parkedEffectHeaders.stream]: item.stream,
              [parkedEffectHeaders.effectId]: item.effect.effectId,
            },
          }),
        ],
      };
    case 'inbound-dead-letter':
      return {
        records: [
          withinLimit(limits, {
            topic: topics['client-events-dlq'],
            key: chunk.clientId,
            value: JSON.stringify(item.event) ?? null,
            headers: {
              [deadLetterHeaders.reason]: item.reason,
              [deadLetterHeaders.detail]: cappedDetail(item.detail),
              [deadLetterHeaders.journey]: episodeWorkflowId(chunk.clientId),
            },
          }),
        ],
      };
    default: {
      const unknown: never = item;
      throw new Error(`Unknown outbox item: ${JSON.stringify(unknown)}`);
    }
  }
}

/** A dead letter whose value would be too large keeps only its headers, as the bridge does. */
const withinLimit = (limits: SendLimits, record: OutboundRecord): OutboundRecord =>
  recordBytes(record) > limits.maxRecordBytes ? { ...record, value: null } : record;

/** Consecutive runs of records, each at most `maxBytes` (a single larger record goes alone). */
export function requests<R extends { record: OutboundRecord }>(
  records: readonly R[],
  maxBytes: number,
): R[][] {
  const out: R[][] = [];
  let current: R[] = [];
  let bytes = 0;
  for (const entry of records) {
    const size = recordBytes(entry.record);
    if (current.length > 0 && bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Publishes effects through a RecordSender. Each outbox chunk is sent in requests under the
 * broker's limits, in order; items that can never be sent are reported (OutboxItemsUnsendable)
 * after every other item was accepted. Any other error is transient: the activity retries.
 */
export function kafkaEffectPublisher(
  sender: RecordSender,
  topics: Topics = carepathTopics,
  limits: SendLimits = defaultSendLimits,
  observe: OutboxObserver = () => undefined,
): EffectPublisher {
  return {
    publish: (stream, batch) => sender.send(effectRecords(stream, batch, topics)),
    async sendOutbox(chunk) {
      const unsendable: Unsendable[] = [];
      const records: { index: number; record: OutboundRecord }[] = [];
      chunk.items.forEach((item, index) => {
        const built = itemRecords(chunk, item, topics, limits);
        if ('unsendable' in built) unsendable.push({ index, ...built.unsendable });
        else for (const record of built.records) records.push({ index, record });
      });
      for (const request of requests(records, limits.maxRequestBytes)) {
        try {
          await sender.send(request.map((r) => r.record));
        } catch (error) {
          if (brokerRefusal(error) === undefined) throw error;
          // The broker refused something in the request: send each record alone to find which.
          for (const { index, record } of request) {
            try {
              await sender.send([record]);
            } catch (alone) {
              const refusal = brokerRefusal(alone);
              if (refusal === undefined) throw alone;
              unsendable.push({
                index,
                reason: 'broker-refused',
                detail: `The broker refused the record (${refusal}): repair the item, then republish it.`,
              });
            }
          }
        }
      }
      const refused = new Set(unsendable.map((u) => u.index));
      chunk.items.forEach((item, index) => {
        if (!refused.has(index)) observe(item);
      });
      if (unsendable.length > 0) throw new OutboxItemsUnsendable(unsendable);
    },
  };
}
