import { randomUUID } from 'node:crypto';
import type { OutboundRecord } from '../activities/kafka/record-sender';
import type { AdmittedEvent, ClientEvent, Intake, LevelOfCare } from '../schemas';
import { inboundEventType } from '../schemas/contract';
import { entryIntake, staff } from './fixtures';

/**
 * A synthetic client's inbound events, built the way an EHR feed sends them: ids are stable per
 * client and sequence, so a scenario can be produced twice and the copies recognised.
 */
export class SyntheticClient {
  private sequence = 0;
  constructor(
    readonly clientId: string,
    readonly programId: string,
    private readonly recommendedLevel: LevelOfCare = 'iop',
  ) {}

  /** A client of `programId` with an id of its own, for tests that share one broker and one server. */
  static unique(programId: string): SyntheticClient {
    return new SyntheticClient(`client-${randomUUID()}`, programId);
  }

  private base() {
    return {
      eventId: `${this.clientId}-e${++this.sequence}`,
      clientId: this.clientId,
      occurredAt: new Date().toISOString(),
      recordedBy: staff.counsellor,
    };
  }

  /** The admission, with an intake the program admits at the recommended level; `intake` says what differs. */
  admitted(intake: Partial<Intake> = {}): AdmittedEvent {
    return {
      ...this.base(),
      recordedBy: staff.coordinator,
      type: 'admitted',
      programId: this.programId,
      recommendedLevel: this.recommendedLevel,
      intake: entryIntake(this.recommendedLevel, intake),
    };
  }

  attended(hours = 3): ClientEvent {
    const base = this.base();
    return { ...base, type: 'session-attended', sessionId: `session-${base.eventId}`, kind: 'group', hours };
  }

  missed(): ClientEvent {
    const base = this.base();
    return {
      ...base,
      type: 'session-missed',
      sessionId: `session-${base.eventId}`,
      kind: 'group',
      absence: 'no-show',
    };
  }

  relapse(): ClientEvent {
    return { ...this.base(), type: 'relapse-reported', withdrawalRisk: false };
  }

  discharge(): ClientEvent {
    return {
      ...this.base(),
      type: 'discharge-requested',
      kind: 'left-against-advice',
      reasonCode: 'client-request',
    };
  }
}

/** A client event as the structured-mode CloudEvent an EHR feed sends. */
export const inboundEnvelope = <E extends ClientEvent>(event: E) => ({
  specversion: '1.0',
  id: event.eventId,
  source: 'urn:carepath:testkit:ehr-feed',
  type: inboundEventType(event.type),
  subject: event.clientId,
  time: event.occurredAt,
  datacontenttype: 'application/json',
  data: event,
});

/** A message as a producer standing in for the EHR feed writes it (headers only to carry a trace). */
export interface InboundMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Readonly<Record<string, string>>;
}

/** The messages as records on `topic`, for a KafkaProducer. */
export const onTopic = (topic: string, messages: readonly InboundMessage[]): OutboundRecord[] =>
  messages.map(({ key, value, headers }) => ({ topic, key, value, headers: headers ?? {} }));

/** A client event as the record the bridge reads: its CloudEvent, keyed by client id. */
export const inboundRecord = (event: ClientEvent) => ({
  key: event.clientId,
  value: JSON.stringify(inboundEnvelope(event)),
});
