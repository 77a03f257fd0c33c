import {
  QueryRejectCondition,
  QueryRejectedError,
  WorkflowClient,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { checkAdmission, checkImport, importedEpisodeId, weeksView } from '../pathway';
import { UnknownProgram, UnknownProgramVersion, type ProgramRegistry } from '../programs/registry';
import type {
  AdmittedEvent,
  ClientEvent,
  DischargeCommand,
  EpisodeState,
  ImportedClient,
  LevelHistoryEntry,
  LevelOfCare,
  ProgramDefinition,
  ProgramVersionChangeCommand,
  WeeksView,
  TransitionApprovedCommand,
  TransitionRejectedCommand,
  TransitionRequestedCommand,
} from '../schemas';
import { snapshotOf } from '../schemas/episode-snapshot';
import {
  journeySettingsSchema,
  type CommandOutcome,
  type EpisodeWorkflowInput,
  type EventRefusal,
  type JourneySettings,
} from '../schemas/journey';
import {
  approveProposalUpdate,
  changeProgramVersionUpdate,
  clientEventSignal,
  dischargeUpdate,
  episodeWorkflowId,
  eventRefusedSignal,
  historyQuery,
  programQuery,
  recordEventUpdate,
  rejectProposalUpdate,
  requestTransitionUpdate,
  stateQuery,
  weeksQuery,
} from '../workflows/definitions';
import type { episodeWorkflow } from '../workflows/episode';
import {
  CareLevel,
  ClientId,
  EpisodeStatus,
  LevelSince,
  ProgramId,
  RiskLevel,
} from '../workflows/search-attributes';
import { EpisodeAlreadyOpen, NoOpenEpisode, RequestRefused, UnknownClient } from './errors';
import { QueryLimiter, type ReadSettings } from './query-limiter';

/** A refusal carried by an update failure, as a typed error; anything else passes through. */
function refusedOrRethrown(error: unknown): never {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    throw new RequestRefused(
      cause.type ?? 'Refused',
      cause.message,
      (cause.details?.[0] ?? {}) as Record<string, unknown>,
    );
  }
  throw error;
}

/** What an import did: started the episode, or found it started by the same import before. */
export interface ImportOutcome {
  outcome: 'imported' | 'already-imported';
  workflowId: string;
  episodeId: string;
}

/**
 * How coordinators' tools (HTTP API, CLI) and the Kafka bridge reach client journeys: one
 * episode workflow per client, addressed by client id.
 */
export class Journeys {
  private readonly settings: JourneySettings;
  private readonly queries: QueryLimiter;
  /** The same client (connection, codec, interceptors), whose queries the server refuses for a closed run. */
  private readonly openRuns: WorkflowClient;

  constructor(
    private readonly client: Client,
    /** The task queue new episodes start on, whose worker answers their queries. */
    readonly taskQueue: string,
    /** The programs new admissions are admitted under (the latest version of each). */
    readonly programs: ProgramRegistry,
    settings: Partial<JourneySettings> = {},
    /** How many queries of open journeys this process sends at once (client/query-limiter.ts). */
    reads: Partial<ReadSettings> = {},
  ) {
    this.settings = journeySettingsSchema.parse(settings);
    this.queries = new QueryLimiter(reads);
    this.openRuns = new WorkflowClient({
      ...client.workflow.options,
      queryRejectCondition: QueryRejectCondition.NOT_OPEN,
    });
  }

  /**
   * Starts the client's episode in the latest version of the program the admission names
   * (UnknownProgram if none such).
   * The program's admission criteria are checked first, so a refusal (AdmissionRefused) never
   * creates a workflow; a second admission while one is open is refused (EpisodeAlreadyOpen).
   */
  async admit(admission: AdmittedEvent): Promise<{ workflowId: string; runId: string }> {
    const program = this.programs.latest(admission.programId);
    checkAdmission(admission, program, new Date().toISOString());
    const workflowId = episodeWorkflowId(admission.clientId);
    try {
      const handle = await this.startEpisode(
        { kind: 'admission', admission, program, settings: this.settings },
        { level: admission.recommendedLevel, levelSince: admission.occurredAt },
        `Admitted at level ${admission.recommendedLevel} on ${admission.occurredAt} (event ${admission.eventId}).`,
      );
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new EpisodeAlreadyOpen(admission.clientId);
      throw error;
    }
  }

