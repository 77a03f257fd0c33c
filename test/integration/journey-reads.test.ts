import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Journeys } from '../../client/journeys';
import { addDays } from '../../pathway/time';
import { snapshotOf } from '../../schemas/episode-snapshot';
import { getProgram, ProgramRegistry } from '../../programs';
import type { ProgramDefinition } from '../../schemas';
import { staff } from '../../testkit/fixtures';
import { WorkflowJourney } from '../../testkit/journey-driver';
import { historyQuery, programQuery, stateQuery, weeksQuery } from '../../workflows/definitions';
import { timeSkippingEnvironment } from '../stack/environments';
import { runJourneyWorker } from './journey-harness';

// Program A (step-down IOP): three 3-hour group sessions a week.
const v1 = getProgram('step-down-iop');
// A provider's revision the services restart with; a coordinator moves one journey to it.
const v2: ProgramDefinition = { ...v1, version: 2 };

/** Fails fast, naming the read, instead of waiting out the test when a read needs the stopped worker. */
const withoutWorker = async <T>(what: string, read: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} waited for a worker: it was not read from the result`)),
      30000,
    );
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
};

describe('reads of journeys, on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  /** Admits under version 1, as services did before the revision was added. */
  let admitting: Journeys;
  let journeys: Journeys;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    env = await timeSkippingEnvironment();
    const { worker, running, taskQueue } = await runJourneyWorker(env.nativeConnection, 'reads');
    stopWorker = async () => {
      worker.shutdown();
      await running;
    };
    const withVersions = (...programs: ProgramDefinition[]) =>
      new Journeys(
        env.client,
        taskQueue,
        new ProgramRegistry(programs.map((program) => ({ program, file: `v${program.version}` }))),
      );
    admitting = withVersions(v1);
    journeys = withVersions(v1, v2);
  });
  afterAll(async () => {
    await stopWorker().catch(() => undefined);
    await env.teardown();
  });

  /** Admits a client under version 1, records a week of sessions, and discharges it. */
  async function dischargedJourney(moveToVersion2: boolean) {
    const j = new WorkflowJourney(env, admitting, v1);
    await j.admit('iop');
    const now = await j.now();
    for (let session = 0; session < 3; session += 1) {
      const outcome = await j.record(
        j.event('session-attended', addDays(now, session + 1), {
          sessionId: `s-${session}`,
          kind: 'group',
          hours: 3,
        }),
      );
      // An open journey is read by query, and sees what the event just did (the answer leaves out
      // the state's growing parts).
      expect(snapshotOf(await journeys.state(j.clientId))).toEqual(outcome.state);
    }
    if (moveToVersion2)
      await journeys.changeProgramVersion(j.clientId, {
        commandId: `${j.clientId}-move`,
        issuedBy: staff.coordinator,
        reasonCode: 'clinical-judgement',
      });
    await journeys.discharge(
      j.clientId,
      j.command('discharge', { kind: 'left-against-advice', reasonCode: 'client-declined' }),
    );
    await j.handle().result();
    return j;
  }

  /** What the workflow's own queries answer for the client's closed run (a replay, with the worker up). */
  async function queried(j: WorkflowJourney) {
    const handle = j.handle();
    return {
      state: await handle.query(stateQuery),
      history: await handle.query(historyQuery),
      weeks: await handle.query(weeksQuery),
      program: await handle.query(programQuery),
    };
  }

  test("a discharged client's state, history, weeks and program are read from the run's result, with no worker running", async () => {
    const stayed = await dischargedJourney(false);
    const moved = await dischargedJourney(true);
    const terminated = new WorkflowJourney(env, admitting, v1);
    await terminated.admit('iop');
    const beforeTermination = await journeys.state(terminated.clientId);
    await terminated.handle().terminate('operator ended a stuck journey');
    // A terminated run has no result: it is read by a query, which replays it.
    expect(await journeys.state(terminated.clientId)).toEqual(beforeTermination);

    const expected = { stayed: await queried(stayed), moved: await queried(moved) };
    expect(expected.stayed.state.status).toBe('discharged');
    expect(expected.stayed.program.version).toBe(1);
    expect(expected.moved.program.version).toBe(2);
    // Services whose files lack the version moved to read the program by query, never the one admitted under.
    expect(await admitting.program(moved.clientId)).toEqual(expected.moved.program);
    expect(await admitting.weeks(moved.clientId)).toEqual(expected.moved.weeks);

    await stopWorker();
    for (const [name, j] of [
      ['stayed', stayed],
      ['moved', moved],
    ] as const) {
      const read = {
        state: await withoutWorker(`${name} state`, journeys.state(j.clientId)),
        history: await withoutWorker(`${name} history`, journeys.history(j.clientId)),
        weeks: await withoutWorker(`${name} weeks`, journeys.weeks(j.clientId)),
        program: await withoutWorker(`${name} program`, journeys.program(j.clientId)),
      };
      expect(read).toEqual(expected[name]);
    }
  });
});
