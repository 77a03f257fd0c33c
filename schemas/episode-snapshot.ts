import type { EpisodeState } from './episode';

/**
 * The parts of an episode's state that grow with its run: the level-of-care history, the memory of
 * recent event ids, their digests and the refused ones among them, the days billed at the current level, and the ended weeks of the
 * correction window. An Update's answer leaves them out, because every answer
 * is stored in the journey's history (and decrypted again on each replay); the `state` and `history`
 * queries still give them. Kept free of zod so the workflow can use it without evaluating schemas.
 */
export const growingStateParts = [
  'history',
  'recentEventIds',
  'recentEventDigests',
  'refusedEvents',
  'billedServiceDays',
  'recentWeeks',
] as const satisfies readonly (keyof EpisodeState)[];

export type EpisodeSnapshot = Omit<EpisodeState, (typeof growingStateParts)[number]>;

/** The state without its growing parts; accepts a snapshot too, so either shape of an old answer reads alike. */
export function snapshotOf(state: EpisodeSnapshot): EpisodeSnapshot {
  const snapshot: Partial<EpisodeState> = { ...state };
  for (const part of growingStateParts) delete snapshot[part];
  return snapshot as EpisodeSnapshot;
}
