import { forEachConcurrently, percentile, ratePerSecond, ratio } from '../../bench/stats';
import { met, table, type Figure } from '../../bench/report';

describe('benchmark figures', () => {
  test('percentiles are nearest-rank: always one of the samples', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(percentile(samples, 50)).toBe(100);
    expect(percentile(samples, 99)).toBe(198);
    expect(percentile(samples, 100)).toBe(200);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow('no samples');
    expect(() => percentile([1], 101)).toThrow('between 0 and 100');
  });

  test('rates and ratios', () => {
    expect(ratePerSecond(300, 1500)).toBe(200);
    expect(() => ratePerSecond(1, 0)).toThrow('not positive');
    expect(ratio(80, 100)).toBe(0.8);
    expect(ratio(80, 0)).toBeUndefined();
    expect(ratio(80, undefined)).toBeUndefined();
  });

  test('targets are judged against the baseline or on their own', () => {
    const throughput: Figure = {
      figure: 'throughput',
      unit: 'events/s',
      carepath: 80,
      baseline: 100,
      target: { kind: 'ratio-at-least', value: 0.8 },
    };
    expect(met(throughput)).toBe(true);
    expect(met({ ...throughput, carepath: 79 })).toBe(false);
    expect(met({ ...throughput, target: { kind: 'below', value: 80 } })).toBe(false);
    expect(met({ ...throughput, target: undefined })).toBeUndefined();
    expect(met({ ...throughput, notJudged: 'run at 100' })).toBeUndefined();
  });

  test('the table has a row per figure with its ratio and verdict', () => {
    const lines = table([
      {
        figure: 'latency p99',
        unit: 'ms',
        carepath: 300,
        baseline: 100,
        target: { kind: 'ratio-at-most', value: 2 },
      },
    ]).split('\n');
    expect(lines[0]).toMatch(/^figure\s+carepath\s+baseline\s+ratio\s+target\s+met\?$/);
    expect(lines[2]).toMatch(/^latency p99 \(ms\)\s+300\s+100\s+3\.00×\s+≤ 2× baseline\s+NO$/);
  });

  test('concurrent work never exceeds its limit and covers every item', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(item);
      running--;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
