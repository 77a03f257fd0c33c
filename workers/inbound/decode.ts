import type { ClientEvent, IntegrationActor } from '../../schemas';
import { maySend } from '../../schemas/event-permissions';
import { inboundClientEventSchema, type DeadLetterReason } from '../../schemas/contract';
import { issueList } from '../../schemas/issues';

export interface DeadLetterVerdict {
  kind: 'dead-letter';
  reason: DeadLetterReason;
  /** Paths, codes and identifiers only: the message may hold what must not be copied into headers. */
  detail: string;
}

export type Decoded = { kind: 'event'; event: ClientEvent } | DeadLetterVerdict;

const deadLetter = (reason: DeadLetterReason, detail: string): DeadLetterVerdict => ({
  kind: 'dead-letter',
  reason,
  detail,
});

/** How many of a message's problems a dead letter lists. */
const listedIssues = 20;

/**
 * Reads one inbound record: a client event to apply, recorded by the integration the connection
 * authenticated as (whatever `recordedBy` the message carries), or why it cannot be applied.
 */
export function decodeInbound(
  record: { key: Buffer | null; value: Buffer | null },
  maxBytes: number,
  integration: IntegrationActor,
): Decoded {
  const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (size > maxBytes)
    return deadLetter(
      'message-too-large',
      `${size} bytes, over the limit of ${maxBytes}: split the message or raise KAFKA_MAX_INBOUND_MESSAGE_BYTES.`,
    );
  let json: unknown;
  try {
    json = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    // The parser's message quotes the input, which may hold what must not leave the topic.
    return deadLetter('invalid-json', 'The value is not JSON: send a CloudEvent in structured JSON mode.');
  }
  const parsed = inboundClientEventSchema.safeParse(json);
  if (!parsed.success) return deadLetter('invalid-event', issueList(parsed.error.issues, listedIssues));
  const key = record.key?.toString('utf8') ?? null;
  if (key !== parsed.data.subject)
    return deadLetter(
      'key-mismatch',
      `The record key must be the client id ${parsed.data.subject}, so the client's events stay in order.`,
    );
  const { data } = parsed.data;
  if (!maySend('integration', data.type))
    return deadLetter(
      'sender-not-permitted',
      `Integrations may not send ${data.type}: staff record it through the API, which names who did.`,
    );
  return { kind: 'event', event: { ...data, recordedBy: integration } };
}
