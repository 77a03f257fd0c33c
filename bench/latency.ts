import { bareRecordKey, probeSignal } from './bare/definitions';
import type { notifyingWorkflow } from './bare/workflows';
import type { Progress } from '../testkit/lab';
import { bridgeLog, round, ticker } from './measure';
import type { BenchOptions } from './options';
import type { BenchmarkResult } from './report';
import type { Rig } from './rig';
import { latencyClient } from './scenario';
import { forEachConcurrently, percentile } from './stats';

const probeTimeoutMs = 5 * 60_000;

/** One probe: sent, accepted by Temporal (the signal call returned), and its record read. */
interface Probe {
  eventId: string;
  sentAt: number;
  acceptedAt?: number;
  readAt: number;
}

function summary(probes: readonly Probe[]) {
  const of = (values: number[]) =>
    values.length === 0
      ? undefined
      : { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
  const accepted = probes.filter((p): p is Probe & { acceptedAt: number } => p.acceptedAt !== undefined);
  return {
    samples: probes.length,
    totalMs: of(probes.map((p) => p.readAt - p.sentAt)),
    // Where the time goes: until Temporal accepted the signal, then until the record was read.
    untilAcceptedMs: of(accepted.map((p) => p.acceptedAt - p.sentAt)),
    acceptedToReadMs: of(accepted.map((p) => p.readAt - p.acceptedAt)),
  };
}

/** carepath: each client admitted, then its no-shows one at a time, each timed until its staff notification is read. */
async function carepathRun(rig: Rig, opts: BenchOptions, prefix: string, progress: Progress) {
  const clients = Array.from({ length: opts['latency-clients'] }, (_, i) =>
    latencyClient(`${prefix}-${i + 1}`, 'default', opts.probes),
  );
  const probes: Probe[] = [];
  const tick = ticker(progress, () => `${probes.length}/${clients.length * opts.probes} probes`);
  const cpu = rig.cpu();
  try {
    await forEachConcurrently(clients, opts.concurrency, async (client) => {
      const [admission, ...misses] = client.events;
      await rig.produce(admission!);
      await rig.arrivals.waitFor(client.marks[0]!, probeTimeoutMs);
      for (const [i, miss] of misses.entries()) {
        const sentAt = Date.now();
        await rig.produce(miss);
        const readAt = await rig.arrivals.waitFor(client.marks[i + 1]!, probeTimeoutMs);
        probes.push({ eventId: miss.eventId, sentAt, readAt });
      }
    });
  } finally {
    tick.stop();
  }
  const bridge = bridgeLog(rig.workers.services.logFile);
  return {
    probes: probes.map((p) => ({ ...p, acceptedAt: bridge.get(p.eventId)?.acceptedAt })),
    cpu: cpu.stop(),
  };
}

/** The baseline: per stream a workflow started, then probes signalled one at a time, each timed until its record is read. */
async function bareRun(rig: Rig, opts: BenchOptions, prefix: string, progress: Progress) {
  const streams = Array.from({ length: opts['latency-clients'] }, (_, i) => `${prefix}-${i + 1}`);
  const probes: Probe[] = [];
  const tick = ticker(progress, () => `${probes.length}/${streams.length * opts.probes} probes`);
  const cpu = rig.cpu();
  try {
    await forEachConcurrently(streams, opts.concurrency, async (streamId) => {
      const handle = await rig.temporal.workflow.start<typeof notifyingWorkflow>('notifyingWorkflow', {
        workflowId: streamId,
        taskQueue: rig.workers.bareTaskQueue,
        args: [streamId, `${streamId}-start`],
      });
      await rig.arrivals.waitFor(bareRecordKey(`${streamId}-start`), probeTimeoutMs);
      for (let i = 1; i <= opts.probes; i++) {
        const eventId = `${streamId}-probe-${i}`;
        const sentAt = Date.now();
        await handle.signal(probeSignal, eventId);
        const acceptedAt = Date.now();
        const readAt = await rig.arrivals.waitFor(bareRecordKey(eventId), probeTimeoutMs);
        probes.push({ eventId, sentAt, acceptedAt, readAt });
      }
    });
  } finally {
    tick.stop();
  }
  return { probes, cpu: cpu.stop() };
}

/** Inbound no-show to staff notification read, against signal → activity → record read. */
export async function latencyBenchmark(
  rig: Rig,
  opts: BenchOptions,
  progress: Progress,
): Promise<BenchmarkResult> {
  const say = (side: string) => (message: string) => progress(`latency (${side}): ${message}`);
  const shape = `${opts['latency-clients']} clients × ${opts.probes} probes, ${opts.concurrency} clients at a time`;
  say('warm-up')('a few clients on each side…');
  const warmUp = { ...opts, 'latency-clients': 3, probes: 1 };
  await carepathRun(rig, warmUp, 'warm-lat', () => undefined);
  await bareRun(rig, warmUp, 'warm-lat-bare', () => undefined);
  say('baseline')(`${shape}: signal → activity → Kafka record read`);
  const bare = await bareRun(rig, opts, 'lat-bare', say('baseline'));
  say('carepath')(`${shape}: no-show produced to Kafka → staff notification read`);
  const carepath = await carepathRun(rig, opts, 'lat', say('carepath'));
  const latencies = (run: { probes: Probe[] }) => run.probes.map((p) => p.readAt - p.sentAt);
  const figure = (name: string, p: number) => ({
    figure: `latency ${name}`,
    unit: 'ms',
    carepath: percentile(latencies(carepath), p),
    baseline: percentile(latencies(bare), p),
  });
  const [c, b] = [summary(carepath.probes), summary(bare.probes)];
  const p50 = (stage: { p50: number } | undefined) => (stage ? `${round(stage.p50, 0)}` : '?');
  return {
    figures: [figure('p50', 50), { ...figure('p99', 99), target: { kind: 'ratio-at-most', value: 2 } }],
    notes: [
      `latency: p50 until Temporal accepted the event ${p50(c.untilAcceptedMs)} ms (carepath: Kafka, then the bridge) vs ` +
        `${p50(b.untilAcceptedMs)} ms (baseline: the signal call); from there until the record was read ` +
        `${p50(c.acceptedToReadMs)} vs ${p50(b.acceptedToReadMs)} ms`,
    ],
    details: {
      arrangement: `both workers in a child process against the same lab servers; ${shape} on both sides, each waiting for its record before the next`,
      carepath: { ...c, cpu: carepath.cpu },
      baseline: { ...b, cpu: bare.cpu },
      samplesMs: {
        carepath: latencies(carepath).map((ms) => round(ms, 0)),
        baseline: latencies(bare).map((ms) => round(ms, 0)),
      },
    },
  };
}
