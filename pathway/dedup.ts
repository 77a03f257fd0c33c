import type { EpisodeState, ProgramDefinition } from '../schemas';
import type { DecisionDraft } from './draft';

export const alreadySeen = (state: EpisodeState, id: string): boolean => state.recentEventIds.includes(id);

/** Remembers an event or command id, keeping only the program's bounded number of the most recent. */
export const rememberId = (draft: DecisionDraft, id: string, program: ProgramDefinition): void => {
  draft.update({ recentEventIds: [...draft.state.recentEventIds, id].slice(-program.recentEventIdLimit) });
};
