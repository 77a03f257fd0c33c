import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';

/**
 * The published JSON Schemas as an independent consumer would use them: read from `contract/`,
 * compiled by a JSON Schema validator that knows nothing of zod, looked up by the event's `type`.
 */
export function publishedSchemas() {
  const dir = join(__dirname, '..', '..', 'contract', 'schemas');
  const ajv = new Ajv({ allErrors: true });
  for (const file of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  return {
    /** Problems of one event against the schema its `type` names; empty when it conforms. */
    problems(event: unknown): string[] {
      const type = (event as { type?: unknown }).type;
      const validate = typeof type === 'string' ? ajv.getSchema(`urn:carepath:schema:${type}`) : undefined;
      if (!validate) return [`no published schema for type ${String(type)}`];
      return validate(event) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
    },
  };
}

/** Property names that would carry what must never leave the engine: names, notes, diagnoses. */
export const forbiddenField = /name|note|diagnos|narrative|comment|free.?text/i;

/** Every property name in a JSON value, at any depth. */
export function fieldNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(fieldNames);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, nested]) => [key, ...fieldNames(nested)]);
}
