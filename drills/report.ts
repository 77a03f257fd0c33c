/**
 * What a drill reports. `applied` and `published` are measured by the independent witnesses (the
 * journeys' own state, the outbound tap); the `expected…` figures come from the scenario.
 */
export interface DrillCounts {
  /** Inbound records produced, copies and malformed ones included. */
  sent: number;
  /** Distinct events the journeys applied, read from their state. */
  applied: number;
  expectedApplied: number;
  /** Distinct outbound events (`source id`) read from Kafka. */
  published: number;
  expectedPublished: number;
  /** Outbound ids stored more than once (an activity retried after a crash): at-least-once, allowed. */
  duplicates: number;
  /** Expected outbound events never read. */
  missing: number;
  /** Outbound events read that the scenario does not produce: something was applied twice or wrongly. */
  unexpected: number;
  /** Distinct inbound messages in the dead-letter topic, by the bridge or by a journey. */
  deadLettered: number;
  expectedDeadLetters: number;
  /** Journeys whose final state differs from the one the core decides for the delivered events. */
  stateMismatches: number;
  /** Inbound records stored on the topic for the drill (a send retried after a lost ack may store one twice). */
  produced: number;
  /** Records repeating one before them with the same content: produced less the distinct messages sent. */
  redeliveries: number;
  /** The longest history of a drill journey's latest run, and the bound the journey settings give it. */
  longestHistory: number;
  historyBound: number;
  /** Journeys that did not answer a query, failed or have a workflow task failing again and again. */
  frozen: number;
}

/** The counts of a drill that could not run. */
export const noCounts: DrillCounts = {
  sent: 0,
  applied: 0,
  expectedApplied: 0,
  published: 0,
  expectedPublished: 0,
  duplicates: 0,
  missing: 0,
  unexpected: 0,
  deadLettered: 0,
  expectedDeadLetters: 0,
  stateMismatches: 0,
  produced: 0,
  redeliveries: 0,
  longestHistory: 0,
  historyBound: 0,
  frozen: 0,
};

/** Every inbound record ends as exactly one of these: the drill's account of them. */
export const accountLine = ({ produced, applied, redeliveries, deadLettered }: DrillCounts): string =>
  `${produced} = ${applied} + ${redeliveries} + ${deadLettered}`;

export interface DrillResult {
  name: string;
  /** What the drill did, one line each, for the report. */
  did: string[];
  counts: DrillCounts;
  /** Why it failed; empty when it passed. */
  problems: string[];
  passed: boolean;
  seconds: number;
}

/** Fields of a drill's log line: counts, and ids or codes, never event data. */
export type DrillLogFields = Readonly<Record<string, number | string>>;

/** A structured progress line on stderr, so stdout keeps the report alone. */
export function drillLog(level: 'info' | 'warn', message: string, fields: DrillLogFields = {}): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), message, ...fields })}\n`);
}

/** A drill's progress reporter: every line names the drill. */
export type Progress = (message: string, fields?: DrillLogFields) => void;

export const progressOf =
  (drill: string): Progress =>
  (message, fields = {}) =>
    drillLog('info', message, { drill, ...fields });

const columns: [string, (r: DrillResult) => string][] = [
  ['drill', (r) => r.name],
  ['result', (r) => (r.passed ? 'pass' : 'FAIL')],
  ['sent', (r) => String(r.counts.sent)],
  ['applied', (r) => `${r.counts.applied}/${r.counts.expectedApplied}`],
  ['published', (r) => `${r.counts.published}/${r.counts.expectedPublished}`],
  ['duplicates', (r) => String(r.counts.duplicates)],
  ['missing', (r) => String(r.counts.missing)],
  ['unexpected', (r) => String(r.counts.unexpected)],
  ['dead-lettered', (r) => `${r.counts.deadLettered}/${r.counts.expectedDeadLetters}`],
  ['states differ', (r) => String(r.counts.stateMismatches)],
  ['produced = applied + redelivered + dead-lettered', (r) => accountLine(r.counts)],
  ['history', (r) => `${r.counts.longestHistory}/${r.counts.historyBound}`],
  ['frozen', (r) => String(r.counts.frozen)],
  ['time', (r) => `${Math.round(r.seconds)} s`],
];

/** The counts of every drill as a plain-text table (`a/b`: measured/expected; history: longest/bound). */
export function countsTable(results: readonly DrillResult[]): string {
  const rows = [columns.map(([title]) => title), ...results.map((r) => columns.map(([, cell]) => cell(r)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows
    .map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))))
    .map((row) => row.join('  ').trimEnd())
    .join('\n');
}

/** One drill's account: what it did, and why it failed when it did. */
export function drillAccount(result: DrillResult): string {
  return [
    `${result.name}: ${result.passed ? 'pass' : 'FAIL'}`,
    ...result.did.map((line) => `  - ${line}`),
    ...result.problems.map((problem) => `  ! ${problem}`),
  ].join('\n');
}
