import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Journeys } from '../client/journeys';
import type {
  AdmittedEvent,
  ClientEvent,
  CoordinatorCommand,
  EpisodeState,
  Intake,
  LevelOfCare,
  ProgramDefinition,
  StaffActor,
} from '../schemas';
import { episodeWorkflowId } from '../workflows/definitions';
import { entryIntake, staff } from './fixtures';
import type { ClientEventBody, HappyPathJourney } from './happy-path';
import { advanceClock } from './time-skipping';

type Body<T extends ClientEvent['type']> = Omit<
  Extract<ClientEvent, { type: T }>,
  'type' | 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'
>;
type CommandBody<T extends CoordinatorCommand['type']> = Omit<
  Extract<CoordinatorCommand, { type: T }>,
  'type' | 'commandId' | 'issuedBy'
>;

/** What a journey was given and when, in order: enough to give a baseline the same inputs at the same instants. */
export type JourneyStep =
  { kind: 'advance'; to: string } | { kind: 'input'; at: string; payload: ClientEvent | CoordinatorCommand };

/**
 * Drives one client's journey through the workflow the way coordinators would, on the
 * time-skipping server: time is moved forward to each event's instant before it is recorded,
 * so the workflow's timers fire in between exactly as they would over months.
 */
export class WorkflowJourney implements HappyPathJourney {
  readonly clientId = `client-${randomUUID()}`;
  private sequence = 0;
  private readonly onStep: ((step: JourneyStep) => void) | undefined;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    readonly journeys: Journeys,
    readonly program: ProgramDefinition,
    /** `onStep` hears every step the journey takes (a benchmark replays them on its baseline). */
    opts: { onStep?: (step: JourneyStep) => void } = {},
  ) {
    this.onStep = opts.onStep;
  }

  async now(): Promise<string> {
    return new Date(await this.env.currentTimeMs()).toISOString();
  }

  async advanceTo(instant: string): Promise<void> {
    this.onStep?.({ kind: 'advance', to: instant });
    await advanceClock(this.env, instant);
  }

  event<T extends ClientEvent['type']>(
    type: T,
    occurredAt: string,
    body: Body<T>,
    by: StaffActor = staff.counsellor,
  ) {
    return { type, ...this.identity(occurredAt, by), ...body } as Extract<ClientEvent, { type: T }>;
  }

  /** What makes an event this client's: its id, the client, when and who recorded it. */
  private identity(occurredAt: string, recordedBy: StaffActor) {
    return {
      eventId: `${this.clientId}-event-${++this.sequence}`,
      clientId: this.clientId,
      occurredAt,
      recordedBy,
    };
  }

  command<T extends CoordinatorCommand['type']>(
    type: T,
    body: CommandBody<T>,
    by: StaffActor = staff.coordinator,
  ) {
    return {
      type,
      commandId: `${this.clientId}-command-${++this.sequence}`,
      issuedBy: by,
      ...body,
    } as Extract<CoordinatorCommand, { type: T }>;
  }

  /** Admits the client at `level` (default: the program's first entry level) with an intake it admits there. */
  async admit(
    level: LevelOfCare = this.entryLevel(),
    intake: Partial<Intake> = {},
    at?: string,
  ): Promise<AdmittedEvent> {
    const admission = this.event(
      'admitted',
      at ?? (await this.now()),
      { programId: this.program.programId, intake: entryIntake(level, intake), recommendedLevel: level },
      staff.coordinator,
    );
    this.onStep?.({ kind: 'input', at: admission.occurredAt, payload: admission });
    await this.journeys.admit(admission);
    return admission;
  }

  /** Records an event at its instant and returns the workflow's outcome. */
  async record(event: ClientEvent) {
    await this.advanceTo(event.occurredAt);
    this.onStep?.({ kind: 'input', at: event.occurredAt, payload: event });
    return this.journeys.recordEventAndWait(event);
  }

  state(): Promise<EpisodeState> {
    return this.journeys.state(this.clientId);
  }

  /** The handle of the client's episode workflow (its latest run). */
  handle() {
    return this.env.client.workflow.getHandle(episodeWorkflowId(this.clientId));
  }

  /** Records an event body at `occurredAt`, as the counsellor (the happy path's way in). */
  async recordAt(occurredAt: string, body: ClientEventBody): Promise<void> {
    await this.record({ ...body, ...this.identity(occurredAt, staff.counsellor) });
  }

  async approve(proposalId: string): Promise<void> {
    const approval = this.command('transition-approved', { proposalId });
    if (this.onStep) this.onStep({ kind: 'input', at: await this.now(), payload: approval });
    await this.journeys.approveProposal(this.clientId, approval);
  }

  private entryLevel(): LevelOfCare {
    const level = this.program.admission.entryLevels[0];
    if (!level) throw new Error(`program ${this.program.programId} has no entry level`);
    return level;
  }
}
