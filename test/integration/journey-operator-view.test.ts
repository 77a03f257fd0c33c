import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledFailure, type Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { Journeys } from '../../client/journeys';
import { getProgram, shippedPrograms } from '../../programs';
import { episodeWorkflowId } from '../../workflows/definitions';
import {
  CareLevel,
  ClientId,
  EpisodeStatus,
  LevelSince,
  ProgramId,
  RiskLevel,
} from '../../workflows/search-attributes';
import { devServer } from '../stack/environments';
import { staff } from '../../testkit/fixtures';
import { SyntheticClient } from '../../testkit/inbound';
import { runJourneyWorker } from './journey-harness';

/** What an operator sees in the Temporal UI, checked on the dev server (real visibility store). */
describe('the operator view of journeys on the dev server', () => {
  let dev: Awaited<ReturnType<typeof devServer>>;
  let worker: Worker;
  let running: Promise<void>;
  let journeys: Journeys;
  const ids = {
    relapsed: `client-${randomUUID()}`,
    steady: `client-${randomUUID()}`,
    detox: `client-${randomUUID()}`,
  };

  beforeAll(async () => {
    dev = await devServer();
    const started = await runJourneyWorker(dev.nativeConnection, 'operator-view');
    ({ worker, running } = started);
    journeys = new Journeys(dev.client, started.taskQueue, shippedPrograms);
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await dev.close();
  });

  const admit = (clientId: string, programId: string, level: 'iop' | 'detox') =>
    journeys.admit(new SyntheticClient(clientId, programId, level).admitted());

  async function list(client: Client, query: string, expected: number): Promise<string[]> {
    for (let attempt = 0; ; attempt++) {
      const found: string[] = [];
      for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
      if (found.length >= expected || attempt > 50) return found.sort();
      await sleep(200);
    }
  }

  test('search attributes follow the journey and a visibility query finds the right clients', async () => {
    await admit(ids.relapsed, 'step-down-iop', 'iop');
    await admit(ids.steady, 'step-down-iop', 'iop');
    await admit(ids.detox, 'full-continuum', 'detox');
    await journeys.recordEventAndWait({
      type: 'relapse-reported',
      eventId: `${ids.relapsed}-relapse`,
      clientId: ids.relapsed,
      occurredAt: new Date().toISOString(),
      recordedBy: staff.counsellor,
      withdrawalRisk: false,
    });

    const ours = `ClientId IN (${Object.values(ids)
      .map((id) => `"${id}"`)
      .join(', ')})`;
    expect(await list(dev.client, `CareLevel = "iop" AND RiskLevel = "high" AND ${ours}`, 1)).toEqual([
      episodeWorkflowId(ids.relapsed),
    ]);
    expect(
      await list(dev.client, `ProgramId = "step-down-iop" AND EpisodeStatus = "active" AND ${ours}`, 2),
    ).toEqual([episodeWorkflowId(ids.relapsed), episodeWorkflowId(ids.steady)].sort());
    expect(await list(dev.client, `CareLevel = "detox" AND RiskLevel = "high" AND ${ours}`, 1)).toEqual([
      episodeWorkflowId(ids.detox),
    ]);

    const handle = dev.client.workflow.getHandle(episodeWorkflowId(ids.detox));
    const description = await handle.describe();
    const state = await journeys.state(ids.detox);
    expect(description.typedSearchAttributes.get(CareLevel)).toBe('detox');
    expect(description.typedSearchAttributes.get(ProgramId)).toBe('full-continuum');
    expect(description.typedSearchAttributes.get(EpisodeStatus)).toBe('active');
    expect(description.typedSearchAttributes.get(RiskLevel)).toBe('high');
    expect(description.typedSearchAttributes.get(ClientId)).toBe(ids.detox);
    expect(description.typedSearchAttributes.get(LevelSince)?.toISOString()).toBe(state.levelSince);
    expect(await description.staticSummary()).toBe(
      `Care episode of client ${ids.detox} in program full-continuum`,
    );
  });

  test('current details show the level, its start, the week against its target and the next review', async () => {
    const clientId = `client-${randomUUID()}`;
    await admit(clientId, 'full-continuum', 'iop');
    const program = getProgram('full-continuum');
    const occurredAt = new Date().toISOString();
    const outcome = await journeys.recordEventAndWait({
      type: 'session-attended',
      eventId: `${clientId}-session-1`,
      clientId,
      occurredAt,
      recordedBy: staff.counsellor,
      sessionId: 'session-1',
      kind: 'group',
      hours: 3,
    });
    const handle = dev.client.workflow.getHandle(episodeWorkflowId(clientId));
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    const details = metadata.currentDetails ?? '';
    const state = outcome.state;
    expect(details).toContain(`**Level of care** iop since ${state.levelSince}`);
    // A week entered mid-week is held to its share of the level's target: the state says which.
    expect(state.week.targetHours).toBeLessThanOrEqual(program.levels.iop!.weeklyHours!.target);
    expect(details).toContain(`3 of ${state.week.targetHours} h in 1 sessions`);
    expect(details).toContain(`(from ${state.week.start} to ${state.week.end})`);
    expect(details).toMatch(/\*\*Next review\*\* [a-z-]+ at \d{4}-/);
    expect(details).not.toContain(staff.coordinator.staffId);

    await journeys.requestTransition(clientId, {
      type: 'transition-requested',
      commandId: `${clientId}-to-php`,
      issuedBy: staff.coordinator,
      targetLevel: 'php',
      reasonCode: 'needs-more-structure',
    });
    const after = await handle.describe();
    expect(after.typedSearchAttributes.get(CareLevel)).toBe('php');
    expect(after.typedSearchAttributes.get(LevelSince)?.toISOString()).toBe(
      (await journeys.state(clientId)).levelSince,
    );
    const updated = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(updated.currentDetails).toContain('**Level of care** php since');
  });

  test('an operator who cancels a journey in the Temporal UI sees it end as cancelled', async () => {
    const clientId = `client-${randomUUID()}`;
    await admit(clientId, 'step-down-iop', 'iop');
    const handle = dev.client.workflow.getHandle(episodeWorkflowId(clientId));
    const timerStarted = async () =>
      (await handle.fetchHistory()).events?.some((event) => event.timerStartedEventAttributes) ?? false;
    while (!(await timerStarted())) await sleep(200);
    await handle.cancel();
    // The journey waits on its next review's timer: that timer's cancellation must not fail the task.
    await expect(handle.result()).rejects.toMatchObject({ cause: expect.any(CancelledFailure) });
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  }, 30000);
});
