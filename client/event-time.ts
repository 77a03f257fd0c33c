/**
 * Event time at the edges: an event cannot have happened later than now, give or take the drift
 * between the sender's clock and carepath's (CAREPATH_MAX_CLOCK_SKEW_SECONDS). One from the
 * future would be applied as if it had happened, and arm timers and notify staff ahead of time.
 */
export function occurredInFuture(occurredAt: string, nowMs: number, maxSkewSeconds: number): boolean {
  return Date.parse(occurredAt) > nowMs + maxSkewSeconds * 1000;
}

/** Why such an event is refused and what to do; names no value of the event. */
export const eventInFutureDetail = (maxSkewSeconds: number): string =>
  `occurredAt is more than ${maxSkewSeconds} s ahead of carepath's clock: send the event once it has happened, or correct the sending system's clock.`;
