import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { Journeys } from '../client/journeys';
import { carepathDataConverter } from '../codec/data-converter';
import { loadLocalConfig } from '../config';
import { ensureInstalled } from '../infra/install';
import { getProgram, shippedPrograms } from '../programs';
import type { ProgramDefinition } from '../schemas';
import { createJourneyWorker } from '../workers/journey-worker';
import { journeyBundleOptions } from '../workers/workflow-bundle';
import { journeyWorkerTracing } from '../workers/tracing';
import { countUpdate } from './bare/definitions';
import type { countingWorkflow } from './bare/workflows';
import type { Cleanup } from './cleanup';
import { walkHappyPath } from '../testkit/happy-path';
import { WorkflowJourney, type JourneyStep } from '../testkit/journey-driver';
import type { Progress } from '../testkit/lab';
import { advanceClock, timeSkippingServer } from '../testkit/time-skipping';
import { round, ticker } from './measure';
import type { BenchOptions } from './options';
import type { BenchmarkResult } from './report';
import { replayProfileNotes, replayTimeByPart, type ReplayPartTime } from './replay-profile';
import { percentile } from './stats';

type History = temporal.api.history.v1.IHistory;

/** The event count of every run of a workflow, following continue-as-new from its first run. */
export async function historiesOf(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<History[]> {
  const histories: History[] = [];
  for (let runId: string | null | undefined = firstRunId; runId;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return histories;
}

/**
 * A CPU profile of this process from now on, written to `path` and returned when the returned
 * function is called: a replay worker runs its workflows on this process's main thread.
 */
async function profileThisProcess(path: string): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(profile));
    return profile;
  };
}

/**
 * Replay times of a history: the history replayed `replays + 1` times by one replay worker. The first
 * includes the worker's start (loading the bundle, its source map, a V8 context); the others are
 * what a running worker spends replaying the history when the workflow is not in its cache. With
 * `profilePath` (`--cpu-prof`), a CPU profile of those others is written there, and where their time
 * went is returned.
 */
export async function replayTimes(
  code: string,
  dataConverter: DataConverter | undefined,
  history: History,
  replays: number,
  profilePath?: string,
): Promise<{ medianMs: number; coldMs: number; samplesMs: number[]; parts?: ReplayPartTime[] }> {
  const copies = Array.from({ length: replays + 1 }, (_, i) => ({ workflowId: `replay-${i}`, history }));
  const times: number[] = [];
  let stopProfile: (() => Promise<Profiler.Profile>) | undefined;
  let since = performance.now();
  for await (const result of Worker.runReplayHistories(
    {
      workflowBundle: { code },
      sinks: journeyWorkerTracing(undefined).sinks,
      ...(dataConverter && { dataConverter }),
    },
    copies,
  )) {
    if (result.error) throw result.error;
    if (times.length === 0 && profilePath !== undefined) stopProfile = await profileThisProcess(profilePath);
    const now = performance.now();
    times.push(now - since);
    since = now;
  }
  const profile = await stopProfile?.();
  const [coldMs = 0, ...warm] = times;
  return {
    medianMs: percentile(warm, 50),
    coldMs: round(coldMs, 0),
    samplesMs: warm.map((ms) => round(ms, 0)),
    ...(profile && { parts: replayTimeByPart(profile, code, replays) }),
  };
}

/** A replay's time per 1,000 of its history's events, the figure comparable across lengths. */
export const msPerThousandEvents = (ms: number, events: number): number => round((ms * 1000) / events, 0);

/** The bare workflows' bundle, as the bare workers run them. */
export const bareWorkflowCode = async (): Promise<string> =>
  (
    await bundleWorkflowCode({
      workflowsPath: require.resolve('./bare/workflows'),
      // webpack's report of every module would bury the progress lines.
      logger: new DefaultLogger('WARN'),
    })
  ).code;

/** Figures of one simulated workflow: how long the simulation took, and its history per run. */
interface Simulated {
  wallMs: number;
  histories: History[];
}

