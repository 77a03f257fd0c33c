import { z } from 'zod';
import { ReadsBusy } from './errors';
import { Slots } from './slots';

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

/**
 * Runs at most `maxConcurrentQueries` tasks at once, the waiting ones first come first served; past
 * `maxQueuedQueries` waiting, a task is refused with ReadsBusy.
 */
export class QueryLimiter {
  private readonly settings: ReadSettings;
  private readonly slots: Slots;

  constructor(settings: Partial<ReadSettings> = {}) {
    this.settings = readSettingsSchema.parse(settings);
    this.slots = new Slots(this.settings.maxConcurrentQueries);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.slots.full && this.slots.queued >= this.settings.maxQueuedQueries)
      throw new ReadsBusy(this.settings.retryAfterSeconds);
    return this.slots.run(task);
  }
}
