import type { Effect, EpisodeState, ProgramDefinition } from '../schemas';
import type { EffectBatch, EffectStream } from '../activities/effects';

/**
 * Which stream each effect belongs to. Timer effects stay inside the workflow: it arms and cancels
 * its own timers from state.
 */
export function streamOf(effect: Effect): EffectStream | undefined {
  switch (effect.type) {
    case 'arm-timer':
    case 'cancel-timer':
      return undefined;
    case 'staff-notification':
    case 'follow-up-task':
      return 'staff-notifications';
    case 'billing':
      return 'billing-events';
    default:
      return 'care-events';
  }
}

export function routeEffects(effects: readonly Effect[]): Map<EffectStream, Effect[]> {
  const routes = new Map<EffectStream, Effect[]>();
  for (const effect of effects) {
    const stream = streamOf(effect);
    if (stream) routes.set(stream, [...(routes.get(stream) ?? []), effect]);
  }
  return routes;
}

/** A one-line summary for the activity in the Temporal UI, e.g. `care-events: level-changed ×1`. */
export function batchSummary(stream: EffectStream, effects: readonly Effect[]): string {
  const counts = new Map<string, number>();
  for (const effect of effects) counts.set(effect.type, (counts.get(effect.type) ?? 0) + 1);
  return `${stream}: ${[...counts].map(([type, n]) => `${type} ×${n}`).join(', ')}`;
}

/** One stream's batch, carrying the billing codes of the levels its level changes enter. */
export function effectBatch(
  state: Pick<EpisodeState, 'clientId' | 'episodeId' | 'programId'>,
  program: ProgramDefinition,
  effects: Effect[],
): EffectBatch {
  const billing: NonNullable<EffectBatch['billing']> = {};
  for (const effect of effects) {
    if (effect.type !== 'level-changed') continue;
    const plan = program.levels[effect.to];
    if (plan) billing[effect.to] = plan.billing;
  }
  const { clientId, episodeId, programId } = state;
  return { clientId, episodeId, programId, billing, effects };
}
