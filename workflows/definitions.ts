import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ClientEvent,
  DischargeCommand,
  EpisodeState,
  LevelHistoryEntry,
  ProgramDefinition,
  ProgramVersionChangeCommand,
  TransitionApprovedCommand,
  TransitionRejectedCommand,
  TransitionRequestedCommand,
  WeeksView,
} from '../schemas';
import type { CommandOutcome, EventRefusal } from '../schemas/journey';

/** The journey workflow's messages, shared by the workflow and by every client (API, bridge, CLI). */

/** A client event recorded without waiting for its outcome (the Kafka bridge's path). */
export const clientEventSignal = defineSignal<[ClientEvent]>('clientEvent');

/**
 * The bridge refused this event (e.g. a second admission while the episode is open): the episode
 * remembers it, so the event is refused again however often Kafka hands it over.
 */
export const eventRefusedSignal = defineSignal<[EventRefusal]>('eventRefused');

/** A client event whose outcome the caller waits for; an invalid one is refused before it touches history. */
export const recordEventUpdate = defineUpdate<CommandOutcome, [ClientEvent]>('recordEvent');
export const requestTransitionUpdate = defineUpdate<CommandOutcome, [TransitionRequestedCommand]>(
  'requestTransition',
);
export const approveProposalUpdate = defineUpdate<CommandOutcome, [TransitionApprovedCommand]>(
  'approveProposal',
);
export const rejectProposalUpdate = defineUpdate<CommandOutcome, [TransitionRejectedCommand]>(
  'rejectProposal',
);
export const dischargeUpdate = defineUpdate<CommandOutcome, [DischargeCommand]>('discharge');
/** Moves the episode to a newer version of its program, which the command carries in full. */
export const changeProgramVersionUpdate = defineUpdate<CommandOutcome, [ProgramVersionChangeCommand]>(
  'changeProgramVersion',
);

export const stateQuery = defineQuery<EpisodeState>('state');
export const historyQuery = defineQuery<LevelHistoryEntry[]>('history');
/** The recent weeks and the current one, in the clinic's time zone. */
export const weeksQuery = defineQuery<WeeksView>('weeks');
/** The program version the episode runs under (as admitted, or as last moved to). */
export const programQuery = defineQuery<ProgramDefinition>('program');

/** One workflow id per client: at most one open episode, and a readmission is a new run of the same id. */
export const episodeWorkflowId = (clientId: string): string => `episode-${clientId}`;
