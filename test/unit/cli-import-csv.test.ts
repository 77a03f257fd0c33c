import { CsvError, csvRecords, parseCsv } from '../../cli/csv';
import { importBodyOf, importColumns } from '../../cli/import';

const rowError = (f: () => unknown): { row: number; message: string } => {
  try {
    f();
  } catch (error) {
    if (error instanceof CsvError) return { row: error.row, message: error.message };
    throw error;
  }
  throw new Error('expected a CsvError');
};

describe('the CSV parser', () => {
  test('reads quoted fields with commas, doubled quotes and line breaks, LF and CRLF, skipping blank lines', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3\n')).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { row: 5, fields: ['1', '', '3'] },
    ]);
  });

  test('a last row without a line end and a trailing empty field count', () => {
    expect(parseCsv('a,b\n1,')).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 2, fields: ['1', ''] },
    ]);
  });

  test('refuses a quote inside an unquoted field, text after a closing quote, an unclosed quote; with the row', () => {
    expect(rowError(() => parseCsv('a\nb"c\n'))).toEqual({
      row: 2,
      message: expect.stringContaining('unquoted'),
    });
    expect(rowError(() => parseCsv('a\n"b"c\n'))).toEqual({
      row: 2,
      message: expect.stringContaining('after a closing quote'),
    });
    expect(rowError(() => parseCsv('a\nx\n"open,\n'))).toEqual({
      row: 3,
      message: expect.stringContaining('not closed'),
    });
  });

  test('records need the header to name known columns once, and every row its number of fields', () => {
    expect(csvRecords('a,b\n1,2\n', ['a', 'b', 'c'], ['a'])).toEqual([
      { row: 2, values: { a: '1', b: '2', c: '' } },
    ]);
    expect(rowError(() => csvRecords('a,x\n', ['a', 'b'], ['a'])).message).toMatch(
      /row 1: unknown columns x/,
    );
    expect(rowError(() => csvRecords('b\n', ['a', 'b'], ['a'])).message).toMatch(/missing columns a/);
    expect(rowError(() => csvRecords('a,a\n', ['a'], ['a'])).message).toMatch(/named twice/);
    expect(rowError(() => csvRecords('a,b\n1,2\n1\n', ['a', 'b'], ['a']))).toEqual({
      row: 3,
      message: 'row 3: 1 fields where the header names 2',
    });
  });
});

describe('an import row', () => {
  const values = (overrides: Partial<Record<(typeof importColumns)[number], string>> = {}) => ({
    ...(Object.fromEntries(importColumns.map((c) => [c, ''])) as Record<
      (typeof importColumns)[number],
      string
    >),
    importId: 'imp-1',
    clientId: 'client-1',
    programId: 'step-down-iop',
    level: 'iop',
    inCareSince: '2025-01-06T09:00:00Z',
    levelSince: '2025-02-03T09:00:00Z',
    ageYears: '34',
    gender: 'female',
    ...overrides,
  });

  test('becomes the import request: milestones split on ;, empty sobriety date and authorization are none', () => {
    expect(importBodyOf(values({ milestonesMet: 'attendance-stable; relapse-prevention-plan' }))).toEqual({
      importId: 'imp-1',
      clientId: 'client-1',
      programId: 'step-down-iop',
      level: 'iop',
      inCareSince: '2025-01-06T09:00:00Z',
      levelSince: '2025-02-03T09:00:00Z',
      ageYears: 34,
      gender: 'female',
      milestonesMet: ['attendance-stable', 'relapse-prevention-plan'],
      sobrietyDate: null,
      authorizations: [],
    });
  });

  test('carries one authorization when all its columns are filled, and refuses a half-filled one', () => {
    const authorization = {
      authorizationRef: 'auth-9',
      authorizationLevel: 'iop',
      authorizationUnit: 'days',
      unitsAuthorized: '30',
      unitsRemaining: '12',
      authorizationStart: '2025-02-01',
      authorizationEnd: '2025-04-30',
    };
    expect(importBodyOf(values(authorization)).authorizations).toEqual([
      {
        authorizationRef: 'auth-9',
        payerLevel: 'iop',
        unit: 'days',
        unitsAuthorized: 30,
        remainingUnits: 12,
        startDate: '2025-02-01',
        endDate: '2025-04-30',
      },
    ]);
    expect(() => importBodyOf(values({ ...authorization, unitsRemaining: '' }))).toThrow(
      /missing: unitsRemaining/,
    );
    expect(() => importBodyOf(values({ ageYears: 'thirty' }))).toThrow(/ageYears: expected a whole number/);
  });
});
