import { isDeepStrictEqual } from 'node:util';
import { SyntheticClient } from '../testkit/inbound';
import { admit, applyEvent, PathwayError, refusalReason } from '../pathway';
import { afterRefusal, contentDigest, rememberRefusal } from '../pathway/dedup';
import { getProgram } from '../programs';
import type { ClientEvent, Effect, EpisodeState, IntegrationActor } from '../schemas';
import { billingLevelChanged, eventSource, type OutboundStream } from '../schemas/contract';
import { streamOf } from '../workflows/effect-routing';

/** A reproducible random source (mulberry32), so a failing drill can be run again with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

/** A prefix of the drill's own for client ids, so its journeys and events are told apart in a shared lab. */
export const runPrefix = (drill: string): string => `${drill}-${Date.now().toString(36)}`;

/** Two programs: `default` opens proposals on a relapse, `full-continuum` steps up at once (billing events). */
const programs = ['default', 'full-continuum'] as const;

/**
 * Each client's inbound events in the order the EHR meant them: the admission, `events - 1` sessions
 * attended or missed and relapses, and for every other client a discharge as the last of them (so
 * drills also cover journeys that have ended). Events carry no timer firings: a run lasts minutes and
 * the nearest timer the programs arm is a day away (`Expected.earliestTimer` checks it).
 */
export function clientStreams(
  prefix: string,
  clients: number,
  events: number,
  random: Random,
): ClientEvent[][] {
  return Array.from({ length: clients }, (_, i) => {
    const client = new SyntheticClient(`${prefix}-c${i + 1}`, programs[i % programs.length] ?? 'default');
    const stream: ClientEvent[] = [client.admitted()];
    const discharged = i % 2 === 1;
    for (let n = 1; n < events - (discharged ? 1 : 0); n++) {
      const roll = random();
      stream.push(roll < 0.6 ? client.attended() : roll < 0.85 ? client.missed() : client.relapse());
    }
    if (discharged && events > 1) stream.push(client.discharge());
    return stream;
  });
}

/**
 * Swaps adjacent pairs of events after the admission and before a discharge, each with probability
 * `share`: the rules need the admission first and ignore anything after a discharge, but between
 * them an EHR feed may well deliver sessions and results out of order.
 */
export function reorder(stream: readonly ClientEvent[], share: number, random: Random): ClientEvent[] {
  const out = [...stream];
  const last = out.at(-1)?.type === 'discharge-requested' ? out.length - 2 : out.length - 1;
  for (let i = 1; i < last; i++) {
    if (random() >= share) continue;
    const [a, b] = [out[i], out[i + 1]];
    if (!a || !b) continue;
    [out[i], out[i + 1]] = [b, a];
    i++;
  }
  return out;
}

/** Every event twice: the copy lands 1 to `spread` places after the original within the client's stream. */
export function withCopies<T>(stream: readonly T[], spread: number, random: Random): T[] {
  const slots: { item: T; at: number }[] = stream.flatMap((item, i) => [
    { item, at: i },
    { item, at: i + 1 + Math.floor(random() * spread) - 0.5 },
  ]);
  return slots.sort((x, y) => x.at - y.at).map((slot) => slot.item);
}

/** One global order of the clients' streams, each stream's own order kept (a random merge). */
export function interleave<T>(streams: readonly (readonly T[])[], random: Random): T[] {
  const cursors = streams.map((stream) => ({ stream, next: 0 }));
  const open = cursors.filter((c) => c.stream.length > 0);
  const merged: T[] = [];
  while (open.length > 0) {
    const i = Math.floor(random() * open.length);
    const cursor = open[i];
    if (!cursor) break;
    const item = cursor.stream[cursor.next++];
    if (item !== undefined) merged.push(item);
    if (cursor.next >= cursor.stream.length) open.splice(i, 1);
  }
  return merged;
}

/** The `source id` of each published event the effects become: a level change is a care and a billing event. */
export function publishedKeys(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => {
    const stream = streamOf(effect);
    if (!stream) return [];
    const streams: OutboundStream[] =
      effect.type === 'level-changed' ? [stream, billingLevelChanged.stream] : [stream];
    return streams.map((s) => `${eventSource(s)} ${effect.effectId}`);
  });
}

/** What carepath must do with a delivered sequence, decided by the pure core as the workflow does. */
export interface Expected {
  /** `source id` of every event that must be published, once. */
  outbound: Set<string>;
  /** Each client's final episode state. */
  states: Map<string, EpisodeState>;
  /** Distinct inbound events applied. */
  applied: number;
  /** When the first timer any journey armed falls due (ms since the epoch): the run must end before. */
  earliestTimer: number;
}

/**
 * Folds the core over the events in the order they were first delivered, skipping repeats as the
 * workflow does (by event id), and collects the published events and the final states. Each event
 * is recorded by `integration`, as the bridge records whatever the message claims.
 */
export function expectedOutcome(delivered: readonly ClientEvent[], integration: IntegrationActor): Expected {
  const states = new Map<string, EpisodeState>();
  const outbound = new Set<string>();
  const applied = new Set<string>();
  let earliestTimer = Infinity;
  for (const sent of delivered) {
    const event = { ...sent, recordedBy: integration };
    if (applied.has(event.eventId)) continue;
    const before = states.get(event.clientId);
    let decision: { state: EpisodeState; effects: Effect[] };
    if (before === undefined) {
      if (event.type !== 'admitted')
        throw new Error(`scenario error: ${event.eventId} precedes its admission`);
      decision = admit(event, getProgram(event.programId), `ep-${event.eventId}`);
    } else if (event.type === 'admitted' && before.status === 'active') {
      // The bridge refuses a second admission and the open episode remembers the refusal.
      const refusal = {
        eventId: event.eventId,
        digest: contentDigest(event),
        reason: 'episode-already-open',
      } as const;
      states.set(event.clientId, rememberRefusal(before, refusal, getProgram(before.programId)));
      continue;
    } else {
      const program = getProgram(before.programId);
      try {
        decision = applyEvent(before, event, program);
      } catch (error) {
        // The workflow dead-letters a refusal, remembering those of the care rules: so does the expectation.
        if (!(error instanceof PathwayError)) throw error;
        states.set(event.clientId, afterRefusal(before, event, refusalReason(error), program));
        continue;
      }
    }
    if (decision.state !== before) applied.add(event.eventId);
    states.set(event.clientId, decision.state);
    for (const key of publishedKeys(decision.effects)) outbound.add(key);
    for (const timer of decision.state.timers)
      earliestTimer = Math.min(earliestTimer, Date.parse(timer.fireAt));
  }
  return { outbound, states, applied: applied.size, earliestTimer };
}

/**
 * The top-level fields in which a journey's queried state differs from the one the core decided
 * (compared after the payload converter's JSON round trip); empty when they agree.
 */
export function stateDifferences(expected: EpisodeState, actual: EpisodeState): string[] {
  const wanted = JSON.parse(JSON.stringify(expected)) as Record<string, unknown>;
  const got = actual as unknown as Record<string, unknown>;
  return [...new Set([...Object.keys(wanted), ...Object.keys(got)])].filter(
    (field) => !isDeepStrictEqual(wanted[field], got[field]),
  );
}
