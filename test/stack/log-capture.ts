import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/**
 * Every line the integration tests' processes log is also appended to one file per run, so that
 * global teardown can check the whole suite's logs for clinical data (logs carry identifiers and
 * codes only).
 */
export const capturedLogFile = (dataDir: string): string => join(dataDir, 'captured-logs.txt');

export function teeLogsInto(file: string): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      appendFileSync(file, `${format(...args)}\n`);
      original(...args);
    };
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      appendFileSync(file, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array));
      return write(chunk, ...rest);
    };
  }
}

/** Event data that must never reach a log: what the intake, measurements and free text carry. */
const clinicalField =
  /^(intake|sobrietyDate|score|withdrawalRisk|coOccurringMentalIllness|ageYears|gender|standAloneIndications|notes?|name|firstName|lastName|diagnosis|body|payload|payloads?Data|data)$/;

function clinicalKeys(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => clinicalKeys(item, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(clinicalField.test(key) ? [[...path, key].join('.')] : []),
    ...clinicalKeys(inner, [...path, key]),
  ]);
}

/** The structured (JSON) log lines in `text` and, for each that carries clinical fields, what they are. */
export function checkStructuredLogs(text: string): { structured: number; problems: string[] } {
  let structured = 0;
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || !('level' in parsed)) continue;
    structured++;
    const keys = clinicalKeys(parsed);
    if (keys.length > 0) problems.push(`${keys.join(', ')} in: ${line.slice(0, 300)}`);
  }
  return { structured, problems };
}

export function readCapturedLogs(dataDir: string): string {
  const file = capturedLogFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
