import { shippedPrograms } from '../../programs';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { EffectBatch, EffectPublisher, EffectStream, OutboxChunk } from '../../activities/effects';
import type { OutboxItem } from '../../schemas/outbox';
import { Journeys } from '../../client/journeys';
import type {
  AdmittedEvent,
  ClientEvent,
  CoordinatorCommand,
  Effect,
  EpisodeState,
  Intake,
  LevelOfCare,
  ProgramDefinition,
  StaffActor,
} from '../../schemas';
import type { JourneySettings } from '../../schemas/journey';
import { createJourneyWorker } from '../../workers/journey-worker';
import { episodeWorkflowId } from '../../workflows/definitions';
import type { ClientEventBody, HappyPathJourney } from '../../bench/lab/happy-path';
import { testStack } from '../stack/test-stack';
import { testDataConverter, timeSkippingEnvironment } from '../stack/environments';

export { walkHappyPath, type ClientEventBody, type HappyPathJourney } from '../../bench/lab/happy-path';

export const historyFixturesDir = join(__dirname, '..', 'fixtures', 'histories');

export const coordinator: StaffActor = { staffId: 'staff-coordinator-1', role: 'care-coordinator' };
export const counsellor: StaffActor = { staffId: 'staff-counsellor-1', role: 'primary-counsellor' };

/**
 * With CAREPATH_RECORD_HISTORIES=1 (`npm run fixtures:histories`), saves a run's history as a replay
 * fixture (binary protobuf, as the server stores it): test/integration/journey-replay.test.ts replays
 * every fixture in every run, so a workflow change that would break running journeys fails CI.
 */
export async function saveHistoryFixture(
  handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> },
  name: string,
): Promise<void> {
  if (!process.env.CAREPATH_RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  mkdirSync(historyFixturesDir, { recursive: true });
  writeFileSync(
    join(historyFixturesDir, `${name}.history`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
  process.stderr.write(`[fixtures] ${name}: ${history.events?.length ?? 0} history events\n`);
}

/** Records what the workflow's activities were asked to publish: the collaborator these tests fake. */
export class RecordingPublisher implements EffectPublisher {
  readonly sent: (EffectBatch & { stream: EffectStream })[] = [];
  /** Outbox items other than effects: parked effects and inbound dead letters. */
  readonly deadLetters: (OutboxItem & { clientId: string })[] = [];
  async publish(stream: EffectStream, batch: EffectBatch) {
    this.sent.push({ stream, ...batch });
  }
  async sendOutbox({ items, stream, ...batch }: OutboxChunk) {
    const effects = items.flatMap((item) => (item.kind === 'effect' ? [item.effect] : []));
    if (effects.length > 0 && stream !== 'client-events-dlq' && stream !== 'effects-dlq')
      this.sent.push({ stream, ...batch, effects });
    for (const item of items)
      if (item.kind !== 'effect') this.deadLetters.push({ ...item, clientId: batch.clientId });
  }
  effectsOf(clientId: string): Effect[] {
    return this.sent.filter((b) => b.clientId === clientId).flatMap((b) => b.effects);
  }

  /** The client's effects once `ready` holds: activities deliver after the workflow has answered. */
  async effectsWhen(
    clientId: string,
    ready: (effects: Effect[]) => boolean,
    timeoutMs = 10000,
  ): Promise<Effect[]> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.effectsOf(clientId)) && Date.now() < deadline) await sleep(50);
    return this.effectsOf(clientId);
  }
}

/**
 * A running journey worker on a task queue of its own, with the run's shared bundle and a
 * recording publisher in place of Kafka.
 */
export async function runJourneyWorker(connection: NativeConnection, name: string) {
  const publisher = new RecordingPublisher();
  const taskQueue = `${name}-${randomUUID()}`;
  const worker = await createJourneyWorker({
    connection,
    namespace: 'default',
    taskQueue,
    publisher,
    workflowBundle: { codePath: testStack().bundlePath },
    dataConverter: testDataConverter,
  });
  return { worker, running: worker.run(), publisher, taskQueue };
}

/** The levels a program's happy path walks: from the entry level down each `stepsDownTo`. */
export function ladder(program: ProgramDefinition, entry: LevelOfCare): LevelOfCare[] {
  const path: LevelOfCare[] = [entry];
  for (let next = program.levels[entry]?.stepsDownTo; next; next = program.levels[next]?.stepsDownTo)
    path.push(next);
  return path;
}

