import type { Effect } from '../schemas';
import {
  billingLevelChanged,
  dataSchemaId,
  eventOfEffect,
  eventSource,
  outboundEventSchemas,
  schemaUri,
  type OutboundEventDefinition,
  type OutboundStream,
  type PublishedEffectType,
} from '../schemas/contract';
import type { EffectBatch } from './effects';

/** One CloudEvent (structured mode) and the stream whose topic it goes to. */
export interface OutboundCloudEvent {
  stream: OutboundStream;
  event: Record<string, unknown> & { id: string; subject: string };
}

/** An effect routed to a stream that has no event for it: a routing bug, fixed in code, never dropped. */
export class NoEventForEffect extends Error {
  override readonly name = 'NoEventForEffect';
  constructor(
    readonly effectType: string,
    readonly stream: OutboundStream,
  ) {
    super(
      `Effect type '${effectType}' has no event on stream '${stream}': add it to the contract ` +
        '(schemas/contract/outbound-events.ts) or fix the routing; the activity retries until then.',
    );
  }
}

/**
 * The event of one definition, validated by its published schema: the data schema keeps exactly
 * the contract's fields, so nothing else an effect might carry leaves the engine.
 */
function cloudEvent(
  definition: OutboundEventDefinition,
  effect: Effect,
  batch: EffectBatch,
  data: Record<string, unknown>,
): OutboundCloudEvent {
  const schema = outboundEventSchemas.get(definition.type);
  if (!schema) throw new NoEventForEffect(effect.type, definition.stream);
  const event = schema.parse({
    specversion: '1.0',
    id: effect.effectId,
    source: eventSource(definition.stream),
    type: definition.type,
    subject: batch.clientId,
    time: effect.at,
    datacontenttype: 'application/json',
    dataschema: schemaUri(dataSchemaId(definition.type)),
    confidentiality: definition.confidentiality,
    data: { ...data, episodeId: batch.episodeId, programId: batch.programId },
  }) as OutboundCloudEvent['event'];
  return { stream: definition.stream, event };
}

/** A level change whose batch carries no billing codes for the level entered. */
export class NoBillingCodes extends Error {
  override readonly name = 'NoBillingCodes';
  constructor(
    readonly episodeId: string,
    readonly level: string,
  ) {
    super(
      `The batch of episode ${episodeId} carries no billing codes for level ${level}: it was scheduled ` +
        'before billing codes travelled with batches. Let a worker of the carepath release that scheduled ' +
        'it send it; the activity retries until then.',
    );
  }
}

/**
 * A level change is a billing fact too: billing gets the new level's codes and unit from the
 * program version the episode runs under (carried in the batch), in the same send as the care
 * event, and never the clinical reason.
 */
function billingLevelChangedEvent(
  effect: Extract<Effect, { type: 'level-changed' }>,
  batch: EffectBatch,
): OutboundCloudEvent {
  const codes = batch.billing?.[effect.to];
  if (!codes) throw new NoBillingCodes(batch.episodeId, effect.to);
  const { serviceCode, revenueCode, unit } = codes;
  return cloudEvent(billingLevelChanged, effect, batch, {
    from: effect.from,
    to: effect.to,
    effectiveAt: effect.at,
    serviceCode,
    revenueCode,
    unit,
  });
}

/** The CloudEvents one effect batch becomes; ids are the effects' deterministic ids, stable across retries. */
export function cloudEventsOf(stream: OutboundStream, batch: EffectBatch): OutboundCloudEvent[] {
  return batch.effects.flatMap((effect) => {
    const definition: OutboundEventDefinition | undefined = eventOfEffect[effect.type as PublishedEffectType];
    if (definition?.stream !== stream) throw new NoEventForEffect(effect.type, stream);
    const primary = cloudEvent(definition, effect, batch, effect);
    return effect.type === 'level-changed' ? [primary, billingLevelChangedEvent(effect, batch)] : [primary];
  });
}
