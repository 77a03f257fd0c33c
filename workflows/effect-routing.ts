import type { Effect, EpisodeState, LevelPlan, ProgramDefinition } from '../schemas';
import type { EffectBatch, EffectStream, OutboxChunk } from '../activities/effects';
// From its own module, not the index: each journey evaluates every schema module it imports.
import { streamOfEffect, type OutboxStream } from '../schemas/contract/topics';
import type { OutboxItem } from '../schemas/outbox';

/** Which stream an effect is published on (`streamOfEffect`); none for the timers the journey keeps. */
export const streamOf = (effect: Effect): EffectStream | undefined =>
  streamOfEffect[effect.type] ?? undefined;

/**
 * The activity that published each stream's batches before effects went through the outbox: journeys
 * recorded then replay with these names, so a name never changes.
 */
export const publishActivityOf = {
  'care-events': 'publishCareEvents',
  'staff-notifications': 'notifyStaff',
  'billing-events': 'publishBillingEvents',
} as const satisfies Record<EffectStream, string>;

/** Appends to one list per key, in order: linear in the number of values. */
function groupInOrder<K, V>(values: readonly V[], keyOf: (value: V) => K | undefined): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const value of values) {
    const key = keyOf(value);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

export function routeEffects(effects: readonly Effect[]): Map<EffectStream, Effect[]> {
  return groupInOrder(effects, streamOf);
}

/** The topic role an outbox item goes to: its effect's stream, or one of the dead-letter topics. */
export function outboxStreamOf(item: OutboxItem): OutboxStream | undefined {
  switch (item.kind) {
    case 'effect':
      return streamOf(item.effect);
    case 'parked':
      return 'effects-dlq';
    case 'inbound-dead-letter':
      return 'client-events-dlq';
    default: {
      const unknown: never = item;
      return unknown;
    }
  }
}

/** The outbox's items by stream, each stream's in the order they were decided. */
export function routeOutbox(items: readonly OutboxItem[]): Map<OutboxStream, OutboxItem[]> {
  return groupInOrder(items, outboxStreamOf);
}

/** A one-line summary of an outbox send for the Temporal UI, e.g. `care-events: level-changed ×1`. */
export function outboxSummary(stream: OutboxStream, items: readonly OutboxItem[]): string {
  return summary(
    stream,
    items.map((item) => (item.kind === 'inbound-dead-letter' ? item.reason : item.effect.type)),
  );
}

function summary(stream: string, kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return `${stream}: ${[...counts].map(([kind, n]) => `${kind} ×${n}`).join(', ')}`;
}

/** A one-line summary for the activity in the Temporal UI, e.g. `care-events: level-changed ×1`. */
export function batchSummary(stream: EffectStream, effects: readonly Effect[]): string {
  return summary(
    stream,
    effects.map((effect) => effect.type),
  );
}

/** The billing codes of every level of the episode's program version, which level changes bill under. */
export function programBilling(program: ProgramDefinition): NonNullable<EffectBatch['billing']> {
  const billing: NonNullable<EffectBatch['billing']> = {};
  for (const [level, plan] of Object.entries(program.levels) as [keyof typeof program.levels, LevelPlan][])
    billing[level] = plan.billing;
  return billing;
}

/** One stream's batch, carrying the billing codes of the episode's program version. */
export function effectBatch(
  state: Pick<EpisodeState, 'clientId' | 'episodeId' | 'programId'>,
  program: ProgramDefinition,
  effects: Effect[],
): EffectBatch & Pick<OutboxChunk, 'billing'> {
  const { clientId, episodeId, programId } = state;
  return { clientId, episodeId, programId, billing: programBilling(program), effects };
}