/** A time-skipping server and a journey worker of the test file's own. */
export async function journeyHarness(settings: Partial<JourneySettings> = {}) {
  const env = await timeSkippingEnvironment();
  const { worker, running, publisher, taskQueue } = await runJourneyWorker(env.nativeConnection, 'journeys');
  return {
    env,
    publisher,
    journeys: new Journeys(env.client, taskQueue, shippedPrograms, settings),
    taskQueue,
    async close(w: Worker = worker) {
      w.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export const adultIntake = (overrides: Partial<Intake> = {}): Intake => ({
  ageYears: 34,
  gender: 'female',
  withdrawalRisk: false,
  coOccurringMentalIllness: false,
  standAloneIndications: ['prior-sobriety-recent-relapse'],
  steppingDownFrom: 'detox',
  drugTestDone: true,
  physicalExamDone: true,
  sobrietyDate: null,
  ...overrides,
});

/** Moves a time-skipping server's clock forward to `instant` (never back). */
export async function advanceClock(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const delta = Date.parse(instant) - (await env.currentTimeMs());
  if (delta > 0) await env.sleep(delta);
}

type Body<T extends ClientEvent['type']> = Omit<
  Extract<ClientEvent, { type: T }>,
  'type' | 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'
>;
type CommandBody<T extends CoordinatorCommand['type']> = Omit<
  Extract<CoordinatorCommand, { type: T }>,
  'type' | 'commandId' | 'issuedBy'
>;

/**
 * Drives one client's journey through the workflow the way coordinators would, on the
 * time-skipping server: time is moved forward to each event's instant before it is recorded,
 * so the workflow's timers fire in between exactly as they would over months.
 */
export class WorkflowJourney implements HappyPathJourney {
  readonly clientId = `client-${randomUUID()}`;
  private sequence = 0;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    readonly journeys: Journeys,
    readonly program: ProgramDefinition,
  ) {}

  async now(): Promise<string> {
    return new Date(await this.env.currentTimeMs()).toISOString();
  }

  advanceTo(instant: string): Promise<void> {
    return advanceClock(this.env, instant);
  }

  event<T extends ClientEvent['type']>(type: T, occurredAt: string, body: Body<T>, by = counsellor) {
    return {
      type,
      eventId: `${this.clientId}-event-${++this.sequence}`,
      clientId: this.clientId,
      occurredAt,
      recordedBy: by,
      ...body,
    } as Extract<ClientEvent, { type: T }>;
  }

  command<T extends CoordinatorCommand['type']>(type: T, body: CommandBody<T>, by = coordinator) {
    return {
      type,
      commandId: `${this.clientId}-command-${++this.sequence}`,
      issuedBy: by,
      ...body,
    } as Extract<CoordinatorCommand, { type: T }>;
  }

  async admit(level: LevelOfCare, intake: Partial<Intake> = {}, at?: string): Promise<AdmittedEvent> {
    const admission = this.event(
      'admitted',
      at ?? (await this.now()),
      { programId: this.program.programId, intake: adultIntake(intake), recommendedLevel: level },
      coordinator,
    );
    await this.journeys.admit(admission);
    return admission;
  }

  /** Records an event at its instant and returns the workflow's outcome. */
  async record(event: ClientEvent) {
    await this.advanceTo(event.occurredAt);
    return this.journeys.recordEventAndWait(event);
  }

  state(): Promise<EpisodeState> {
    return this.journeys.state(this.clientId);
  }

  /**
   * With CAREPATH_RECORD_HISTORIES=1 (`npm run fixtures:histories`), saves the latest run's history
   * as a replay fixture (see `saveHistoryFixture`).
   */
  async saveHistoryFixture(name: string): Promise<void> {
    await saveHistoryFixture(this.env.client.workflow.getHandle(episodeWorkflowId(this.clientId)), name);
  }

  /** Records an event body at `occurredAt`, as the counsellor (the happy path's way in). */
  async recordAt(occurredAt: string, body: ClientEventBody): Promise<void> {
    const event: ClientEvent = {
      ...body,
      eventId: `${this.clientId}-event-${++this.sequence}`,
      clientId: this.clientId,
      occurredAt,
      recordedBy: counsellor,
    };
    await this.record(event);
  }

  async approve(proposalId: string): Promise<void> {
    await this.journeys.approveProposal(this.clientId, this.command('transition-approved', { proposalId }));
  }
}
