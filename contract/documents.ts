import { stringify } from 'yaml';
import { z } from 'zod';
import {
  carepathTopics,
  cloudEventsContentType,
  dataSchemaId,
  deadLetterHeadersSchema,
  parkedEffectHeadersSchema,
  inboundEventSchemas,
  outboundEventDefinitions,
  outboundEventSchemas,
  schemaUri,
  type TopicRole,
} from '../schemas/contract';

/**
 * The published contract, generated from the zod schemas: one JSON Schema per event and per event
 * data (draft-07, the dialect AsyncAPI 3's default schema format extends) and the AsyncAPI 3
 * document tying them to topics. `npm run contract:generate` writes these files; a unit test fails
 * when the committed ones are stale.
 */

type JsonSchema = Record<string, unknown>;

/** Every schema by id (an event's CloudEvents type, or `<type>.data`); refs between them are URNs. */
export function contractSchemas(): Map<string, JsonSchema> {
  const outbound = z.registry<{ id: string }>();
  for (const definition of outboundEventDefinitions) {
    outbound.add(definition.data, { id: dataSchemaId(definition.type) });
    const event = outboundEventSchemas.get(definition.type);
    if (event) outbound.add(event, { id: definition.type });
  }
  // Inbound schemas describe what producers may send: extension attributes are allowed there.
  const inbound = z.registry<{ id: string }>();
  for (const [type, event] of inboundEventSchemas) {
    inbound.add(event.shape.data, { id: dataSchemaId(type) });
    inbound.add(event, { id: type });
  }
  const generate = (registry: typeof outbound, io: 'input' | 'output') =>
    Object.entries(z.toJSONSchema(registry, { target: 'draft-7', io, uri: schemaUri }).schemas);
  return new Map([...generate(outbound, 'output'), ...generate(inbound, 'input')].sort(byKey));
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** `org.carepath.care-level.changed.v1` → `careLevelChanged`. */
const messageName = (type: string) =>
  type
    .replace(/^org\.carepath\./, '')
    .replace(/\.v\d+$/, '')
    .split(/[.-]/)
    .map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');

const channelName: Record<TopicRole, string> = {
  'client-events': 'clientEvents',
  'care-events': 'careEvents',
  'staff-notifications': 'staffNotifications',
  'billing-events': 'billingEvents',
  'client-events-dlq': 'clientEventsDeadLetters',
  'effects-dlq': 'parkedEffects',
};

const channelDescription: Record<TopicRole, string> = {
  'client-events':
    'Inbound client events (admission, attendance, tests, measurements, authorizations, discharge requests) ' +
    'from EHR and scheduling integrations. carepath consumes them in a consumer group and applies each to ' +
    "the client's journey.",
  'care-events': "What happened in a client's journey.",
  'staff-notifications': 'Who should act (role), how urgently, on what code. Details stay in the EHR.',
  'billing-events':
    'Billable service days and level changes with service/revenue codes, units, authorization and dates; ' +
    'never the clinical reason behind a change.',
  'client-events-dlq':
    'Inbound messages that could not be applied, as they came, with the reason and the original ' +
    'topic/partition/offset in headers, or, when a journey refused the event after the bridge handed it ' +
    'over, the journey in headers and the event as JSON.',
  'effects-dlq':
    'Effects a journey could never publish (too large for the broker, against the contract), parked ' +
    'with the reason and the stream they were meant for in headers; the journey went on without them.',
};

/** What carepath does with each topic: it receives client events and sends on every other topic. */
const operationOf: Record<TopicRole, { id: string; summary: string }> = {
  'client-events': { id: 'receiveClientEvents', summary: 'Apply client events to journeys.' },
  'care-events': { id: 'sendCareEvents', summary: 'Publish what happened in journeys.' },
  'staff-notifications': { id: 'sendStaffNotifications', summary: 'Tell staff roles to act.' },
  'billing-events': { id: 'sendBillingEvents', summary: 'Publish billable facts.' },
  'client-events-dlq': {
    id: 'sendDeadLetters',
    summary: 'Set aside inbound messages that cannot be applied.',
  },
  'effects-dlq': { id: 'sendParkedEffects', summary: 'Park effects that can never be published.' },
};

const kafkaKey = {
  kafka: {
    key: {
      type: 'string',
      description: 'The client id: each client’s records stay in order on one partition.',
    },
    bindingVersion: '0.5.0',
  },
};

const withoutDialect = ({ $schema: _dialect, ...schema }: JsonSchema) => schema;

/** The AsyncAPI 3 document: carepath receives client events and sends care, notification and billing events. */
export function asyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelMessages = Object.fromEntries(
    Object.keys(carepathTopics).map((role) => [role, [] as string[]]),
  ) as Record<TopicRole, string[]>;
  const addEvent = (role: TopicRole, type: string, summary: string, outbound: boolean) => {
    const name = messageName(type);
    messages[name] = {
      name: type,
      title: type,
      summary,
      contentType: cloudEventsContentType,
      ...(outbound ? { headers: { $ref: '#/components/schemas/cloudEventsRecordHeaders' } } : {}),
      payload: { $ref: `./schemas/${type}.json` },
      bindings: kafkaKey,
    };
    channelMessages[role].push(name);
  };
  for (const type of inboundEventSchemas.keys())
    addEvent('client-events', type, `Client event \`${type.split('.')[3]}\`.`, false);
  for (const definition of outboundEventDefinitions)
    addEvent(definition.stream, definition.type, definition.summary, true);
  /** A dead-letter topic's one message: its headers say why; its value is what could not go on. */
  const addDeadLetter = (
    role: TopicRole,
    name: string,
    title: string,
    summary: string,
    contentType: string,
  ) => {
    messages[name] = {
      name: title.toLowerCase().replace(/ /g, '-'),
      title,
      summary,
      contentType,
      headers: { $ref: `#/components/schemas/${name}Headers` },
      payload: {},
      bindings: kafkaKey,
    };
    channelMessages[role].push(name);
  };
  addDeadLetter(
    'client-events-dlq',
    'deadLetter',
    'Dead letter',
    'An inbound message that could not be applied; the key and value are the original ones, or null where carepath-dlq-dropped says they were too large.',
    'application/octet-stream',
  );
  addDeadLetter(
    'effects-dlq',
    'parkedEffect',
    'Parked effect',
    'An effect that could not be published, as JSON (null when too large to copy).',
    'application/json',
  );

  const ref = (path: string) => ({ $ref: path });
  const channels = Object.fromEntries(
    (Object.keys(carepathTopics) as TopicRole[]).map((role) => [
      channelName[role],
      {
        address: carepathTopics[role],
        description: channelDescription[role],
        messages: Object.fromEntries(
          channelMessages[role].map((name) => [name, ref(`#/components/messages/${name}`)]),
        ),
      },
    ]),
  );
  const operation = (action: 'send' | 'receive', role: TopicRole, summary: string) => ({
    action,
    summary,
    channel: ref(`#/channels/${channelName[role]}`),
    messages: channelMessages[role].map((name) => ref(`#/channels/${channelName[role]}/messages/${name}`)),
  });

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'carepath events',
      version: '1.0.0',
      description:
        'The Kafka contract of carepath, the care-pathway engine. Every event is a CloudEvent 1.0 in ' +
        'structured JSON mode, keyed by client id. Consumers de-duplicate on (source, id): ids are the ' +
        'workflow’s deterministic effect ids, and a retried send repeats them. Every event carries the ' +
        '`confidentiality` extension attribute (42 CFR Part 2): identifiers and codes only, never names, ' +
        'notes or free-text diagnoses.',
    },
    defaultContentType: cloudEventsContentType,
    channels,
    operations: Object.fromEntries(
      (Object.keys(carepathTopics) as TopicRole[]).map((role) => [
        operationOf[role].id,
        operation(role === 'client-events' ? 'receive' : 'send', role, operationOf[role].summary),
      ]),
    ),
    components: {
      messages,
      schemas: {
        cloudEventsRecordHeaders: {
          type: 'object',
          properties: { 'content-type': { type: 'string', const: cloudEventsContentType } },
          required: ['content-type'],
        },
        deadLetterHeaders: withoutDialect(z.toJSONSchema(deadLetterHeadersSchema, { target: 'draft-7' })),
        parkedEffectHeaders: withoutDialect(z.toJSONSchema(parkedEffectHeadersSchema, { target: 'draft-7' })),
      },
    },
  };
}

const generatedNotice = 'Generated by `npm run contract:generate` from the zod schemas; do not edit.';

/** Every generated file, by path under `contract/`. */
export function contractFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [id, schema] of contractSchemas())
    files.set(`schemas/${id}.json`, `${JSON.stringify({ $comment: generatedNotice, ...schema }, null, 2)}\n`);
  files.set(
    'asyncapi.yaml',
    `# ${generatedNotice}\n${stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false })}`,
  );
  return files;
}
