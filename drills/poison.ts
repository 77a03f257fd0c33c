import { setTimeout as sleep } from 'node:timers/promises';
import { inboundEnvelope, inboundRecord, SyntheticClient } from '../testkit/inbound';
import { inboundIdentifierMaxLength, type ClientEvent } from '../schemas';
import type { Harness } from './harness';
import { kafkaBroker } from './kafka-outage';
import { loadMark, outage } from './load';
import { attendedBy, mixedInDrill, record, type BadKind, type MalformedOptions } from './malformed';
import type { DrillResult } from './report';
import { serviceJourneySettings } from './verdict';

const admissionOf = (clientId: string) => new SyntheticClient(clientId, 'default').admitted();
const dayMs = 86_400_000;

/**
 * Messages that once stalled the bridge or slipped past the edges, each with the reason it must
 * now be set aside with: every one is a dead letter at once, and the clients around it go on.
 */
export const poisonKinds: BadKind[] = [
  {
    // Once looked up on Object.prototype, then retried forever.
    reason: 'unknown-program',
    build: ({ ghostId }) =>
      record(ghostId, inboundEnvelope({ ...admissionOf(ghostId), programId: 'constructor' })),
  },
  {
    reason: 'invalid-event',
    build: ({ ghostId }) =>
      record(ghostId, inboundEnvelope({ ...admissionOf(ghostId), programId: '__proto__' })),
  },
  {
    // Two years ahead: applied, it would arm timers and notify staff about what has not happened.
    reason: 'event-in-future',
    build: ({ ghostId }) =>
      record(
        ghostId,
        inboundEnvelope({
          ...attendedBy(ghostId),
          occurredAt: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString(),
        }),
      ),
  },
  {
    // Ids derived from it (`ep-<eventId>:<sequence>`) would break the outbound contract.
    reason: 'invalid-event',
    build: ({ ghostId }) => {
      const admission = admissionOf(ghostId);
      const eventId = `${admission.eventId}-`.padEnd(inboundIdentifierMaxLength + 1, 'x');
      return record(ghostId, inboundEnvelope({ ...admission, eventId }));
    },
  },
  {
    // Once an error per element, and a dead-letter detail too large for the broker.
    reason: 'invalid-event',
    build: ({ ghostId, maxBytes }) => {
      const event = inboundEnvelope(admissionOf(ghostId));
      const standAloneIndications = Array.from({ length: Math.floor(maxBytes / 4) }, () => 0);
      const intake = { ...event.data.intake, standAloneIndications };
      return record(ghostId, { ...event, data: { ...event.data, intake } });
    },
  },
  {
    // A key larger than the message limit: the dead letter must leave it out to fit.
    reason: 'message-too-large',
    build: ({ ghostId, maxBytes }) => ({ key: ghostId.padEnd(maxBytes + 1, 'k'), value: '{}' }),
  },
  {
    // Backdated to 1970, far beyond the program's backdating limit: refused before any journey starts.
    reason: 'admission-refused',
    build: ({ ghostId }) =>
      record(ghostId, inboundEnvelope({ ...admissionOf(ghostId), occurredAt: new Date(0).toISOString() })),
  },
  // The rest pass the bridge and reach an open journey, which refuses them and writes the dead
  // letter itself, through its outbox.
  {
    // An earlier episode's session read again: applied, it would count in weeks before the episode.
    reason: 'event-before-admission',
    follows: ([admission]) => admission as ClientEvent,
    build: ({ ghostId, admission }) =>
      inboundRecord({
        ...attendedBy(admission.clientId),
        eventId: ghostId,
        occurredAt: new Date(Date.parse(admission.occurredAt) - dayMs).toISOString(),
      }),
  },
  {
    // A feed reusing an event id for other content: the journey must not take either for the other.
    reason: 'event-id-conflict',
    follows: ([, first]) => first as ClientEvent,
    build: ({ stream: [, first] }) => {
      if (!first) throw new Error('scenario error: an open client has an event after its admission');
      // Another session under its id (who a message claims recorded it is replaced by the bridge).
      return inboundRecord({
        ...attendedBy(first.clientId),
        eventId: first.eventId,
        occurredAt: first.occurredAt,
      });
    },
  },
  {
    // A milestone no plan of the program has: the care rules refuse it, and the journey remembers
    // the refusal (so the expectation judges it as the journey does).
    reason: 'event-refused',
    follows: ([admission]) => admission as ClientEvent,
    build: ({ ghostId, admission }) => ({
      eventId: ghostId,
      clientId: admission.clientId,
      occurredAt: new Date().toISOString(),
      recordedBy: admission.recordedBy,
      type: 'milestone-completed',
      milestoneId: 'no-such-milestone',
    }),
  },
];

export interface PoisonOptions extends MalformedOptions {
  /** How long the Kafka broker stays down in the middle of the traffic; 0 for no outage. */
  kafkaDownSeconds: number;
  /** How long at most the broker waits, after the first half of the traffic, for the bridge to begin on it. */
  leadSeconds: number;
}

/**
 * One message of each poison kind (or more, round robin) mixed at random into valid traffic,
 * optionally with the Kafka broker down for `kafkaDownSeconds` in the middle of it: the journeys
 * keep their unsent effects and dead letters in their outboxes, continue as new after so many failed
 * rounds, and publish everything once the broker is back.
 */
export function poisonDrill(harness: Harness, opts: PoisonOptions): Promise<DrillResult> {
  if (opts.kafkaDownSeconds <= 0) return mixedInDrill(harness, 'poison', poisonKinds, opts);
  const { sendRetryFirstSeconds, sendRetryMaxSeconds } = serviceJourneySettings;
  return mixedInDrill(harness, 'poison', poisonKinds, opts, {
    feedWhileBreaking: async (records, progress) => {
      // The broker stops while the bridge is still handing the first half to the journeys: they
      // decide during the outage, and their outboxes must keep what they cannot send.
      const half = Math.ceil(records.length / 2);
      const load = loadMark(harness);
      await harness.feed(records.slice(0, half), 0, progress);
      for (const until = Date.now() + opts.leadSeconds * 1000; Date.now() < until;) {
        if ((await harness.bridgeLag()) < half) break;
        await sleep(100);
      }
      const stopped = await outage(
        harness,
        { downSeconds: opts.kafkaDownSeconds, leadSeconds: 0 },
        kafkaBroker(harness),
      )(progress, load);
      await harness.feed(records.slice(half), 0, progress);
      return [
        `sent ${half} messages at once, then the other ${records.length - half} once the broker was back`,
        ...stopped,
      ];
    },
    // A journey's pause between send rounds doubles, so the one under way when the broker returns
    // ends within about the outage's length (and the longest pause); its two send attempts follow.
    extraSettleSeconds: Math.min(opts.kafkaDownSeconds + sendRetryFirstSeconds, sendRetryMaxSeconds) + 2 * 10,
  });
}