  /**
   * Brings in a client already in care (pathway/import.ts), under the latest version of the program.
   * Idempotent by import id: the client's episode already made by this import answers
   * `already-imported` and changes nothing, open or discharged; another open episode is
   * EpisodeAlreadyOpen; a row the program refuses is ImportRefused (or AdmissionRefused for cohorts),
   * before any workflow starts.
   */
  async importClient(imported: ImportedClient): Promise<ImportOutcome> {
    const workflowId = episodeWorkflowId(imported.clientId);
    const episodeId = importedEpisodeId(imported.importId);
    const existing = async (): Promise<ImportOutcome | null> => {
      const state = await this.state(imported.clientId).catch((error: unknown) => {
        if (error instanceof UnknownClient) return null;
        throw error;
      });
      if (state?.episodeId === episodeId) return { outcome: 'already-imported', workflowId, episodeId };
      if (state?.status === 'active') throw new EpisodeAlreadyOpen(imported.clientId);
      return null;
    };
    const before = await existing();
    if (before) return before;
    const program = this.programs.latest(imported.programId);
    checkImport(imported, program, new Date().toISOString());
    try {
      await this.startEpisode(
        { kind: 'import', imported, program, settings: this.settings },
        { level: imported.level, levelSince: imported.levelSince },
        `Imported at level ${imported.level} (since ${imported.levelSince}), import ${imported.importId}.`,
      );
      return { outcome: 'imported', workflowId, episodeId };
    } catch (error) {
      // The same import sent twice at once: the other request started it.
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        const raced = await existing();
        if (raced) return raced;
        throw new EpisodeAlreadyOpen(imported.clientId);
      }
      throw error;
    }
  }

  /** Starts a client's episode workflow with the search attributes and summary operators filter and read. */
  private startEpisode(
    input: Extract<EpisodeWorkflowInput, { kind: 'admission' | 'import' }>,
    where: { level: LevelOfCare; levelSince: string },
    details: string,
  ) {
    const clientId = input.kind === 'admission' ? input.admission.clientId : input.imported.clientId;
    const { programId } = input.program;
    return this.client.workflow.start<typeof episodeWorkflow>('episodeWorkflow', {
      workflowId: episodeWorkflowId(clientId),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: ClientId, value: clientId },
        { key: ProgramId, value: programId },
        { key: CareLevel, value: where.level },
        { key: EpisodeStatus, value: 'active' },
        { key: RiskLevel, value: 'low' },
        { key: LevelSince, value: new Date(where.levelSince) },
      ],
      staticSummary: `Care episode of client ${clientId} in program ${programId}`,
      staticDetails: details,
    });
  }

  /** Records an event without waiting for its outcome (at-least-once; duplicates change nothing). */
  async recordEvent(event: ClientEvent): Promise<void> {
    try {
      await this.client.workflow
        .getHandle(episodeWorkflowId(event.clientId))
        .signal(clientEventSignal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new NoOpenEpisode(event.clientId);
      throw error;
    }
  }

  /**
   * Has the client's running episode remember that the bridge refused an event, so reading the
   * event again refuses it again. False when no run is open to remember it.
   */
  async rememberRefusal(clientId: string, refusal: EventRefusal): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(episodeWorkflowId(clientId)).signal(eventRefusedSignal, refusal);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  recordEventAndWait(event: ClientEvent): Promise<CommandOutcome> {
    return this.update(event.clientId, recordEventUpdate, event);
  }

  requestTransition(clientId: string, command: TransitionRequestedCommand): Promise<CommandOutcome> {
    return this.update(clientId, requestTransitionUpdate, command);
  }

  approveProposal(clientId: string, command: TransitionApprovedCommand): Promise<CommandOutcome> {
    return this.update(clientId, approveProposalUpdate, command);
  }

  rejectProposal(clientId: string, command: TransitionRejectedCommand): Promise<CommandOutcome> {
    return this.update(clientId, rejectProposalUpdate, command);
  }

  discharge(clientId: string, command: DischargeCommand): Promise<CommandOutcome> {
    return this.update(clientId, dischargeUpdate, command);
  }

  /**
   * Moves the client's open episode to a version of its program (the latest when none is named):
   * later decisions and billing follow that version. Refused unless it is newer than the episode's.
   */
  async changeProgramVersion(
    clientId: string,
    request: Omit<ProgramVersionChangeCommand, 'type' | 'program'> & { version?: number },
  ): Promise<CommandOutcome> {
    const { programId } = await this.state(clientId).catch((error: unknown) => {
      if (error instanceof UnknownClient) throw new NoOpenEpisode(clientId);
      throw error;
    });
    const { version, ...command } = request;
    const program =
      version === undefined ? this.programs.latest(programId) : this.programs.version(programId, version);
    return this.update(clientId, changeProgramVersionUpdate, {
      ...command,
      type: 'program-version-changed',
      program,
    });
  }

  /** The latest episode's state, open or discharged. */
  state(clientId: string): Promise<EpisodeState> {
    return this.read(clientId, stateQuery, (closed) => closed.state);
  }

  history(clientId: string): Promise<LevelHistoryEntry[]> {
    return this.read(clientId, historyQuery, async (closed) => (await closed.state).history);
  }

  /** The latest episode's recent weeks and current week, in the clinic's time zone. */
  weeks(clientId: string): Promise<WeeksView> {
    return this.read(clientId, weeksQuery, async (closed) => {
      const [state, program] = await Promise.all([closed.state, this.closedProgram(closed)]);
      return program && weeksView(state, program);
    });
  }

  /** The program version the latest episode runs under, which may be older than the loaded files' latest. */
  program(clientId: string): Promise<ProgramDefinition> {
    return this.read(clientId, programQuery, (closed) => this.closedProgram(closed));
  }

  private async update<A>(clientId: string, update: UpdateDefinition<CommandOutcome, [A]>, arg: A) {
    const handle = this.client.workflow.getHandle(episodeWorkflowId(clientId));
    try {
      const { state, effects } = await handle.executeUpdate(update, { args: [arg] });
      return { state: snapshotOf(state), effects };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new NoOpenEpisode(clientId);
      return refusedOrRethrown(error);
    }
  }

  /**
   * A read of the client's latest run. An open one answers a query, at most `maxConcurrentQueries`
   * of them at once in this process; the server refuses the query of a closed one without asking a
   * worker. A completed run is then read from its result (the close event alone, never a replay)
   * through `fromResult`; a run that failed, was terminated or timed out has no result, and a query
   * (a replay) is its only source, as it is for what `fromResult` cannot answer.
   */
  private async read<R>(
    clientId: string,
    query: QueryDefinition<R>,
    fromResult: (closed: CompletedRun) => R | undefined | Promise<R | undefined>,
  ): Promise<R> {
    const workflowId = episodeWorkflowId(clientId);
    try {
      try {
        return await this.queries.run(() => this.openRuns.getHandle(workflowId).query(query));
      } catch (error) {
        if (!(error instanceof QueryRejectedError)) throw error;
      }
      // Described afresh: a readmission since the refusal makes the latest run open again.
      const { runId, status } = await this.client.workflow.getHandle(workflowId).describe();
      const handle = this.client.workflow.getHandle<typeof episodeWorkflow>(workflowId, runId, {
        followRuns: false,
      });
      if (status.name === 'COMPLETED') {
        const answer = await fromResult({ workflowId, runId, state: handle.result() });
        if (answer !== undefined) return answer;
      }
      return await this.queries.run(() => handle.query(query));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new UnknownClient(clientId);
      throw error;
    }
  }

  /**
   * The program a completed run ended under: the one its input carried, or the loaded file of the
   * version a coordinator moved it to during the run. Undefined (read by query instead) for a run
   * whose program predates the clinic's clock, which the workflow completed with defaults only when
   * the run was patched, and for a version the loaded files do not have.
   */
  private async closedProgram({
    workflowId,
    runId,
    state,
  }: CompletedRun): Promise<ProgramDefinition | undefined> {
    const [started, { programId, programVersionChanges }] = await Promise.all([
      this.startedProgram(workflowId, runId),
      state,
    ]);
    const clockFields = ['timeZone', 'weekStartsOn', 'correctionWindowDays'] as const;
    if (!started || clockFields.some((field) => started[field] === undefined)) return undefined;
    const moved = programVersionChanges?.at(-1)?.toVersion;
    if (moved === undefined || moved === started.version) return started;
    try {
      return this.programs.version(programId, moved);
    } catch (error) {
      if (error instanceof UnknownProgram || error instanceof UnknownProgramVersion) return undefined;
      throw error;
    }
  }

  /**
   * The program in a run's input: its first history event alone (WorkflowExecutionStarted),
   * decoded through the client's payload codecs as the SDK decodes results.
   */
  private async startedProgram(workflowId: string, runId: string): Promise<ProgramDefinition | undefined> {
    const { namespace, loadedDataConverter } = this.client.options;
    const response = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId, runId },
      maximumPageSize: 1,
    });
    const encoded = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    if (!encoded?.length) return undefined;
    const context = { type: 'workflow', namespace, workflowId } as const;
    let payloads = encoded;
    for (const codec of [...loadedDataConverter.payloadCodecs].reverse())
      payloads = await codec.decode(payloads, context);
    const [first] = payloads;
    if (!first) return undefined;
    return loadedDataConverter.payloadConverter.fromPayload<EpisodeWorkflowInput>(first).program;
  }
}

/** A client's latest run that completed, with the state it returned (fetched while its program is). */
interface CompletedRun {
  workflowId: string;
  runId: string;
  state: Promise<EpisodeState>;
}
