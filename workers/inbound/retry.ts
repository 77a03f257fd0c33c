import { setTimeout as sleep } from 'node:timers/promises';
import { classifyFailure, maxPermanentAttempts, type Failure, type PermanentFailure } from './failures';

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

/** How an operation ended: done, or failed for good (`failure` is the last failure's class). */
export type Attempted<T> =
  { done: true; value: T } | { done: false; failure: PermanentFailure; attempts: number };

/**
 * Runs `operation` until it succeeds, doubling the pause after each failure up to `maxMs`.
 * Infrastructure being away (Temporal or the broker) is waited out without limit: it delays a
 * message, it never skips it. Any other failure is retried up to `maxAttempts` times in all, then
 * reported as permanent, for the caller to set the message aside. Gives up only when `signal`
 * aborts (shutdown), with BridgeStopping.
 */
export async function retryUntilDone<T>(
  operation: () => Promise<T>,
  opts: {
    signal: AbortSignal;
    backoff: Backoff;
    onFailure: (error: unknown, attempt: number, failure: Failure) => Promise<void>;
    classify?: (error: unknown) => Failure;
    maxAttempts?: number;
  },
): Promise<Attempted<T>> {
  const classify = opts.classify ?? classifyFailure;
  const maxAttempts = opts.maxAttempts ?? maxPermanentAttempts;
  let pause = opts.backoff.initialMs;
  let permanentFailures = 0;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw new BridgeStopping();
    try {
      return { done: true, value: await operation() };
    } catch (error) {
      const failure = classify(error);
      await opts.onFailure(error, attempt, failure);
      if (failure.kind === 'permanent' && ++permanentFailures >= maxAttempts)
        return { done: false, failure, attempts: attempt };
      try {
        await sleep(pause, undefined, { signal: opts.signal });
      } catch {
        throw new BridgeStopping();
      }
      pause = Math.min(pause * 2, opts.backoff.maxMs);
    }
  }
}
