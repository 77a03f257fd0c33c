/**
 * Structured JSON log lines. Fields are identifiers, codes and counts only — never names, notes or
 * event data (42 CFR Part 2) — which the field type keeps to scalars.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export function logLine(level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}
