import type { EpisodeState } from '../schemas';

/**
 * Care-rule revisions. An episode keeps the revision it was admitted under, so a running journey
 * goes on (and replays) under the rules it started with; the workflow admits new episodes under the
 * current revision behind a `patched()` marker.
 *
 * Revision 2: the no-contact window counts from the later of the last contact and the level's start;
 * a milestone outside the current level's plan is refused; a reassessment moves the client only
 * where a coordinator's request could; aftercare ending with a discharge awaiting approval records
 * that discharge, never completion.
 *
 * Revision 3: an integration is not a person for four eyes. A proposal it opened (e.g. after a
 * relapse its feed reported) is carried out only when two different staff members approved it: the
 * first approval confirms it, the second carries it out. An integration never decides a proposal.
 */
export const currentRulesRevision = 3;

export const followsRevision = (state: EpisodeState, revision: number): boolean =>
  (state.rulesRevision ?? 1) >= revision;