const eventsPerRun = (sim: Simulated) => sim.histories.map((history) => history.events?.length ?? 0);
const longestRun = (sim: Simulated): History =>
  sim.histories.reduce((a, b) => ((b.events?.length ?? 0) > (a.events?.length ?? 0) ? b : a));

const stepInstant = (step: JourneyStep) => Date.parse(step.kind === 'input' ? step.at : step.to);

/** The journey: admission to the program's end on the time-skipping server. */
async function simulateJourney(
  env: TestWorkflowEnvironment,
  journeys: Journeys,
  program: ProgramDefinition,
  progress: Progress,
): Promise<Simulated & { steps: JourneyStep[]; admittedAt: number; endedAt: number }> {
  const steps: JourneyStep[] = [];
  const journey = new WorkflowJourney(env, journeys, program, { onStep: (step) => steps.push(step) });
  const admittedAt = await env.currentTimeMs();
  const tick = ticker(progress, () => {
    const inputs = steps.filter((step) => step.kind === 'input').length;
    const last = steps.at(-1);
    const at = last ? stepInstant(last) : admittedAt;
    return `simulated day ${Math.floor((at - admittedAt) / 86_400_000)}, ${inputs} inputs recorded`;
  });
  try {
    const started = performance.now();
    await journey.admit();
    const { workflowId, runId } = await journey.handle().describe();
    await walkHappyPath(journey);
    const state = await journey.state();
    const wallMs = performance.now() - started;
    if (state.status !== 'discharged' || state.discharge?.kind !== 'completed')
      throw new Error(`the journey did not complete (status ${state.status}, level ${state.level})`);
    return {
      wallMs,
      histories: await historiesOf(env.client, workflowId, runId),
      steps,
      admittedAt,
      // The last step's instant, not the server's clock: reading a completed run waits on its result,
      // which lets the time-skipping server move the clock on.
      endedAt: steps.length ? stepInstant(steps.at(-1) as JourneyStep) : admittedAt,
    };
  } finally {
    tick.stop();
  }
}

/** The baseline: a counting workflow given the journey's inputs at the same instants, as Updates. */
async function simulateBare(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  steps: readonly JourneyStep[],
): Promise<Simulated> {
  // The bare worker has no codec: its client must not encrypt either.
  const client = new Client({ connection: env.connection });
  const inputs = steps.filter(
    (step): step is Extract<JourneyStep, { kind: 'input' }> => step.kind === 'input',
  );
  const [admission, ...rest] = inputs;
  const started = performance.now();
  const handle = await client.workflow.start<typeof countingWorkflow>('countingWorkflow', {
    workflowId: 'long-journey-bare-1',
    taskQueue,
    args: [rest.length, admission?.payload],
  });
  for (const step of steps.slice(1)) {
    if (step.kind === 'advance') await advanceClock(env, step.to);
    else {
      await advanceClock(env, step.at);
      await handle.executeUpdate(countUpdate, { args: [step.payload] });
    }
  }
  await handle.result();
  const wallMs = performance.now() - started;
  return { wallMs, histories: await historiesOf(client, handle.workflowId, handle.firstExecutionRunId) };
}

/**
 * A 12-month journey (by default milestone-tapered IOP: 180 days of IOP, 28 of
 * outpatient, 180 of aftercare) simulated on the time-skipping server, its history counted and replayed.
 */
