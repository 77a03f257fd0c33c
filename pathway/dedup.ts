import type { ClientEvent, EpisodeState, ProgramDefinition } from '../schemas';
import type { DecisionDraft } from './draft';

export const alreadySeen = (state: EpisodeState, id: string): boolean => state.recentEventIds.includes(id);

/** JSON with object keys sorted, so the same content always reads the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
};

/**
 * A digest of an event's content (two 32-bit FNV-1a passes, 16 hex digits). It tells a redelivery
 * from an id reused for other content; it guards against mistakes, not forgery, and the workflow
 * sandbox has no crypto. `occurredAt` is left out: a request repeated through the API is timed when
 * it is received, so the same event may arrive with another time.
 */
export const contentDigest = (event: ClientEvent): string => {
  const { occurredAt: _receivedAt, ...content } = event;
  const text = canonical(content);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return [a, b].map((n) => (n >>> 0).toString(16).padStart(8, '0')).join('');
};

/**
 * How an event stands against the episode's memory: new, the same content again (a redelivery), or
 * its id reused for different content. Ids remembered before digests were kept count as redeliveries.
 */
export type Sighting = 'new' | 'redelivery' | 'conflict';
export const sighting = (state: EpisodeState, event: ClientEvent): Sighting => {
  if (!alreadySeen(state, event.eventId)) return 'new';
  const known = state.recentEventDigests?.[event.eventId];
  return known === undefined || known === contentDigest(event) ? 'redelivery' : 'conflict';
};

/** Remembers an event or command id, keeping only the program's bounded number of the most recent. */
export const rememberId = (draft: DecisionDraft, id: string, program: ProgramDefinition): void => {
  draft.update({ recentEventIds: [...draft.state.recentEventIds, id].slice(-program.recentEventIdLimit) });
};

/** Remembers an event's id and the digest of its content, forgetting digests of ids no longer remembered. */
export const rememberEvent = (draft: DecisionDraft, event: ClientEvent, program: ProgramDefinition): void => {
  rememberId(draft, event.eventId, program);
  const known = draft.state.recentEventDigests ?? {};
  const kept: Record<string, string> = {};
  for (const id of draft.state.recentEventIds) {
    const digest = known[id];
    if (digest !== undefined) kept[id] = digest;
  }
  kept[event.eventId] = contentDigest(event);
  draft.update({ recentEventDigests: kept });
};
