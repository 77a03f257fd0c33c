/** Pure helpers for the benchmarks' figures; unit-tested in test/unit/bench-stats.test.ts. */

/**
 * The p-th percentile (0-100) of the samples by the nearest-rank method: always one of the
 * samples, so a p99 of 200 latencies is the second-largest, never an interpolated value.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is not between 0 and 100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Events per second over a span of milliseconds. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  if (elapsedMs <= 0) throw new Error(`elapsed time ${elapsedMs} ms is not positive`);
  return (count * 1000) / elapsedMs;
}

/** carepath's figure divided by the baseline's; undefined when the baseline is zero or missing. */
export function ratio(carepath: number, baseline: number | undefined): number | undefined {
  return baseline === undefined || baseline === 0 ? undefined : carepath / baseline;
}

/** Runs `task` for every item with at most `limit` running at once; rejects on the first failure. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