export async function longJourneyBenchmark(
  opts: BenchOptions,
  progress: Progress,
  cleanup: Cleanup,
  /** With --cpu-prof: where the replays' CPU profiles go. */
  profilesDir?: string,
): Promise<BenchmarkResult> {
  const profileOf = (side: string) => profilesDir && join(profilesDir, `long-replay-${side}.cpuprofile`);
  const say = (side: string) => (message: string) => progress(`long journey (${side}): ${message}`);
  const program = getProgram(opts.program);
  const install = await ensureInstalled(loadLocalConfig().cacheDir, progress);
  say('setup')('bundling the workflows, starting a time-skipping server…');
  const [journeyCode, bareCode] = await Promise.all([
    bundleWorkflowCode({ ...journeyBundleOptions({ traced: false }), logger: new DefaultLogger('WARN') }),
    bareWorkflowCode(),
  ]);
  // A key of the run's own: carepath always encrypts its payloads, the baseline never does.
  const dataConverter = carepathDataConverter({
    currentKeyId: 'bench-1',
    keys: new Map([['bench-1', randomBytes(32)]]),
  });
  const env = await timeSkippingServer(install.temporalTestServer, dataConverter);
  cleanup.add('the time-skipping server', () => env.teardown());
  const taskQueue = 'bench-long-journeys';
  const bareTaskQueue = 'bench-long-bare';
  const journeyWorker = await createJourneyWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    // Effects are counted, not published: this benchmark is about history and time, not Kafka.
    publisher: { publish: async () => undefined, sendOutbox: async () => undefined },
    dataConverter,
    workflowBundle: { code: journeyCode.code },
  });
  const bareWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: bareTaskQueue,
    workflowBundle: { code: bareCode },
  });
  const running = Promise.all([journeyWorker.run(), bareWorker.run()]);
  cleanup.add('the long-journey workers', async () => {
    journeyWorker.shutdown();
    bareWorker.shutdown();
    await running;
  });

  say('carepath')(`${program.programId} from admission to its end`);
  const journey = await simulateJourney(
    env,
    new Journeys(env.client, taskQueue, shippedPrograms),
    program,
    say('carepath'),
  );
  say('baseline')('a counting workflow given the same inputs at the same instants');
  const bare = await simulateBare(env, bareTaskQueue, journey.steps);
  say('replay')(`replaying each history ${opts.replays} times…`);
  const journeyReplay = await replayTimes(
    journeyCode.code,
    dataConverter,
    longestRun(journey),
    opts.replays,
    profileOf('carepath'),
  );
  const bareReplay = await replayTimes(
    bareCode,
    undefined,
    longestRun(bare),
    opts.replays,
    profileOf('baseline'),
  );
  const days = Math.round((journey.endedAt - journey.admittedAt) / 86_400_000);
  const inputs = journey.steps.filter((step) => step.kind === 'input').length;
  const [journeyEvents, bareEvents] = [Math.max(...eventsPerRun(journey)), Math.max(...eventsPerRun(bare))];
  return {
    figures: [
      {
        figure: 'history events per run',
        unit: 'events',
        carepath: journeyEvents,
        baseline: bareEvents,
        target: { kind: 'at-most', value: 2000 },
      },
      {
        figure: 'replay of that history',
        unit: 'ms',
        carepath: journeyReplay.medianMs,
        baseline: bareReplay.medianMs,
        target: { kind: 'below', value: 1000 },
      },
      {
        figure: 'replay with the worker start',
        unit: 'ms',
        carepath: journeyReplay.coldMs,
        baseline: bareReplay.coldMs,
      },
      {
        figure: `simulating ${days} days`,
        unit: 's',
        carepath: journey.wallMs / 1000,
        baseline: bare.wallMs / 1000,
        target: { kind: 'below', value: 30 },
      },
    ],
    notes: [
      `long journey: ${inputs} inputs over ${days} days; history events per input ${round(journeyEvents / inputs, 1)} ` +
        `(carepath) vs ${round(bareEvents / inputs, 1)} (baseline); replay ` +
        `${msPerThousandEvents(journeyReplay.medianMs, journeyEvents)} vs ${msPerThousandEvents(bareReplay.medianMs, bareEvents)} ms per 1,000 history events`,
      ...replayProfileNotes('long journey', journeyReplay.parts, bareReplay.parts),
    ],
    details: {
      arrangement:
        'both workers in this process on one time-skipping server, one after the other; replays by one replay worker with a prebuilt bundle: the first includes the worker start, the median of the others is the replay figure',
      program: program.programId,
      simulatedDays: days,
      inputs,
      carepath: {
        eventsPerRun: eventsPerRun(journey),
        replay: journeyReplay,
        wallMs: round(journey.wallMs, 0),
      },
      baseline: { eventsPerRun: eventsPerRun(bare), replay: bareReplay, wallMs: round(bare.wallMs, 0) },
    },
  };
}
