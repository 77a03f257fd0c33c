import pino, { type Logger } from 'pino';

/**
 * Structured JSON log lines. Fields are identifiers, codes and counts only — never names, notes or
 * event data (42 CFR Part 2). The field type keeps them to scalars, and `redactFields` drops every
 * field that is neither an operational fact nor shaped like an identifier or a code, so a caller's
 * slip (an event's data passed as a field) never reaches the log.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Operational fields that are not identifiers by name but carry codes, counts or routes. */
const operationalFields = new Set([
  'topic',
  'partition',
  'offset',
  'attempt',
  'error',
  'reason',
  'kind',
  'type',
  'method',
  'path',
  'route',
  'status',
  'ms',
  'payloads',
  'taskQueue',
  'namespace',
  'logger',
  'sdkComponent',
  'workflowType',
  'activityType',
  'role',
  'apiUrl',
  'codecUrl',
  'healthUrl',
  'temporalTls',
  'temporalApiKey',
  'kafkaSsl',
  'kafkaSasl',
  // A traced journey's workflow log lines name their trace (workflows/tracing-interceptors.ts).
  'trace_id',
  'span_id',
  'trace_flags',
]);
/** A code, identifier or request path: one token of letters, digits and separators, never free text. */
const codeShaped = /^[A-Za-z0-9/][A-Za-z0-9._:/@…-]{0,199}$/;

const keepField = (name: string, value: string | number | boolean) =>
  (operationalFields.has(name) || /(Id|Ids)$/.test(name)) &&
  (typeof value !== 'string' || codeShaped.test(value));

const isScalar = (value: unknown): value is string | number | boolean =>
  ['string', 'number', 'boolean'].includes(typeof value);

/** The fields a log line may carry, and how many others were dropped. */
export function redactFields(
  fields: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  let redacted = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // A nested object or list (a request, an error) could carry anything: dropped as free text is.
    if (isScalar(value) && keepField(name, value)) kept[name] = value;
    else redacted++;
  }
  return redacted === 0 ? kept : { ...kept, redacted };
}

/**
 * The process's one logger: the API's request logs, the Temporal SDK's and Core's, kafkajs's and
 * carepath's own lines all pass through it, so every line has one shape and one redaction.
 * Information goes to the console's log, warnings and errors to its error stream, as test runners
 * and container runtimes capture them.
 */
export const logger: Logger = pino(
  {
    level: 'info',
    base: {},
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label === 'fatal' ? 'error' : label }),
      bindings: redactFields,
      log: redactFields,
    },
  },
  pino.multistream(
    [
      { level: 'info', stream: { write: (line: string) => console.log(line.trimEnd()) } },
      { level: 'warn', stream: { write: (line: string) => console.error(line.trimEnd()) } },
    ],
    { dedupe: true },
  ),
);

/** Scalar fields only: nested objects could carry anything, so they never reach the log. */
export function scalarFields(fields: Record<string, unknown> | undefined): LogFields {
  return Object.fromEntries(Object.entries(fields ?? {}).filter(([, value]) => isScalar(value))) as LogFields;
}

export function logLine(level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void {
  logger[level](fields, message);
}
