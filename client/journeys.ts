import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { checkAdmission, checkImport, importedEpisodeId } from '../pathway';
import type { ProgramRegistry } from '../programs/registry';
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

  constructor(
    private readonly client: Client,
    /** The task queue new episodes start on, whose worker answers their queries. */
    readonly taskQueue: string,
    /** The programs new admissions are admitted under (the latest version of each). */
    readonly programs: ProgramRegistry,
    settings: Partial<JourneySettings> = {},
  ) {
    this.settings = journeySettingsSchema.parse(settings);
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
    return this.query(clientId, stateQuery);
  }

  history(clientId: string): Promise<LevelHistoryEntry[]> {
    return this.query(clientId, historyQuery);
  }

  /** The latest episode's recent weeks and current week, in the clinic's time zone. */
  weeks(clientId: string): Promise<WeeksView> {
    return this.query(clientId, weeksQuery);
  }

  /** The program version the latest episode runs under, which may be older than the loaded files' latest. */
  program(clientId: string): Promise<ProgramDefinition> {
    return this.query(clientId, programQuery);
  }

  private async update<A>(clientId: string, update: UpdateDefinition<CommandOutcome, [A]>, arg: A) {
    const handle = this.client.workflow.getHandle(episodeWorkflowId(clientId));
    try {
      return await handle.executeUpdate(update, { args: [arg] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new NoOpenEpisode(clientId);
      return refusedOrRethrown(error);
    }
  }

  private async query<R>(clientId: string, query: QueryDefinition<R>): Promise<R> {
    try {
      return await this.client.workflow.getHandle(episodeWorkflowId(clientId)).query(query);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new UnknownClient(clientId);
      throw error;
    }
  }
}
