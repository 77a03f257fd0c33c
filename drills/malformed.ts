import { inboundEnvelope, inboundRecord, SyntheticClient, type InboundMessage } from '../testkit/inbound';
import type { AdmittedEvent, ClientEvent } from '../schemas';
import type { DeadLetterReason } from '../schemas/contract';
import { beginDrill, type TrafficOptions } from './drill';
import type { Harness } from './harness';
import type { DrillResult, Progress } from './report';
import { interleave } from './scenario';

export interface MalformedOptions extends TrafficOptions {
  /** Malformed or invalid inbound messages mixed into the valid ones. */
  bad: number;
}

/** Something a drill breaks while it sends its messages (all at once without it). */
export interface Disruption {
  /** Sends `records`, in order, breaking something meanwhile; answers what it did. */
  feedWhileBreaking: (records: readonly InboundMessage[], progress: Progress) => Promise<string[]>;
  /** Longer to wait for carepath to finish afterwards. */
  extraSettleSeconds: number;
}

/**
 * What a bad message is built from: a client id of its own, or the valid client whose stream it goes
 * into (its admission and its events, in the order the EHR meant them).
 */
export interface BadInput {
  ghostId: string;
  admission: AdmittedEvent;
  stream: readonly ClientEvent[];
  maxBytes: number;
}

export const record = (key: string | null, value: unknown): InboundMessage => ({
  key,
  value: typeof value === 'string' || value === null ? value : JSON.stringify(value),
});
export const attendedBy = (clientId: string) => new SyntheticClient(clientId, 'default').attended();

/**
 * The kinds of bad inbound message a feed can send, each with the reason carepath must give it in
 * the dead-letter topic. Most are keyed by a client of their own; one with `follows` goes into an
 * open valid client's stream, right after the event `follows` picks from it.
 */
export interface BadKind {
  reason: DeadLetterReason;
  follows?: (stream: readonly ClientEvent[]) => ClientEvent;
  /** The bad message, or a well-formed event carepath must refuse (then judged as the journey sees it). */
  build: (input: BadInput) => InboundMessage | ClientEvent;
}

const badKinds: BadKind[] = [
  {
    // Cut short, as by a producer that died mid-write.
    reason: 'invalid-json',
    build: ({ ghostId }) => record(ghostId, inboundRecord(attendedBy(ghostId)).value.slice(0, 60)),
  },
  {
    // Not text at all.
    reason: 'invalid-json',
    build: ({ ghostId }) => ({ key: ghostId, value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) }),
  },
  // A tombstone: a key without a value.
  { reason: 'invalid-json', build: ({ ghostId }) => record(ghostId, null) },
  {
    reason: 'invalid-event',
    build: ({ ghostId }) => {
      const { data: _data, ...rest } = inboundEnvelope(attendedBy(ghostId));
      return record(ghostId, rest);
    },
  },
  {
    reason: 'invalid-event',
    build: ({ ghostId }) =>
      record(ghostId, {
        ...inboundEnvelope(attendedBy(ghostId)),
        type: 'org.carepath.client-event.teleported.v1',
      }),
  },
  {
    // The envelope's id is not the event's id.
    reason: 'invalid-event',
    build: ({ ghostId }) =>
      record(ghostId, { ...inboundEnvelope(attendedBy(ghostId)), id: `${ghostId}-other` }),
  },
  {
    // A value the event's schema refuses.
    reason: 'invalid-event',
    build: ({ ghostId }) => {
      const event = inboundEnvelope(attendedBy(ghostId));
      return record(ghostId, { ...event, data: { ...event.data, hours: -3 } });
    },
  },
  {
    reason: 'key-mismatch',
    build: ({ ghostId }) => record(`${ghostId}-other`, inboundEnvelope(attendedBy(ghostId))),
  },
  {
    reason: 'message-too-large',
    build: ({ ghostId, maxBytes }) =>
      record(ghostId, { ...inboundEnvelope(attendedBy(ghostId)), padding: 'x'.repeat(maxBytes) }),
  },
  {
    reason: 'no-open-episode',
    build: ({ ghostId }) => record(ghostId, inboundEnvelope(attendedBy(ghostId))),
  },
  {
    reason: 'unknown-program',
    build: ({ ghostId }) =>
      record(ghostId, inboundEnvelope(new SyntheticClient(ghostId, 'no-such-program').admitted())),
  },
  {
    // Below the program's minimum age.
    reason: 'admission-refused',
    build: ({ ghostId }) => {
      const admission = new SyntheticClient(ghostId, 'default').admitted();
      return record(
        ghostId,
        inboundEnvelope({ ...admission, intake: { ...admission.intake, ageYears: 10 } }),
      );
    },
  },
  {
    // A second, different admission while the client's episode is open.
    reason: 'episode-already-open',
    follows: ([admission]) => admission as ClientEvent,
    build: ({ ghostId, admission }) => ({ ...admission, eventId: `${admission.eventId}-${ghostId}` }),
  },
];

