import type { EffectType } from '../effects';
import type { Confidentiality } from './envelope';

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

/** The streams effects are published on, each a topic of its own: the one list every stream map follows. */
export const outboundStreams = [
  'care-events',
  'staff-notifications',
  'billing-events',
] as const satisfies readonly TopicRole[];
export type OutboundStream = (typeof outboundStreams)[number];

/** How every event of a stream is protected: billing carries the minimum necessary for payment only. */
export const confidentialityOfStream = {
  'care-events': '42cfr2-clinical',
  'staff-notifications': '42cfr2-clinical',
  'billing-events': '42cfr2-payment',
} as const satisfies Record<OutboundStream, Confidentiality>;

/**
 * The stream each effect is published on, decided here only: the journeys route by it and the
 * contract's event definitions take their stream from it. `null`: the journey keeps the effect to
 * itself (it arms and cancels its own timers).
 */
export const streamOfEffect = {
  'level-changed': 'care-events',
  'proposal-opened': 'care-events',
  'proposal-decided': 'care-events',
  'episode-started': 'care-events',
  'episode-ended': 'care-events',
  'weekly-hours-below-target': 'care-events',
  'weekly-hours-corrected': 'care-events',
  'authorization-expiring': 'care-events',
  'measurement-past-threshold': 'care-events',
  'clinical-review-requested': 'care-events',
  'sobriety-date-reset': 'care-events',
  'cohort-assigned': 'care-events',
  'staff-notification': 'staff-notifications',
  'follow-up-task': 'staff-notifications',
  billing: 'billing-events',
  'arm-timer': null,
  'cancel-timer': null,
} as const satisfies Record<EffectType, OutboundStream | null>;

/** The effects a journey publishes, as `streamOfEffect` says. */
export type PublishedEffectType = {
  [T in EffectType]: (typeof streamOfEffect)[T] extends null ? never : T;
}[EffectType];

/** Where a journey's outbox sends: the outbound streams, and the two dead-letter topics. */
export const outboxStreams = [...outboundStreams, 'client-events-dlq', 'effects-dlq'] as const;
export type OutboxStream = (typeof outboxStreams)[number];

/** Whether an outbox stream is one effects are published on, not a dead-letter topic. */
export const isOutboundStream = (stream: OutboxStream): stream is OutboundStream =>
  (outboundStreams as readonly OutboxStream[]).includes(stream);
