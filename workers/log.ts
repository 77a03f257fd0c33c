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
]);
/** A code or identifier: one token of letters, digits and separators, never free text. */
const codeShaped = /^[A-Za-z0-9][A-Za-z0-9._:/@…-]{0,199}$/;

const keepField = (name: string, value: string | number | boolean) =>
  (operationalFields.has(name) || /(Id|Ids)$/.test(name)) &&
  (typeof value !== 'string' || codeShaped.test(value));

/** The fields a log line may carry, and how many others were dropped. */
export function redactFields(fields: LogFields): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  let redacted = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (keepField(name, value)) kept[name] = value;
    else redacted++;
  }
  return redacted === 0 ? kept : { ...kept, redacted };
}

export function logLine(level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...redactFields(fields) });
  if (level === 'info') console.log(line);
  else console.error(line);
}