/**
 * Mixes bad messages of the given kinds, round robin, at random into valid traffic. Each must reach
 * the dead-letter topic once, with its reason; the valid traffic must come out whole.
 */
export async function mixedInDrill(
  harness: Harness,
  name: string,
  kinds: readonly BadKind[],
  opts: MalformedOptions,
  disruption?: Disruption,
): Promise<DrillResult> {
  const drill = await beginDrill(harness, name, opts);
  // Only clients that stay open take bad messages into their stream: after a discharge the journey
  // has ended, and an event for it is recognised, or refused, for that reason instead.
  const open = drill.streams.filter((stream) => stream.at(-1)?.type !== 'discharge-requested');
  const mixed = new Map<readonly ClientEvent[], (ClientEvent | InboundMessage)[]>(
    drill.streams.map((stream) => [stream, [...stream]]),
  );
  const streams = [...mixed.values()];
  const inserted = new Map<string, number>();
  const expectedDeadLetters: Partial<Record<DeadLetterReason, number>> = {};
  for (let i = 0; i < opts.bad; i++) {
    const kind = kinds[i % kinds.length];
    const stream = open[i % open.length];
    const target = stream && mixed.get(stream);
    const admission = stream?.[0];
    if (!kind || !stream || !target || admission?.type !== 'admitted')
      throw new Error('scenario error: every client stream starts with its admission, and one stays open');
    const message = kind.build({
      ghostId: `${drill.prefix}-g${i + 1}`,
      admission,
      stream,
      maxBytes: harness.config.kafka.maxInboundMessageBytes,
    });
    if (kind.follows) {
      target.splice(target.indexOf(kind.follows(stream)) + 1, 0, message);
      inserted.set(admission.clientId, (inserted.get(admission.clientId) ?? 0) + 1);
    } else streams.push([message]);
    expectedDeadLetters[kind.reason] = (expectedDeadLetters[kind.reason] ?? 0) + 1;
  }
  const sequence = interleave(streams, drill.random);
  const valid = sequence.filter((item): item is ClientEvent => 'eventId' in item);
  const records = sequence.map((item) => ('eventId' in item ? inboundRecord(item) : item));
  drill.progress('sending valid and bad messages', { valid: valid.length, bad: opts.bad });
  let disrupted: string[] = [];
  if (disruption) disrupted = await disruption.feedWhileBreaking(records, drill.progress);
  else await harness.feed(records, 0, drill.progress);
  return drill.judge({
    did: [
      `mixed in ${opts.bad} bad messages at random: ` +
        Object.entries(expectedDeadLetters)
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', '),
      ...disrupted,
    ],
    delivered: valid,
    sent: sequence.length,
    expectedDeadLetters,
    inserted,
    extraSettleSeconds: disruption?.extraSettleSeconds,
  });
}

/** Malformed and invalid inbound messages mixed at random into valid traffic. */
export const malformedDrill = (harness: Harness, opts: MalformedOptions): Promise<DrillResult> =>
  mixedInDrill(harness, 'malformed', badKinds, opts);
