import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contractFiles } from '../../contract/documents';
import { carepathTopics, inboundEventType, outboundEventDefinitions } from '../../schemas/contract';
import { clientEventSchema } from '../../schemas';

const root = join(__dirname, '..', '..', 'contract');
const generated = contractFiles();

describe('the published contract in contract/', () => {
  test.each([...generated.keys()])(
    '%s is what the zod schemas generate (else: npm run contract:generate)',
    (path) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(generated.get(path));
    },
  );

  test('holds no schema the zod schemas no longer generate', () => {
    const committed = readdirSync(join(root, 'schemas')).map((name) => `schemas/${name}`);
    expect(committed.sort()).toEqual([...generated.keys()].filter((p) => p.startsWith('schemas/')).sort());
  });

  test('publishes an event schema and a data schema for every inbound and outbound type', () => {
    const types = [
      ...outboundEventDefinitions.map((d) => d.type),
      ...clientEventSchema.options.map((o) => inboundEventType(o.shape.type.value)),
    ];
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) {
      expect(generated.has(`schemas/${type}.json`)).toBe(true);
      expect(generated.has(`schemas/${type}.data.json`)).toBe(true);
    }
  });

  test('the AsyncAPI 3 document names every topic, keys records by client id and points at existing schemas', () => {
    const doc = parse(generated.get('asyncapi.yaml') ?? '') as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string; channel: { $ref: string } }>;
      components: {
        messages: Record<string, { payload: { $ref?: string }; bindings: { kafka: { key: unknown } } }>;
      };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(Object.values(carepathTopics).sort());
    expect(
      Object.values(doc.operations)
        .map((o) => o.action)
        .sort(),
    ).toEqual(['receive', 'send', 'send', 'send', 'send', 'send']);
    for (const message of Object.values(doc.components.messages)) {
      expect(message.bindings.kafka.key).toMatchObject({ type: 'string' });
      if (message.payload.$ref) expect(existsSync(join(root, message.payload.$ref))).toBe(true);
    }
  });
});
