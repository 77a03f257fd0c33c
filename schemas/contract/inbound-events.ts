import { z } from 'zod';
import { identifierSchema, staffActorSchema } from '../actors';
import { boundedClientEventSchema, type clientEventSchema, type ClientEvent } from '../events';
import { isoInstantSchema } from '../time';
import { confidentialitySchema, dataSchemaId, schemaUri } from './envelope';

/**
 * Inbound client events on `carepath.client-events.v1`: CloudEvents 1.0 in structured JSON mode
 * whose data is one of the client events of the core schemas, with its ids and lists bounded. The envelope repeats the event's
 * identity — `id` is its eventId, `subject` its clientId (and the record key) — so a consumer of
 * the topic can route and de-duplicate without reading the data.
 */

export const inboundEventType = (eventType: ClientEvent['type']): string =>
  `org.carepath.client-event.${eventType}.v1`;

/**
 * Who recorded an inbound event is how its producer authenticated, never what the message says:
 * messages that still carry `recordedBy` are accepted, and the field is replaced.
 */
const ignoredRecordedBy = staffActorSchema.optional().meta({
  description:
    'Ignored: carepath records every event of this topic under the integration the producer authenticated as ' +
    '(CAREPATH_INTEGRATION_ID, or its SASL principal), never a staff identity a message claims. Accepted for compatibility.',
  deprecated: true,
});

const inboundEnvelopeSchema = (event: (typeof clientEventSchema.options)[number]) => {
  const type = inboundEventType(event.shape.type.value);
  // Typed as the event's own field: the bridge replaces it before anything reads it (workers/inbound/decode.ts).
  const data = event.safeExtend({ recordedBy: ignoredRecordedBy as unknown as typeof staffActorSchema });
  return z
    .object({
      specversion: z.literal('1.0'),
      id: identifierSchema.meta({ description: 'The client event’s eventId.' }),
      source: z.string().min(1).meta({ description: 'The producing system, as a URI-reference.' }),
      type: z.literal(type),
      subject: identifierSchema.meta({ description: 'The client id (also the record key).' }),
      time: isoInstantSchema.optional(),
      datacontenttype: z.literal('application/json').optional(),
      dataschema: z.literal(schemaUri(dataSchemaId(type))).optional(),
      confidentiality: confidentialitySchema.extract(['42cfr2-clinical']).optional(),
      data,
    })
    .refine((event) => event.id === event.data.eventId, {
      message: 'id must equal data.eventId',
      path: ['id'],
    })
    .refine((event) => event.subject === event.data.clientId, {
      message: 'subject must equal data.clientId',
      path: ['subject'],
    });
};

type InboundEnvelopeSchema = ReturnType<typeof inboundEnvelopeSchema>;
const [first, ...rest] = boundedClientEventSchema.options.map(inboundEnvelopeSchema) as [
  InboundEnvelopeSchema,
  ...InboundEnvelopeSchema[],
];

/** One schema per inbound type, keyed by CloudEvents type. */
export const inboundEventSchemas: ReadonlyMap<string, InboundEnvelopeSchema> = new Map(
  [first, ...rest].map((schema) => [schema.shape.type.value, schema]),
);

export const inboundClientEventSchema = z.discriminatedUnion('type', [first, ...rest]);
