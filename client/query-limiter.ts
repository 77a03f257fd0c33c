import { z } from 'zod';
import { ReadsBusy } from './errors';

/**
 * How many queries of open journeys one process sends at once. A query is answered in one of the
 * journey worker's workflow task slots (and replays the journey when the worker does not hold it),
 * so a burst of reads left unbounded would take the slots the journeys' decisions need.
 */
export const readSettingsSchema = z.object({
  /** Queries in flight at once; keep the sum over every API and bridge process below the workers' slots. */
  maxConcurrentQueries: z.number().int().min(1).default(8),
  /** Queries waiting for one of those; one more is refused with ReadsBusy instead of waiting. */
  maxQueuedQueries: z.number().int().min(0).default(256),
  /** What a refused reader is told to wait before trying again. */
  retryAfterSeconds: z.number().int().min(1).default(1),
});
export type ReadSettings = z.infer<typeof readSettingsSchema>;

/** Runs at most `maxConcurrentQueries` tasks at once, the waiting ones first come first served. */
export class QueryLimiter {
  private readonly settings: ReadSettings;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(settings: Partial<ReadSettings> = {}) {
    this.settings = readSettingsSchema.parse(settings);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.settings.maxConcurrentQueries) this.running += 1;
    else if (this.waiting.length < this.settings.maxQueuedQueries)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else throw new ReadsBusy(this.settings.retryAfterSeconds);
    try {
      return await task();
    } finally {
      // The slot passes straight to the longest waiting task, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
