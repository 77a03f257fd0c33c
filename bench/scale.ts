import { setTimeout as sleep } from 'node:timers/promises';
import { bareRecordKey } from './bare/definitions';
import type { notifyingWorkflow } from './bare/workflows';
import { SyntheticClient } from '../testkit/inbound';
import type { Progress } from '../testkit/lab';
import type { LabProcess } from '../testkit/services';
import { round, ticker } from './measure';
import { defaultJourneys, type BenchOptions } from './options';
import type { BenchmarkResult } from './report';
import type { Rig } from './rig';
import { predictOutbound } from './scenario';
import { forEachConcurrently } from './stats';

/** Admissions stop being waited for when none has been read for this long. */
const stallMs = 5 * 60_000;
const mib = 2 ** 20;

/** Resident memory in MiB; undefined once the process has gone (the benchmark then fails on its own). */
function residentMiB(proc: LabProcess): number | undefined {
  try {
    return round(proc.residentBytes() / mib, 0);
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory every second, keeping the peak (in MiB). */
function memoryWatch(proc: LabProcess) {
  let peak = residentMiB(proc) ?? 0;
  const sample = () => (peak = Math.max(peak, residentMiB(proc) ?? 0));
  const timer = setInterval(sample, 1000);
  return {
    stop() {
      clearInterval(timer);
      return sample();
    },
  };
}

/**
 * Open workflows on a task queue by Temporal's visibility, which lags the workflows a little:
 * polled until it reaches `expected` or stops changing.
 */
async function openOn(rig: Rig, taskQueue: string, expected: number): Promise<number> {
  let last = -1;
  for (let attempt = 0; attempt < 60; attempt++) {
    const { count } = await rig.temporal.workflow.count(
      `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    );
    if (count >= expected || (count === last && attempt >= 10)) return count;
    last = count;
    await sleep(1000);
  }
  return last;
}

interface Side {
  name: string;
  worker: LabProcess;
  taskQueue: string;
  /** Admits one journey (or starts one bare workflow); returns the key of the record that marks it open. */
  admit(index: number): Promise<string>;
}

async function hold(rig: Rig, side: Side, journeys: number, concurrency: number, progress: Progress) {
  const idleMiB = residentMiB(side.worker) ?? 0;
  const marks: string[] = [];
  const tick = ticker(
    progress,
    () =>
      `admitted ${rig.arrivals.countRead(marks)}/${journeys} (sent ${marks.length}), worker RSS ${residentMiB(side.worker) ?? '?'} MiB`,
    5000,
  );
  // A worker that dies (killed from outside, out of memory) fails the benchmark at once.
  const died = side.worker.exited.then((how) => {
    throw new Error(
      `the ${side.name} worker exited (${how}) during the scale benchmark; see ${side.worker.logFile}`,
    );
  });
  const memory = memoryWatch(side.worker);
  const cpu = rig.cpu();
  const started = Date.now();
  try {
    const admitting = (async () => {
      await forEachConcurrently(
        Array.from({ length: journeys }, (_, i) => i),
        concurrency,
        async (i) => void marks.push(await side.admit(i)),
      );
      return rig.arrivals.waitForAllOrStall(marks, stallMs);
    })();
    const { read, lastReadAt, stalled } = await Promise.race([admitting, died]);
    const cpuShares = cpu.stop();
    const open = await openOn(rig, side.taskQueue, journeys);
    return {
      open,
      admitted: read,
      // Stalled: admissions stopped arriving for stallMs; the time is until the last one that did.
      stalled,
      admitSeconds: (lastReadAt - started) / 1000,
      admissionsPerSecond: round((read * 1000) / (lastReadAt - started), 1),
      residentMiB: residentMiB(side.worker) ?? 0,
      peakResidentMiB: memory.stop(),
      idleResidentMiB: idleMiB,
      cpu: cpuShares,
    };
  } finally {
    memory.stop();
    tick.stop();
  }
}

/** Journeys admitted through Kafka and held open, against bare workflows started directly. */
export async function scaleBenchmark(
  rig: Rig,
  opts: BenchOptions,
  progress: Progress,
): Promise<BenchmarkResult> {
  const say = (side: string) => (message: string) => progress(`scale (${side}): ${message}`);
  const { concurrency } = opts;
  const journeys = opts.journeys ?? defaultJourneys.scale;
  // Fresh workers on task queues of their own: memory and the open count are this load's alone.
  await rig.freshWorkers('scale');
  const { workers } = rig;
  say('baseline')(
    `${journeys} workflows started straight on Temporal, each publishing one record, ${concurrency} at a time`,
  );
  const bare = await hold(
    rig,
    {
      name: 'baseline',
      worker: workers.bare,
      taskQueue: workers.bareTaskQueue,
      async admit(i) {
        const streamId = `scale-bare-${i + 1}`;
        await rig.temporal.workflow.start<typeof notifyingWorkflow>('notifyingWorkflow', {
          workflowId: streamId,
          taskQueue: workers.bareTaskQueue,
          args: [streamId, `${streamId}-start`],
        });
        return bareRecordKey(`${streamId}-start`);
      },
    },
    journeys,
    concurrency,
    say('baseline'),
  );
  say('carepath')(
    `${journeys} admissions produced to Kafka, ${concurrency} at a time; admitted = episode-started read`,
  );
  const carepath = await hold(
    rig,
    {
      name: 'carepath',
      worker: workers.services,
      taskQueue: workers.servicesTaskQueue,
      async admit(i) {
        const admission = new SyntheticClient(`scale-${i + 1}`, 'default').admitted();
        const [started] = predictOutbound(admission, []);
        const mark = started?.find((record) => record.stream === 'care-events');
        if (!mark) throw new Error('an admission publishes no care event');
        await rig.produce(admission);
        return mark.key;
      },
    },
    journeys,
    concurrency,
    say('carepath'),
  );
  const perThousand = (side: typeof carepath) =>
    round(((side.residentMiB - side.idleResidentMiB) * 1000) / Math.max(side.admitted, 1), 0);
  const stalls = [carepath, bare].flatMap((side, i) =>
    side.stalled
      ? [
          `scale: ${i === 0 ? 'carepath' : 'the baseline'} stalled at ${side.admitted} of ${journeys} admitted: ` +
            `none arrived for ${stallMs / 60_000} min; figures are at that point`,
        ]
      : [],
  );
  const notJudged = journeys < 10_000 ? `run at ${journeys}; --journeys 10000 for the target` : undefined;
  return {
    figures: [
      {
        figure: 'open journeys held',
        unit: 'journeys',
        carepath: carepath.open,
        baseline: bare.open,
        target: { kind: 'at-least', value: 10_000 },
        ...(notJudged && { notJudged }),
      },
      {
        figure: `worker RSS at ${journeys} admitted`,
        unit: 'MiB',
        carepath: carepath.residentMiB,
        baseline: bare.residentMiB,
        target: { kind: 'at-most', value: 1536 },
        ...(notJudged && { notJudged }),
      },
      {
        figure: `time to admit ${journeys}`,
        // Stalled sides are timed to their last admission: a shorter time for fewer journeys.
        ...(carepath.stalled || bare.stalled ? { notJudged: 'stalled, see the note' } : {}),
        unit: 's',
        carepath: carepath.admitSeconds,
        baseline: bare.admitSeconds,
      },
    ],
    notes: [
      `scale: worker RSS grew ${perThousand(carepath)} MiB per 1,000 open journeys (carepath, from ${carepath.idleResidentMiB} MiB idle) vs ` +
        `${perThousand(bare)} MiB (baseline, from ${bare.idleResidentMiB} MiB); admissions ${carepath.admissionsPerSecond} vs ${bare.admissionsPerSecond} per second`,
      ...stalls,
    ],
    details: {
      arrangement: `fresh workers, each in a child process, against the same lab servers; ${journeys} journeys, ${concurrency} sent at a time on both sides; carepath's RSS is its whole services process (worker, bridge, API, codec server)`,
      carepath,
      baseline: bare,
    },
  };
}
