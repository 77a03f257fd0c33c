import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Client } from '@temporalio/client';
import { Journeys } from '../client/journeys';
import { carepathDataConverter } from '../codec/data-converter';
import { freePort } from '../infra/ports';
import { applyEvent } from '../pathway';
import { getProgram, shippedPrograms } from '../programs';
import type { ClientEvent, EpisodeState, ProgramDefinition } from '../schemas';
import { SyntheticClient } from '../testkit/inbound';
import type { Lab, Progress } from '../testkit/lab';
import { compiledEntryPoint, startLabProcess, startServicesProcess } from '../testkit/services';
import { prebuiltJourneyBundle } from '../workers/workflow-bundle';
import { timeSkippingServer } from '../testkit/time-skipping';
import {
  bareMetricsPortVariable,
  bareRecordKey,
  bareWorkerReady,
  countUpdate,
  probeSignal,
  probesQuery,
} from './bare/definitions';
import type { notifyingWorkflow } from './bare/workflows';
import type { Cleanup } from './cleanup';
import { liveJourneys, type LivedJourney } from './lived-journeys';
import { bareWorkflowCode, historiesOf, msPerThousandEvents, replayTimes } from './long-journey';
import { historyBreakdown, round, sdkCounter } from './measure';
import { defaultJourneys, type BenchOptions } from './options';
import { replayProfileNotes } from './replay-profile';
import type { BenchmarkResult, Figure } from './report';
import type { Rig } from './rig';
import { recordsOf } from './scenario';
import { shiftedClockVariable } from './shifted-clock';
import { forEachConcurrently, percentile, ratePerSecond } from './stats';

const probeTimeoutMs = 3 * 60_000;

/** The lab with the time-skipping server as its Temporal. */
type LabServer = Pick<Lab, 'dataDir' | 'temporalAddress' | 'brokers'>;

/**
 * Workflow tasks that replayed a whole history: the worker's sticky-cache misses, which Core counts
 * whenever a task arrives for a workflow it no longer holds, so it fetches the history from the start.
 */
const cacheMisses = 'temporal_sticky_cache_miss_total';

async function scrape(url: string): Promise<number> {
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);
  return sdkCounter(await answer.text(), cacheMisses);
}

/** One side of a run: how it gets an event (and what marks it done), a read, and its replays so far. */
interface Side {
  /** Sends an event to journey `i`; resolves with the key of the outbound record that marks it done. */
  send(i: number): Promise<string>;
  read(kind: 'state' | 'history', i: number): Promise<void>;
  replays(): Promise<number>;
}

interface Measured {
  samples: number;
  perSecond: number;
  p50: number;
  p99: number;
  replaysPer: number;
}

const measured = (latencies: number[], elapsedMs: number, replays: number): Measured => ({
  samples: latencies.length,
  perSecond: round(ratePerSecond(latencies.length, Math.max(elapsedMs, 1)), 1),
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  replaysPer: round(replays / latencies.length, 2),
});

/**
 * `total` events, each to a random journey not already waiting for one (so each journey's events
 * stay in order), `concurrency` at a time but on at most half the journeys, so that each next one is
 * drawn from at least half of them; each timed from its send to its record being read.
 */
async function eventLoad(rig: Rig, side: Side, journeys: number, total: number, concurrency: number) {
  const busy = new Set<number>();
  const pick = () => {
    for (;;) {
      const i = Math.floor(Math.random() * journeys);
      if (!busy.has(i)) return i;
    }
  };
  const latencies: number[] = [];
  const before = await side.replays();
  const started = Date.now();
  let lastReadAt = started;
  await forEachConcurrently(
    Array.from({ length: total }, (_, n) => n),
    Math.max(1, Math.min(concurrency, Math.floor(journeys / 2))),
    async () => {
      const i = pick();
      busy.add(i);
      const sentAt = Date.now();
      const readAt = await rig.arrivals.waitFor(await side.send(i), probeTimeoutMs);
      busy.delete(i);
      latencies.push(readAt - sentAt);
      lastReadAt = Math.max(lastReadAt, readAt);
    },
  );
  return measured(latencies, lastReadAt - started, (await side.replays()) - before);
}

/** `total` reads of random journeys by `concurrency` readers, each timed until answered. */
async function readLoad(
  side: Side,
  kind: 'state' | 'history',
  journeys: number,
  total: number,
  concurrency: number,
) {
  const latencies: number[] = [];
  const before = await side.replays();
  const started = Date.now();
  await forEachConcurrently(
    Array.from({ length: total }, (_, n) => n),
    concurrency,
    async () => {
      const sentAt = Date.now();
      await side.read(kind, Math.floor(Math.random() * journeys));
      latencies.push(Date.now() - sentAt);
    },
  );
  return measured(latencies, Date.now() - started, (await side.replays()) - before);
}

