import { SyntheticClient } from '../bench/lab/inbound';
import { inboundIdentifierMaxLength } from '../schemas';
import type { Harness } from './harness';
import { attendedBy, envelope, mixedInDrill, record, type BadKind, type MalformedOptions } from './malformed';
import type { DrillResult } from './report';

const admissionOf = (clientId: string) => new SyntheticClient(clientId, 'default').admitted();

/**
 * Messages that once stalled the bridge or slipped past the edges, each with the reason it must
 * now be set aside with: every one is a dead letter at once, and the clients around it go on.
 */
export const poisonKinds: BadKind[] = [
  {
    // Once looked up on Object.prototype, then retried forever.
    reason: 'unknown-program',
    build: ({ ghostId }) => record(ghostId, envelope({ ...admissionOf(ghostId), programId: 'constructor' })),
  },
  {
    reason: 'invalid-event',
    build: ({ ghostId }) => record(ghostId, envelope({ ...admissionOf(ghostId), programId: '__proto__' })),
  },
  {
    // Two years ahead: applied, it would arm timers and notify staff about what has not happened.
    reason: 'event-in-future',
    build: ({ ghostId }) =>
      record(
        ghostId,
        envelope({
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
      return record(ghostId, envelope({ ...admission, eventId }));
    },
  },
  {
    // Once an error per element, and a dead-letter detail too large for the broker.
    reason: 'invalid-event',
    build: ({ ghostId, maxBytes }) => {
      const event = envelope(admissionOf(ghostId));
      const standAloneIndications = Array.from({ length: Math.floor(maxBytes / 4) }, () => 0);
      const intake = { ...(event.data.intake as object), standAloneIndications };
      return record(ghostId, { ...event, data: { ...event.data, intake } });
    },
  },
  {
    // A key larger than the message limit: the dead letter must leave it out to fit.
    reason: 'message-too-large',
    build: ({ ghostId, maxBytes }) => ({ key: ghostId.padEnd(maxBytes + 1, 'k'), value: '{}' }),
  },
];

/** Drill 6: one message of each poison kind (or more, round robin) mixed at random into valid traffic. */
export const poisonDrill = (harness: Harness, opts: MalformedOptions): Promise<DrillResult> =>
  mixedInDrill(harness, 'poison', poisonKinds, opts);
