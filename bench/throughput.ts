import type { WorkflowHandle } from '@temporalio/client';
import { episodeWorkflowId } from '../workflows/definitions';
import type { Progress } from '../testkit/lab';
import { countSignal } from './bare/definitions';
import type { countingWorkflow } from './bare/workflows';
import { bridgeLog, historyEventsPerInput, ticker, round } from './measure';
import type { BenchOptions } from './options';
import type { BenchmarkResult } from './report';
import type { Rig } from './rig';
import { throughputClient, type ScriptedClient } from './scenario';
import { forEachConcurrently, ratePerSecond } from './stats';

const deadlineMs = 15 * 60_000;
/** Clients whose histories are counted after a run. */
const historySample = 20;

/**
 * carepath: every client's events produced to Kafka in order, `concurrency` clients at a time;
 * done when the tap has read every outbound record the pure core predicts for them.
 */
async function carepathRun(
  rig: Rig,
  clients: readonly ScriptedClient[],
  concurrency: number,
  progress: Progress,
) {
  const keys = clients.flatMap((client) => client.outbound.flat().map((record) => record.key));
  const total = clients.reduce((n, client) => n + client.events.length, 0);
  let produced = 0;
  const tick = ticker(
    progress,
    () =>
      `produced ${produced}/${total} events, read ${rig.arrivals.countRead(keys)}/${keys.length} outbound records`,
  );
  const cpu = rig.cpu();
  const started = Date.now();
  try {
    await forEachConcurrently(clients, concurrency, async (client) => {
      for (const event of client.events) {
        await rig.produce(event);
        produced++;
      }
    });
    const allProduced = Date.now();
    const finished = await rig.arrivals.waitForAll(keys, deadlineMs);
    const cpuShares = cpu.stop();
    const bridge = bridgeLog(rig.workers.services.logFile);
    const handlings = clients
      .flatMap((client) => client.events)
      .reduce((n, event) => n + (bridge.get(event.eventId)?.handlings ?? 0), 0);
    return {
      events: total,
      outboundRecords: keys.length,
      elapsedMs: finished - started,
      allInKafkaAfterMs: allProduced - started,
      eventsPerSecond: ratePerSecond(total, finished - started),
      bridgeHandlingsPerEvent: round(handlings / total, 2),
      historyEventsPerEvent: await historyEventsPerInput(
        rig.temporal,
        clients
          .slice(0, historySample)
          .map((c) => ({ workflowId: episodeWorkflowId(c.clientId), inputs: c.events.length })),
      ),
      cpu: cpuShares,
    };
  } finally {
    tick.stop();
  }
}

/**
 * The baseline: the same clients' events as signals straight to Temporal (the first one starts the
 * workflow, as an admission does), `concurrency` clients at a time; done when every counting
 * workflow has counted its signals.
 */
async function bareRun(
  rig: Rig,
  clients: readonly ScriptedClient[],
  concurrency: number,
  progress: Progress,
) {
  const total = clients.reduce((n, client) => n + client.events.length, 0);
  let sent = 0;
  let completed = 0;
  const tick = ticker(
    progress,
    () => `sent ${sent}/${total} events, ${completed}/${clients.length} workflows done`,
  );
  const cpu = rig.cpu();
  const started = Date.now();
  try {
    const handles: WorkflowHandle<typeof countingWorkflow>[] = [];
    await forEachConcurrently(clients, concurrency, async (client) => {
      const [first, ...rest] = client.events;
      const handle = await rig.temporal.workflow.start<typeof countingWorkflow>('countingWorkflow', {
        workflowId: `bare-${client.clientId}`,
        taskQueue: rig.workers.bareTaskQueue,
        args: [rest.length, first],
      });
      sent++;
      for (const event of rest) {
        await handle.signal(countSignal, event);
        sent++;
      }
      handles.push(handle);
    });
    const allSent = Date.now();
    let finished = 0;
    await forEachConcurrently(handles, concurrency, async (handle) => {
      finished = Math.max(finished, await handle.result());
      completed++;
    });
    const cpuShares = cpu.stop();
    return {
      events: total,
      elapsedMs: finished - started,
      allSentAfterMs: allSent - started,
      eventsPerSecond: ratePerSecond(total, finished - started),
      historyEventsPerEvent: await historyEventsPerInput(
        rig.temporal,
        clients
          .slice(0, historySample)
          .map((c) => ({ workflowId: `bare-${c.clientId}`, inputs: c.events.length })),
      ),
      cpu: cpuShares,
    };
  } finally {
    tick.stop();
  }
}

/** Temporal server CPU seconds per 1,000 events of a run. */
const perThousand = (run: { events: number; cpu: Record<string, { cpuSeconds: number }> }) =>
  round(((run.cpu.temporal?.cpuSeconds ?? 0) * 1000) / run.events, 1);

const scripted = (prefix: string, count: number, events: number) =>
  Array.from({ length: count }, (_, i) => throughputClient(`${prefix}-${i + 1}`, 'default', events));

/** Inbound events through Kafka, journeys and back to Kafka, against bare signals. */
export async function throughputBenchmark(
  rig: Rig,
  opts: BenchOptions,
  progress: Progress,
): Promise<BenchmarkResult> {
  const say = (side: string) => (message: string) => progress(`throughput (${side}): ${message}`);
  const { clients, events, concurrency } = opts;
  // A warm-up on each side: the bridge and the tap have joined their groups, code paths are compiled.
  say('warm-up')('a few clients on each side…');
  await carepathRun(rig, scripted('warm-tp', 5, 4), concurrency, () => undefined);
  await bareRun(rig, scripted('warm-tp-bare', 5, 4), concurrency, () => undefined);

  say('baseline')(
    `${clients} clients × ${events} events as signals straight to Temporal, ${concurrency} clients at a time`,
  );
  const bare = await bareRun(rig, scripted('tp-bare', clients, events), concurrency, say('baseline'));
  say('carepath')(`${clients} clients × ${events} events through Kafka, ${concurrency} clients at a time`);
  const carepath = await carepathRun(rig, scripted('tp', clients, events), concurrency, say('carepath'));
  return {
    figures: [
      {
        figure: 'throughput',
        unit: 'events/s',
        carepath: carepath.eventsPerSecond,
        baseline: bare.eventsPerSecond,
        target: { kind: 'ratio-at-least', value: 0.8 },
      },
    ],
    notes: [
      `throughput: per inbound event, Temporal history events ${carepath.historyEventsPerEvent.perInput} (carepath) vs ${bare.historyEventsPerEvent.perInput} (baseline), ` +
        `Temporal server CPU ${perThousand(carepath)} vs ${perThousand(bare)} s per 1,000 events; ` +
        `the bridge handled each event ${carepath.bridgeHandlingsPerEvent} times`,
      `throughput: carepath's history events per inbound event by type: ${Object.entries(
        carepath.historyEventsPerEvent.byType,
      )
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`,
    ],
    details: {
      arrangement: `both workers in a child process against the same lab servers; ${clients} clients × ${events} events, ${concurrency} clients at a time on both sides`,
      carepath: { ...carepath, eventsPerSecond: round(carepath.eventsPerSecond, 1) },
      baseline: { ...bare, eventsPerSecond: round(bare.eventsPerSecond, 1) },
    },
  };
}
