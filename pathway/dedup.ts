import type { ClientEvent, EpisodeState, ProgramDefinition } from '../schemas';
import type { DeadLetterReason } from '../schemas/contract/dead-letters';
import type { EventRefusal } from '../schemas/journey';
import type { DecisionDraft } from './draft';
import { isBefore } from './time';

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

/** The entries of `record` whose ids are still remembered. */
const keptFor = <T>(ids: readonly string[], record: Record<string, T> | undefined): Record<string, T> => {
  const kept: Record<string, T> = {};
  for (const id of ids) {
    const value = record?.[id];
    if (value !== undefined) kept[id] = value;
  }
  return kept;
};

/** Remembers an event's id and the digest of its content, forgetting digests (and refusals) of ids no longer remembered. */
export const rememberEvent = (draft: DecisionDraft, event: ClientEvent, program: ProgramDefinition): void => {
  rememberId(draft, event.eventId, program);
  const ids = draft.state.recentEventIds;
  draft.update({
    recentEventDigests: {
      ...keptFor(ids, draft.state.recentEventDigests),
      [event.eventId]: contentDigest(event),
    },
    // States from before refusals were kept stay without the field, as their journeys recorded them.
    ...(draft.state.refusedEvents && { refusedEvents: keptFor(ids, draft.state.refusedEvents) }),
  });
};

/**
 * The reason this very event (same id, same content) was refused for, when the episode remembers
 * refusing it: an event's verdict holds however often it is read, so an admission refused while the
 * episode was open cannot start a new episode when read again after the discharge.
 */
export const refusedAs = (state: EpisodeState, event: ClientEvent): DeadLetterReason | undefined => {
  const reason = state.refusedEvents?.[event.eventId];
  return reason !== undefined && sighting(state, event) === 'redelivery' ? reason : undefined;
};

/**
 * Remembers a refused event in the same bounded memory as the applied ones. An id already remembered
 * keeps the verdict it has: an applied event is never turned into a refused one.
 */
export const rememberRefusal = (
  state: EpisodeState,
  refusal: EventRefusal,
  program: ProgramDefinition,
): EpisodeState => {
  if (alreadySeen(state, refusal.eventId)) return state;
  const recentEventIds = [...state.recentEventIds, refusal.eventId].slice(-program.recentEventIdLimit);
  return {
    ...state,
    recentEventIds,
    recentEventDigests: {
      ...keptFor(recentEventIds, state.recentEventDigests),
      [refusal.eventId]: refusal.digest,
    },
    refusedEvents: { ...keptFor(recentEventIds, state.refusedEvents), [refusal.eventId]: refusal.reason },
  };
};

/**
 * An admission dated before the admission of the client's latest episode: an earlier admission read
 * again (e.g. one refused while no episode could remember it), never a readmission after that episode.
 */
export const precedesLatestEpisode = (state: EpisodeState, admission: ClientEvent): boolean =>
  isBefore(admission.occurredAt, state.admittedAt);

/** The remembered ids of events the episode applied, without those it refused. */
export const appliedEventIds = (state: EpisodeState): string[] =>
  state.recentEventIds.filter((id) => state.refusedEvents?.[id] === undefined);

/**
 * What the episode keeps of an event its care rules refused for `reason`. A care-rule refusal
 * depends on the state at the time, so it is remembered: read again later, the event must not be
 * applied out of its order. The other refusals give the same verdict on every read.
 */
export const afterRefusal = (
  state: EpisodeState,
  event: ClientEvent,
  reason: DeadLetterReason,
  program: ProgramDefinition,
): EpisodeState =>
  reason === 'event-refused'
    ? rememberRefusal(state, { eventId: event.eventId, digest: contentDigest(event), reason }, program)
    : state;
