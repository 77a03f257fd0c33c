// Engine defaults the journey workflow reads; this module imports nothing, so reading them evaluates no
// schema module in every journey.

/** Admissions dated more than this many days before they are recorded are refused, unless the program says otherwise. */
export const defaultMaxBackdateDays = 30;

/**
 * How the outbox waits out a Kafka outage. Defaults in one place: journeys started before these
 * settings existed carry none, and the workflow falls back to these.
 */
export const outboxSettingsDefaults = {
  /** Failed rounds after which the journey continues as new, so its history stays bounded. */
  failedSendRoundsBeforeContinueAsNew: 10,
  /** The pause after the first failed round; it doubles each round up to the maximum. */
  sendRetryFirstSeconds: 10,
  sendRetryMaxSeconds: 600,
  /** Items per send: with records of a few KB, one send stays far below Temporal's payload limit. */
  maxItemsPerSend: 100,
} as const;