/** What a journey is expected to do next, from the pure core: its state and the program it runs. */
interface Expected {
  lived: LivedJourney;
  client: SyntheticClient;
  program: ProgramDefinition;
  state: EpisodeState;
}

/** One case, cached or not: its journeys, their worker and reads, and the bare workflows beside them. */
interface Case {
  tag: 'cached' | 'uncached';
  cache: number;
  taskQueue: string;
  bareTaskQueue: string;
  journeys: Journeys;
  workerMetricsPort: number;
  bareMetricsPort: number;
  expected: Expected[];
  bareIds: string[];
}

/** A journey worker (the services' worker role alone) for one case; it lives the whole run. */
async function startCaseWorkers(server: LabServer, c: Case, payloadKeys: string) {
  const worker = await startServicesProcess(server, {
    name: `realistic-worker-${c.tag}`,
    role: 'worker',
    env: {
      TEMPORAL_TASK_QUEUE: c.taskQueue,
      TEMPORAL_MAX_CACHED_WORKFLOWS: String(c.cache),
      CAREPATH_PAYLOAD_KEYS: payloadKeys,
      CAREPATH_HEALTH_PORT: String(c.workerMetricsPort),
    },
  });
  const bare = await startLabProcess(server, {
    name: `realistic-bare-${c.tag}`,
    entry: 'bench/bare/worker.js',
    readyLine: bareWorkerReady,
    env: {
      TEMPORAL_TASK_QUEUE: c.bareTaskQueue,
      TEMPORAL_MAX_CACHED_WORKFLOWS: String(c.cache),
      [bareMetricsPortVariable]: String(c.bareMetricsPort),
    },
  });
  return [worker, bare];
}

interface CaseResult {
  events: Measured;
  state: Measured;
  history: Measured;
  bareEvents: Measured;
  bareReads: Measured;
}

async function runCase(
  rig: Rig,
  c: Case,
  bare: Client,
  shift: number,
  opts: { total: number; concurrency: number },
  progress: Progress,
): Promise<CaseResult> {
  let sequence = 0;
  const carepath: Side = {
    async send(i) {
      const journey = c.expected[i] as Expected;
      const event: ClientEvent = {
        ...journey.client.missed(),
        occurredAt: new Date(Date.now() + shift).toISOString(),
      };
      const decision = applyEvent(journey.state, event, journey.program);
      journey.state = decision.state;
      const records = recordsOf(decision, journey.program);
      const mark = records.find((record) => record.stream === 'staff-notifications') ?? records[0];
      if (!mark)
        throw new Error(`a no-show of ${journey.lived.clientId} publishes nothing, so it cannot be timed`);
      await rig.produce(event);
      return mark.key;
    },
    async read(kind, i) {
      const clientId = (c.expected[i] as Expected).lived.clientId;
      await (kind === 'state' ? c.journeys.state(clientId) : c.journeys.history(clientId));
    },
    replays: () => scrape(`http://127.0.0.1:${c.workerMetricsPort}/metrics`),
  };
  const baseline: Side = {
    async send(i) {
      const probeId = `${c.bareIds[i]}-${++sequence}`;
      await bare.workflow.getHandle(c.bareIds[i] as string).signal(probeSignal, probeId);
      return bareRecordKey(probeId);
    },
    async read(_kind, i) {
      await bare.workflow.getHandle(c.bareIds[i] as string).query(probesQuery);
    },
    replays: () => scrape(`http://127.0.0.1:${c.bareMetricsPort}/metrics`),
  };
  const n = c.expected.length;
  progress(
    `carepath: ${opts.total} no-shows produced to Kafka, each to a random journey, ${opts.concurrency} at a time…`,
  );
  const events = await eventLoad(rig, carepath, n, opts.total, opts.concurrency);
  progress(`carepath: ${opts.total} state and ${opts.total} history reads, ${opts.concurrency} readers…`);
  const state = await readLoad(carepath, 'state', n, opts.total, opts.concurrency);
  const history = await readLoad(carepath, 'history', n, opts.total, opts.concurrency);
  progress(`baseline: ${opts.total} probes signalled, then ${opts.total} queries…`);
  const bareEvents = await eventLoad(rig, baseline, n, opts.total, opts.concurrency);
  const bareReads = await readLoad(baseline, 'state', n, opts.total, opts.concurrency);
  return { events, state, history, bareEvents, bareReads };
}

