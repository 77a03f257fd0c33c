import { useEffect, useState } from 'preact/hooks';
import { words } from './format';

/** The slice of JSON Schema the API's request bodies use. */
export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

let documentLoad: Promise<Record<string, JsonSchema>> | null = null;

/** The API's own request schemas, from the OpenAPI document it serves: forms follow the running API. */
export function requestSchemas(): Promise<Record<string, JsonSchema>> {
  documentLoad ??= fetch('/openapi.json')
    .then((response) => {
      if (!response.ok)
        throw new Error(`The API's description answered ${response.status}: reload the page.`);
      return response.json() as Promise<{ components: { schemas: Record<string, JsonSchema> } }>;
    })
    .then((document) => document.components.schemas)
    .catch((error: unknown) => {
      documentLoad = null;
      throw error;
    });
  return documentLoad;
}

export function useRequestSchemas() {
  const [schemas, setSchemas] = useState<Record<string, JsonSchema> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    requestSchemas().then(setSchemas, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return { schemas, error };
}

/** The variants of a discriminated body, by the value of `type`. */
export function variantsOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  return Object.fromEntries(
    (schema?.oneOf ?? schema?.anyOf ?? []).flatMap((variant) => {
      const type = variant.properties?.type?.const;
      return typeof type === 'string' ? [[type, variant]] : [];
    }),
  );
}

/** A nullable field is `anyOf: [X, {type: null}]`: the form shows X and sends null when left empty. */
function unwrap(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const options = schema.anyOf ?? [];
  const real = options.filter((o) => o.type !== 'null');
  if (options.length > 0 && real.length === 1 && real[0]) return { schema: real[0], nullable: true };
  return { schema, nullable: false };
}

type Values = Record<string, unknown>;

/** The body to send: empty optional fields left out, empty nullable ones null, numbers as numbers. */
/** What a form field shows of a value: its text, or nothing for a value a field cannot hold. */
const fieldText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';

export function bodyOf(schema: JsonSchema, values: Values): Values {
  const body: Values = {};
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    if (raw.const !== undefined) {
      body[name] = raw.const;
      continue;
    }
    const { schema: field, nullable } = unwrap(raw);
    const value = values[name];
    if (field.type === 'object') {
      body[name] = bodyOf(field, (value as Values | undefined) ?? {});
      continue;
    }
    if (value === undefined || value === '') {
      if (nullable && schema.required?.includes(name)) body[name] = null;
      else if (field.type === 'boolean' && schema.required?.includes(name)) body[name] = false;
      else if (field.type === 'array' && schema.required?.includes(name)) body[name] = [];
      continue;
    }
    if (field.type === 'number' || field.type === 'integer') body[name] = Number(value);
    else if (field.format === 'date-time') body[name] = new Date(fieldText(value)).toISOString();
    else body[name] = value;
  }
  return body;
}

interface FormProps {
  schema: JsonSchema;
  values: Values;
  onChange: (values: Values) => void;
  /** The API's messages by field path (`intake.ageYears`), shown beside each field. */
  issues: Record<string, string>;
  /** Fields not to show (set by the page, e.g. the event type). */
  hidden?: readonly string[];
  /** Fields whose values the page knows, e.g. the loaded program ids. */
  choices?: Record<string, readonly string[]>;
  labels?: Record<string, string>;
  prefix?: string;
  idPrefix: string;
}

/** Inputs for every property of a request schema, labelled, with the API's message beside each. */
export function SchemaFields({
  schema,
  values,
  onChange,
  issues,
  hidden = [],
  choices = {},
  labels = {},
  prefix = '',
  idPrefix,
}: FormProps) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, raw]) => {
        if (raw.const !== undefined || hidden.includes(name)) return null;
        const path = prefix + name;
        const id = `${idPrefix}-${path.replace(/\./g, '-')}`;
        const { schema: field, nullable } = unwrap(raw);
        const label =
          labels[path] ??
          words(name.replace(/([a-z])([A-Z])/g, '$1-$2')).replace(/^./, (c) => c.toUpperCase());
        const optional = !required.has(name) || nullable;
        const issue = issues[path];
        const describedBy = [
          raw.description || field.description ? `${id}-hint` : '',
          issue ? `${id}-issue` : '',
        ]
          .filter(Boolean)
          .join(' ');
        const value = values[name];
        const set = (next: unknown) => onChange({ ...values, [name]: next });
        const hint = raw.description ?? field.description;
        const after = (
          <>
            {hint && (
              <span class="hint" id={`${id}-hint`}>
                {hint}
              </span>
            )}
            {issue && (
              <span class="issue" id={`${id}-issue`}>
                {issue}
              </span>
            )}
          </>
        );
        if (field.type === 'object')
          return (
            <fieldset key={path}>
              <legend>{label}</legend>
              <SchemaFields
                schema={field}
                values={(value as Values | undefined) ?? {}}
                onChange={(inner) => set(inner)}
                issues={issues}
                choices={choices}
                labels={labels}
                prefix={`${path}.`}
                idPrefix={idPrefix}
              />
            </fieldset>
          );
        if (field.type === 'boolean')
          return (
            <div class="field check" key={path}>
              <input
                id={id}
                type="checkbox"
                checked={value === true}
                aria-describedby={describedBy || undefined}
                aria-invalid={issue ? true : undefined}
                onChange={(e) => set(e.currentTarget.checked)}
              />
              <label for={id}>{label}</label>
              {after}
            </div>
          );
        if (field.type === 'array' && field.items?.enum) {
          const chosen = new Set((value as string[] | undefined) ?? []);
          return (
            <fieldset key={path} aria-describedby={describedBy || undefined}>
              <legend>{label}</legend>
              {field.items.enum.map((option) => (
                <div class="field check" key={String(option)}>
                  <input
                    id={`${id}-${String(option)}`}
                    type="checkbox"
                    checked={chosen.has(String(option))}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.currentTarget.checked) next.add(String(option));
                      else next.delete(String(option));
                      set([...next]);
                    }}
                  />
                  <label for={`${id}-${String(option)}`}>{words(String(option))}</label>
                </div>
              ))}
              {after}
            </fieldset>
          );
        }
        const options = choices[path] ?? field.enum?.map(String);
        return (
          <div class="field" key={path}>
            <label for={id}>
              {label}
              {optional ? <span class="optional"> (optional)</span> : null}
            </label>
            {options ? (
              <select
                id={id}
                value={fieldText(value)}
                aria-describedby={describedBy || undefined}
                aria-invalid={issue ? true : undefined}
                onChange={(e) => set(e.currentTarget.value)}
              >
                <option value="">{optional ? '(none)' : 'Choose…'}</option>
                {options.map((option) => (
                  <option key={option} value={option}>
                    {words(option)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type={
                  field.type === 'number' || field.type === 'integer'
                    ? 'number'
                    : field.format === 'date'
                      ? 'date'
                      : field.format === 'date-time'
                        ? 'datetime-local'
                        : 'text'
                }
                step={field.type === 'integer' ? 1 : field.type === 'number' ? 'any' : undefined}
                value={fieldText(value)}
                aria-describedby={describedBy || undefined}
                aria-invalid={issue ? true : undefined}
                onInput={(e) => set(e.currentTarget.value)}
              />
            )}
            {after}
          </div>
        );
      })}
    </>
  );
}
