import { forEachConcurrently, percentile, ratePerSecond, ratio } from '../../bench/stats';
import { met, table, type Figure } from '../../bench/report';
import { historyBreakdown, sdkCounter } from '../../bench/measure';
import { temporal } from '@temporalio/proto';

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

  test("an SDK counter is summed over its labels from Prometheus' text", () => {
    const text = [
      '# HELP temporal_sticky_cache_miss_total Count of times the workflow cache was missed',
      '# TYPE temporal_sticky_cache_miss_total counter',
      'temporal_sticky_cache_miss_total{namespace="default",task_queue="a",workflow_type="episodeWorkflow"} 7',
      'temporal_sticky_cache_miss_total{namespace="default",task_queue="b",workflow_type="episodeWorkflow"} 5',
      'temporal_sticky_cache_miss_totals 100',
      'temporal_sticky_cache_hit_total{namespace="default"} 40',
    ].join('\n');
    expect(sdkCounter(text, 'temporal_sticky_cache_miss_total')).toBe(12);
    expect(sdkCounter(text, 'temporal_workflow_task_replay_latency_seconds_count')).toBe(0);
  });

  test('history events are counted by type, most frequent first, per input', () => {
    const { EventType } = temporal.api.enums.v1;
    const events = [
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
      EventType.EVENT_TYPE_MARKER_RECORDED,
      EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    ].map((eventType) => ({ eventType }));
    const breakdown = historyBreakdown([{ events: events.slice(0, 5) }, { events: events.slice(5) }]);
    expect(breakdown.events).toBe(8);
    const perInput = breakdown.perType(2);
    expect(Object.keys(perInput)[0]).toBe('MarkerRecorded');
    expect(perInput).toEqual({
      MarkerRecorded: 1.5,
      WorkflowExecutionStarted: 0.5,
      WorkflowTaskScheduled: 0.5,
      WorkflowTaskStarted: 0.5,
      WorkflowTaskCompleted: 0.5,
      UpsertWorkflowSearchAttributes: 0.5,
    });
  });
});
