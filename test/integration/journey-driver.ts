import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { EffectBatch, EffectPublisher, EffectStream } from '../../activities/effects';
import { Journeys } from '../../client/journeys';
import { levelPlan } from '../../pathway/plan';
import { addDays } from '../../pathway/time';
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
import { testStack } from '../stack/test-stack';
import { testDataConverter, timeSkippingEnvironment } from '../stack/environments';

export const historyFixturesDir = join(__dirname, '..', 'fixtures', 'histories');

export const coordinator: StaffActor = { staffId: 'staff-coordinator-1', role: 'care-coordinator' };
export const counsellor: StaffActor = { staffId: 'staff-counsellor-1', role: 'primary-counsellor' };

/** Records what the workflow's activities were asked to publish: the collaborator these tests fake. */
export class RecordingPublisher implements EffectPublisher {
  readonly sent: (EffectBatch & { stream: EffectStream })[] = [];
  async publish(stream: EffectStream, batch: EffectBatch) {
    this.sent.push({ stream, ...batch });
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
    journeys: new Journeys(env.client, taskQueue, settings),
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

/** A client event without its identity: what a caller records, through whichever door. */
export type ClientEventBody = ClientEvent extends infer E
  ? E extends ClientEvent
    ? Omit<E, 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'>
    : never
  : never;

/** Moves a time-skipping server's clock forward to `instant` (never back). */
export async function advanceClock(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const delta = Date.parse(instant) - (await env.currentTimeMs());
  if (delta > 0) await env.sleep(delta);
}

/**
 * What walking a program's happy path needs from a journey, whether it is driven through the
 * Temporal client or through the HTTP API.
 */
export interface HappyPathJourney {
  readonly program: ProgramDefinition;
  advanceTo(instant: string): Promise<void>;
  state(): Promise<Pick<EpisodeState, 'status' | 'level' | 'levelSince' | 'riskFlags' | 'pendingProposals'>>;
  recordAt(occurredAt: string, body: ClientEventBody): Promise<void>;
  approve(proposalId: string): Promise<void>;
}

/**
 * Completes the current level as its plan asks: the weekly hours attended for the minimum stay,
 * every milestone met, and the step-down approved when the program proposes it.
 */
async function completeLevel(journey: HappyPathJourney): Promise<void> {
  const state = await journey.state();
  const plan = levelPlan(journey.program, state.level);
  const since = state.levelSince;
  if (plan.weeklyHours) {
    const sessions = Math.max(1, plan.sessionsPerWeek?.min ?? 1);
    for (let week = 0; week < Math.ceil(plan.lengthOfStayDays.min / 7); week++)
      for (let session = 0; session < sessions; session++) {
        const at = addDays(since, week * 7 + session + 0.25);
        await journey.recordAt(at, {
          type: 'session-attended',
          sessionId: `session-${Date.parse(at)}`,
          kind: 'group',
          hours: plan.weeklyHours.target / sessions,
        });
      }
  }
  const milestonesAt = addDays(since, 1);
  if (state.riskFlags.includes('withdrawal-risk'))
    await journey.recordAt(milestonesAt, {
      type: 'assessment-completed',
      recommendedLevel: state.level,
      withdrawalRisk: false,
    });
  for (const { milestoneId } of plan.milestones)
    await journey.recordAt(milestonesAt, { type: 'milestone-completed', milestoneId });
  await journey.advanceTo(addDays(since, plan.lengthOfStayDays.min + 0.1));
  for (const proposal of (await journey.state()).pendingProposals) await journey.approve(proposal.proposalId);
}

/** Check-ins through aftercare at the program's interval, then the completion timer. */
async function completeAftercare(journey: HappyPathJourney): Promise<void> {
  const aftercare = journey.program.aftercare;
  if (!aftercare) throw new Error(`program ${journey.program.programId} has no aftercare`);
  const since = (await journey.state()).levelSince;
  for (let day = 1; day < aftercare.durationDays; day += aftercare.checkInIntervalDays)
    await journey.recordAt(addDays(since, day), {
      type: 'session-attended',
      sessionId: `check-in-${day}`,
      kind: 'check-in',
      hours: 1,
    });
  await journey.advanceTo(addDays(since, aftercare.durationDays + 0.1));
}

/** Walks the program from the journey's current level to its end (at most ten levels). */
export async function walkHappyPath(journey: HappyPathJourney): Promise<void> {
  for (let level = 0; level < 10; level++) {
    const state = await journey.state();
    if (state.status !== 'active') return;
    if (state.level === 'aftercare') await completeAftercare(journey);
    else await completeLevel(journey);
  }
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
   * as a replay fixture (binary protobuf, as the server stores it): test/integration/journey-replay.test.ts replays every fixture in every run,
   * so a workflow change that would break running journeys fails CI.
   */
  async saveHistoryFixture(name: string): Promise<void> {
    if (!process.env.CAREPATH_RECORD_HISTORIES) return;
    const handle = this.env.client.workflow.getHandle(episodeWorkflowId(this.clientId));
    const history = await handle.fetchHistory();
    mkdirSync(historyFixturesDir, { recursive: true });
    writeFileSync(
      join(historyFixturesDir, `${name}.history`),
      temporal.api.history.v1.History.encode(history).finish(),
    );
    process.stderr.write(
      `[fixtures] ${name}: ${history.events?.length ?? 0} history events in the latest run\n`,
    );
  }

  /** Records an event body at `occurredAt`, as the counsellor (the happy path's way in). */
  async recordAt(occurredAt: string, body: ClientEventBody): Promise<void> {
    const event = {
      ...body,
      eventId: `${this.clientId}-event-${++this.sequence}`,
      clientId: this.clientId,
      occurredAt,
      recordedBy: counsellor,
    } as ClientEvent;
    await this.record(event);
  }

  async approve(proposalId: string): Promise<void> {
    await this.journeys.approveProposal(this.clientId, this.command('transition-approved', { proposalId }));
  }
}
