import { z } from 'zod';
import { identifierSchema } from '../actors';
import { isoInstantSchema } from '../time';
import type { OutboundStream } from './topics';

/**
 * CloudEvents 1.0 in structured JSON mode: the whole event, attributes and data, is the Kafka
 * record's value, sent with `content-type: application/cloudevents+json`.
 */
export const cloudEventsContentType = 'application/cloudevents+json';

/**
 * Extension attribute on every event. Everything carepath publishes is a 42 CFR Part 2 record:
 * `42cfr2-clinical` may be disclosed only to the care team; `42cfr2-payment` carries the minimum
 * necessary for payment (codes, units, dates) and never a clinical reason.
 */
export const confidentialitySchema = z
  .enum(['42cfr2-clinical', '42cfr2-payment'])
  .meta({ description: 'How the event is protected under 42 CFR Part 2 and HIPAA (minimum necessary).' });
export type Confidentiality = z.infer<typeof confidentialitySchema>;

/** Each outbound stream is its own source, so (source, id) stays unique when one effect becomes two events. */
export const eventSource = (stream: OutboundStream): string => `urn:carepath:${stream}`;

/** Where the JSON Schema of an event (or of its data) is published: `contract/schemas/<id>.json` holds it. */
export const schemaUri = (schemaId: string): string => `urn:carepath:schema:${schemaId}`;
export const dataSchemaId = (eventType: string): string => `${eventType}.data`;

/** The envelope of one outbound event type, every attribute fixed except id, subject and time. */
export function outboundEnvelopeSchema<D extends z.ZodType>(definition: {
  type: string;
  stream: OutboundStream;
  confidentiality: Confidentiality;
  data: D;
}) {
  return z.object({
    specversion: z.literal('1.0'),
    id: identifierSchema.meta({
      description: "The effect's deterministic id: de-duplicate on (source, id).",
    }),
    source: z.literal(eventSource(definition.stream)),
    type: z.literal(definition.type),
    subject: identifierSchema.meta({ description: 'The client id (also the record key).' }),
    time: isoInstantSchema,
    datacontenttype: z.literal('application/json'),
    dataschema: z.literal(schemaUri(dataSchemaId(definition.type))),
    confidentiality: z.literal(definition.confidentiality),
    data: definition.data,
  });
}
