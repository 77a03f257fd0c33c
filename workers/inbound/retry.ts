import { setTimeout as sleep } from 'node:timers/promises';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: Backoff = { initialMs: 250, maxMs: 30_000 };

/** The bridge is stopping: the message in hand is left uncommitted and read again after restart. */
export class BridgeStopping extends Error {
  override readonly name = 'BridgeStopping';
  constructor() {
    super('The bridge is stopping; the message will be read again from the last committed offset.');
  }
}

/**
 * Runs `operation` until it succeeds, doubling the pause after each failure up to `maxMs`: a
 * transient Kafka or Temporal error delays a message, it never skips it. Gives up only when
 * `signal` aborts (shutdown), with BridgeStopping.
 */
export async function retryUntilDone<T>(
  operation: () => Promise<T>,
  opts: {
    signal: AbortSignal;
    backoff: Backoff;
    onFailure: (error: unknown, attempt: number) => Promise<void>;
  },
): Promise<T> {
  let pause = opts.backoff.initialMs;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw new BridgeStopping();
    try {
      return await operation();
    } catch (error) {
      await opts.onFailure(error, attempt);
      try {
        await sleep(pause, undefined, { signal: opts.signal });
      } catch {
        throw new BridgeStopping();
      }
      pause = Math.min(pause * 2, opts.backoff.maxMs);
    }
  }
}
