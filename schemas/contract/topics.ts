/**
 * carepath's Kafka topics: a public API, so names carry a version and never change within it.
 * Every record is keyed by client id, so each client's events stay in order on one partition.
 */
export const carepathTopics = {
  /** Inbound client events, applied to journeys by the bridge. */
  'client-events': 'carepath.client-events.v1',
  /** Outbound: what happened in a journey (levels, proposals, episodes, attendance, measurements). */
  'care-events': 'carepath.care-events.v1',
  /** Outbound: who should act, how urgently, on what code; details stay in the EHR. */
  'staff-notifications': 'carepath.staff-notifications.v1',
  /** Outbound: billable service days and level changes, without the clinical reason. */
  'billing-events': 'carepath.billing-events.v1',
  /** Inbound messages the bridge could not apply, with the reason and their origin in headers. */
  'client-events-dlq': 'carepath.client-events.dlq.v1',
  /** Outbound effects that can never be sent (too large, against the contract), parked for operators. */
  'effects-dlq': 'carepath.effects.dlq.v1',
} as const;

export type TopicRole = keyof typeof carepathTopics;

/** The topic names a process uses; tests give each run names of its own, production the contract's. */
export type Topics = Readonly<Record<TopicRole, string>>;

export const outboundStreams = ['care-events', 'staff-notifications', 'billing-events'] as const;
export type OutboundStream = (typeof outboundStreams)[number];

/** Where a journey's outbox sends: the outbound streams, and the two dead-letter topics. */
export const outboxStreams = [...outboundStreams, 'client-events-dlq', 'effects-dlq'] as const;
export type OutboxStream = (typeof outboxStreams)[number];