/**
 * Inputs counted into each bare workflow until its history is `target` events long, as Updates (as
 * the journeys' history was recorded), each answered before the next, so the length is read exactly.
 */
async function padBare(
  bare: Client,
  bareIds: string[],
  target: number,
  payload: ClientEvent,
  concurrency: number,
): Promise<number[]> {
  const lengths: number[] = [];
  await forEachConcurrently(bareIds, concurrency, async (workflowId) => {
    const handle = bare.workflow.getHandle(workflowId);
    for (;;) {
      const length = (await handle.describe()).historyLength;
      if (length >= target) return void lengths.push(length);
      // An Update adds five events at most: a workflow task's three, accepted and completed.
      for (let i = 0; i < Math.ceil((target - length) / 5); i++)
        await handle.executeUpdate(countUpdate, { args: [payload] });
    }
  });
  return lengths;
}

const mean = (values: readonly number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
const span = (values: readonly number[]) => `${Math.min(...values)}–${Math.max(...values)}`;

/**
 * Journeys with months of history, on a time-skipping server: events through Kafka and reads
 * through the journeys' client library, once for journeys whose worker caches them all and once
 * for journeys whose worker caches fewer than their number, each against bare workflows padded to
 * the same history length under the same cache. The time-skipping server never moves a workflow
 * off the sticky queue of a stopped worker, so each case keeps its own workers (and journeys,
 * on a task queue of their own) from the first admission to the last read.
 */
export async function realisticBenchmark(
  rig: Rig,
  opts: BenchOptions,
  progress: Progress,
  cleanup: Cleanup,
  /** With --cpu-prof: where the replays' CPU profiles go. */
  profilesDir?: string,
): Promise<BenchmarkResult> {
  const profileOf = (side: string) => profilesDir && join(profilesDir, `realistic-replay-${side}.cpuprofile`);
  const say = (stage: string) => (message: string) => progress(`realistic (${stage}): ${message}`);
  const count = opts.journeys ?? defaultJourneys.realistic;
  const { months, concurrency } = opts;
  const program = getProgram(opts.program);
  const total = count * opts.probes;

  const key = randomBytes(32);
  const payloadKeys = `bench-realistic:${key.toString('base64')}`;
  const dataConverter = carepathDataConverter({
    currentKeyId: 'bench-realistic',
    keys: new Map([['bench-realistic', key]]),
  });
  say('setup')("stopping the rig's workers, starting a time-skipping server…");
  await rig.releaseWorkers();
  const env = await timeSkippingServer(rig.lab.install.temporalTestServer, dataConverter);
  cleanup.add('the realistic time-skipping server', () => env.teardown());
  const server: LabServer = { ...rig.lab, temporalAddress: env.address };
  const makeCase = async (tag: Case['tag'], cache: number): Promise<Case> => ({
    tag,
    cache,
    taskQueue: `bench-realistic-${tag}`,
    bareTaskQueue: `bench-realistic-bare-${tag}`,
    journeys: new Journeys(env.client, `bench-realistic-${tag}`, shippedPrograms),
    workerMetricsPort: await freePort(),
    bareMetricsPort: await freePort(),
    expected: [],
    bareIds: Array.from({ length: count }, (_, i) => `realistic-bare-${tag}-${i + 1}`),
  });
  // Room to spare in the cached case: none of its journeys is ever evicted.
  const cases = [await makeCase('cached', count + 10), await makeCase('uncached', opts.cache)];
  for (const c of cases) {
    say(c.tag)(`a journey worker and a bare worker, each caching ${c.cache} workflows…`);
    const processes = await startCaseWorkers(server, c, payloadKeys);
    cleanup.add(`the realistic ${c.tag} workers`, () => Promise.all(processes.map((p) => p.stop())));
  }

  say('history')(
    `${2 * count} journeys of ${program.programId} (${count} per case), each living ${months} months on the server's clock…`,
  );
  const started = Date.now();
  const caseOf = (i: number) => cases[i % 2] as Case;
  const built = await liveJourneys(
    env,
    (i) => caseOf(i).journeys,
    program,
    { count: 2 * count, months },
    say('history'),
  );
  const buildSeconds = round((Date.now() - started) / 1000, 0);
  const runs = await Promise.all(built.lived.map((j) => historiesOf(env.client, j.workflowId, j.firstRunId)));
  for (const [i, lived] of built.lived.entries()) {
    const c = caseOf(i);
    c.expected.push({
      lived,
      client: new SyntheticClient(lived.clientId, program.programId),
      program: await c.journeys.program(lived.clientId),
      state: await c.journeys.state(lived.clientId),
    });
  }
  const closed = cases.flatMap((c) => c.expected).filter((j) => j.state.status !== 'active').length;
  if (closed > 0)
    throw new Error(
      `${closed} of ${2 * count} journeys ended within ${months} months of ${program.programId}: pick fewer --months or a longer --program`,
    );
  const currentRunEvents = runs.map((histories) => histories.at(-1)?.events?.length ?? 0);
  const runsPerJourney = runs.map((histories) => histories.length);

  // The bare workflows, padded to the mean current run of their case's journeys.
  const bare = new Client({ connection: env.connection });
  const bareEvents: number[] = [];
  for (const [index, c] of cases.entries()) {
    const target = mean(currentRunEvents.filter((_, i) => i % 2 === index));
    say(c.tag)(`${count} bare workflows padded with Updates to ${target} history events…`);
    for (const workflowId of c.bareIds)
      await bare.workflow.start<typeof notifyingWorkflow>('notifyingWorkflow', {
        workflowId,
        taskQueue: c.bareTaskQueue,
        args: [workflowId],
      });
    bareEvents.push(
      ...(await padBare(bare, c.bareIds, target, (c.expected[0] as Expected).client.attended(), concurrency)),
    );
  }

  // What one cache miss costs an uncached worker: a journey's current run and a bare workflow
  // padded to its length, each replayed whole in this process with the workers' own code.
  say('replay')(
    `a journey's current run and a bare workflow's history, each replayed ${opts.replays} times…`,
  );
  const uncached = cases[1] as Case;
  const journeyRun = runs[cases.indexOf(uncached)]?.at(-1);
  if (!journeyRun) throw new Error('no journey lived in the uncached case');
  const bareRun = await bare.workflow.getHandle(uncached.bareIds[0] as string).fetchHistory();
  const journeyBundle = prebuiltJourneyBundle({ traced: false });
  if (!journeyBundle)
    throw new Error('no current prebuilt workflow bundle, which the journey workers run: npm run build');
  const journeyReplay = await replayTimes(
    readFileSync(journeyBundle.codePath, 'utf8'),
    dataConverter,
    journeyRun,
    opts.replays,
    profileOf('carepath'),
  );
  const bareReplay = await replayTimes(
    await bareWorkflowCode(),
    undefined,
    bareRun,
    opts.replays,
    profileOf('baseline'),
  );
  const replayed = { carepath: journeyRun.events?.length ?? 0, baseline: bareRun.events?.length ?? 0 };

  // The bridge reads the server's clock, months ahead of the machine's: see shifted-clock.ts.
  const shift = (await env.currentTimeMs()) - Date.now();
  say('setup')("the inbound bridge, on the server's clock…");
  const bridge = await startServicesProcess(server, {
    name: 'realistic-bridge',
    role: 'bridge',
    nodeArgs: ['--require', compiledEntryPoint(join('bench', 'shifted-clock.js'))],
    env: { CAREPATH_PAYLOAD_KEYS: payloadKeys, [shiftedClockVariable]: String(shift) },
  });
  cleanup.add('the realistic bridge', () => bridge.stop());

  const results: { c: Case; result: CaseResult }[] = [];
  for (const c of cases) {
    // Every workflow read once: the cached case's are then all in their worker's cache.
    say(c.tag)('every journey and bare workflow read once…');
    await forEachConcurrently(
      c.expected,
      concurrency,
      async (j) => void (await c.journeys.state(j.lived.clientId)),
    );
    await forEachConcurrently(
      c.bareIds,
      concurrency,
      async (id) => void (await bare.workflow.getHandle(id).query(probesQuery)),
    );
    results.push({ c, result: await runCase(rig, c, bare, shift, { total, concurrency }, say(c.tag)) });
  }

  const label = (c: Case) =>
    c.tag === 'cached' ? `cached (cache ${c.cache})` : `uncached (cache ${c.cache})`;
  const figures: Figure[] = results.flatMap(({ c, result: r }) => [
    {
      figure: `realistic ${label(c)}: events`,
      unit: 'events/s',
      carepath: r.events.perSecond,
      baseline: r.bareEvents.perSecond,
    },
    {
      figure: `realistic ${label(c)}: event→record p50`,
      unit: 'ms',
      carepath: r.events.p50,
      baseline: r.bareEvents.p50,
    },
    {
      figure: `realistic ${label(c)}: event→record p99`,
      unit: 'ms',
      carepath: r.events.p99,
      baseline: r.bareEvents.p99,
    },
    {
      figure: `realistic ${label(c)}: replays per event`,
      unit: 'replays',
      carepath: r.events.replaysPer,
      baseline: r.bareEvents.replaysPer,
    },
    {
      figure: `realistic ${label(c)}: state read p50`,
      unit: 'ms',
      carepath: r.state.p50,
      baseline: r.bareReads.p50,
    },
    {
      figure: `realistic ${label(c)}: state read p99`,
      unit: 'ms',
      carepath: r.state.p99,
      baseline: r.bareReads.p99,
    },
    {
      figure: `realistic ${label(c)}: history read p50`,
      unit: 'ms',
      carepath: r.history.p50,
      baseline: r.bareReads.p50,
    },
    {
      figure: `realistic ${label(c)}: history read p99`,
      unit: 'ms',
      carepath: r.history.p99,
      baseline: r.bareReads.p99,
    },
    {
      figure: `realistic ${label(c)}: replays per read`,
      unit: 'replays',
      carepath: round((r.state.replaysPer + r.history.replaysPer) / 2, 2),
      baseline: r.bareReads.replaysPer,
    },
  ]);
  figures.push({
    figure: 'realistic: replay of a current run (a cache miss)',
    unit: 'ms',
    carepath: journeyReplay.medianMs,
    baseline: bareReplay.medianMs,
  });
  const [cachedResult, uncachedResult] = results.map(({ result }) => result) as [CaseResult, CaseResult];
  const times = (a: number, b: number) => (b === 0 ? '—' : `${round(a / b, 1)}×`);
  const breakdown = historyBreakdown(runs.flat());
  return {
    figures,
    notes: [
      `realistic: ${2 * count} journeys of ${program.programId} each lived ${months} months on a time-skipping server (built in ${buildSeconds} s, ` +
        `${round(built.inputs / (2 * count), 0)} inputs a journey): current run ${span(currentRunEvents)} history events (mean ${mean(currentRunEvents)}), ` +
        `${span(runsPerJourney)} runs a journey; bare workflows padded to ${span(bareEvents)} events`,
      `realistic: uncached against cached, carepath: events/s ${times(uncachedResult.events.perSecond, cachedResult.events.perSecond)}, ` +
        `event→record p99 ${times(uncachedResult.events.p99, cachedResult.events.p99)}, state read p99 ${times(uncachedResult.state.p99, cachedResult.state.p99)}, ` +
        `history read p99 ${times(uncachedResult.history.p99, cachedResult.history.p99)}; baseline: events/s ` +
        `${times(uncachedResult.bareEvents.perSecond, cachedResult.bareEvents.perSecond)}, event→record p99 ` +
        `${times(uncachedResult.bareEvents.p99, cachedResult.bareEvents.p99)}, read p99 ${times(uncachedResult.bareReads.p99, cachedResult.bareReads.p99)}; ` +
        `replays are each worker's sticky-cache misses (${cacheMisses})`,
      `realistic: one replay of a current run, ${replayed.carepath} (carepath) vs ${replayed.baseline} (baseline) history events: ` +
        `${msPerThousandEvents(journeyReplay.medianMs, replayed.carepath)} vs ${msPerThousandEvents(bareReplay.medianMs, replayed.baseline)} ms per 1,000 history events ` +
        `(median of ${opts.replays} in this process, after a first that includes the replay worker's start)`,
      ...replayProfileNotes('realistic', journeyReplay.parts, bareReplay.parts),
      `realistic: a journey's history events per input, by type: ${Object.entries(
        breakdown.perType(built.inputs),
      )
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`,
    ],
    details: {
      arrangement:
        `a time-skipping server (its clock months ahead: the bridge reads it shifted, see bench/shifted-clock.ts) and the lab's Kafka; ` +
        `per case ${count} journeys and ${count} bare workflows on task queues of their own, one journey worker (--role worker) and one bare worker caching the case's number; ` +
        `one bridge; ${total} events and ${total} reads of each kind per case, ${concurrency} at a time`,
      program: program.programId,
      months,
      buildSeconds,
      inputs: built.inputs,
      currentRunEvents,
      runsPerJourney,
      bareEvents,
      replay: { events: replayed, carepath: journeyReplay, baseline: bareReplay },
      cases: Object.fromEntries(results.map(({ c, result }) => [label(c), result])),
    },
  };
}
