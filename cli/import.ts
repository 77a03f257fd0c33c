import { readFileSync } from 'node:fs';
import { ApiRefused, callApi, type ApiTarget } from './api-client';
import { csvRecords } from './csv';
import { UsageError } from './event-fields';
import { table } from './table';

/** The columns of an import file (README, "Importing clients already in care"); one client per row. */
export const importColumns = [
  'importId',
  'clientId',
  'programId',
  'level',
  'inCareSince',
  'levelSince',
  'ageYears',
  'gender',
  'milestonesMet',
  'sobrietyDate',
  'authorizationRef',
  'authorizationLevel',
  'authorizationUnit',
  'unitsAuthorized',
  'unitsRemaining',
  'authorizationStart',
  'authorizationEnd',
] as const;
type Column = (typeof importColumns)[number];
const requiredColumns = importColumns.slice(0, 8);
const authorizationColumns = importColumns.slice(10);

/** A row the CLI cannot turn into a request; reported like a refusal, with the column to fix. */
class RowProblem extends Error {}

const wholeNumber = (values: Record<Column, string>, column: Column): number => {
  const value = values[column];
  if (!/^\d+$/.test(value)) throw new RowProblem(`${column}: expected a whole number, got '${value}'`);
  return Number(value);
};

/** One row as the body of POST /v1/imports/clients; the API validates every value. */
export function importBodyOf(values: Record<Column, string>): Record<string, unknown> {
  const given = authorizationColumns.filter((column) => values[column] !== '');
  if (given.length > 0 && given.length < authorizationColumns.length)
    throw new RowProblem(
      `authorization columns are all filled or all empty; missing: ${authorizationColumns.filter((c) => values[c] === '').join(', ')}`,
    );
  return {
    importId: values.importId,
    clientId: values.clientId,
    programId: values.programId,
    level: values.level,
    inCareSince: values.inCareSince,
    levelSince: values.levelSince,
    ageYears: wholeNumber(values, 'ageYears'),
    gender: values.gender,
    milestonesMet: values.milestonesMet
      .split(';')
      .map((m) => m.trim())
      .filter(Boolean),
    sobrietyDate: values.sobrietyDate || null,
    authorizations:
      given.length === 0
        ? []
        : [
            {
              authorizationRef: values.authorizationRef,
              payerLevel: values.authorizationLevel,
              unit: values.authorizationUnit,
              unitsAuthorized: wholeNumber(values, 'unitsAuthorized'),
              remainingUnits: wholeNumber(values, 'unitsRemaining'),
              startDate: values.authorizationStart,
              endDate: values.authorizationEnd,
            },
          ],
  };
}

export type RowOutcome = 'imported' | 'already-imported' | 'refused';
export interface RowReport {
  row: number;
  importId: string;
  clientId: string;
  outcome: RowOutcome;
  reason: string | null;
}

const reasonOf = (error: ApiRefused): string => {
  const { problem } = error;
  const issues = (problem.issues ?? []).map((i) => `${(i.path ?? []).join('.')}: ${i.message}`);
  return [`${problem.title ?? 'refused'} (HTTP ${problem.status})`, problem.detail, ...issues]
    .filter(Boolean)
    .join('; ');
};

/**
 * Imports every row of a CSV file, a few requests at a time, reporting `n/N` as rows finish. A row
 * the API refuses is reported with why and the rest go on; the API being unreachable stops the run
 * (running it again picks up where it stopped: imported rows answer already-imported).
 */
export async function importFile(
  target: ApiTarget,
  file: string,
  progress: (text: string) => void,
  concurrency = 4,
): Promise<RowReport[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  const records = csvRecords(text, importColumns, requiredColumns);
  const reports: RowReport[] = new Array<RowReport>(records.length);
  const every = Math.max(1, Math.floor(records.length / 20));
  let done = 0;
  let next = 0;
  const work = async () => {
    for (let i = next++; i < records.length; i = next++) {
      const { row, values } = records[i]!;
      const base = { row, importId: values.importId, clientId: values.clientId };
      try {
        const { status } = await callApi(target, 'POST', '/v1/imports/clients', {
          body: importBodyOf(values),
        });
        reports[i] = { ...base, outcome: status === 201 ? 'imported' : 'already-imported', reason: null };
      } catch (error) {
        if (error instanceof RowProblem) reports[i] = { ...base, outcome: 'refused', reason: error.message };
        else if (error instanceof ApiRefused && (error.problem.status ?? 500) < 500)
          reports[i] = { ...base, outcome: 'refused', reason: reasonOf(error) };
        else throw error;
      }
      done += 1;
      if (done % every === 0 || done === records.length) progress(`import: ${done}/${records.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, work));
  return reports;
}

export function renderImportReport(file: string, reports: readonly RowReport[]): string {
  const count = (outcome: RowOutcome) => reports.filter((r) => r.outcome === outcome).length;
  const summary =
    `${file}: ${reports.length} rows; imported ${count('imported')}, ` +
    `already imported ${count('already-imported')}, refused ${count('refused')}.`;
  const refused = reports.filter((r) => r.outcome === 'refused');
  if (refused.length === 0) return summary;
  return `${summary}\n\nRefused (fix these rows and run the import again):\n${table(
    ['ROW', 'IMPORT', 'CLIENT', 'WHY'],
    refused.map((r) => [String(r.row), r.importId, r.clientId, r.reason ?? '']),
  )}`;
}
