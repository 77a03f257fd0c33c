/** A CSV file that cannot be read as a table; names the row (the header is row 1) and what to fix. */
export class CsvError extends Error {
  constructor(
    readonly row: number,
    problem: string,
  ) {
    super(`row ${row}: ${problem}`);
    this.name = 'CsvError';
  }
}

/**
 * Parses RFC 4180 CSV: comma-separated, fields optionally in double quotes (which may hold commas,
 * line breaks and `""` for a quote), LF or CRLF line ends. Strict: a quote inside an unquoted field,
 * text after a closing quote or an unterminated quote is an error, never a guess.
 * Answers rows of fields with the row number each starts on; blank lines are skipped.
 */
export function parseCsv(text: string): { row: number; fields: string[] }[] {
  const rows: { row: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1;
  let rowStart = 1;
  let at = text.startsWith('\ufeff') ? 1 : 0;
  let quoted = false;
  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ row: rowStart, fields });
    fields = [];
  };
  while (at < text.length) {
    const c = text[at];
    if (c === '"' && field === '' && !quoted) {
      quoted = true;
      at += 1;
      for (;;) {
        if (at >= text.length)
          throw new CsvError(rowStart, 'a quoted field is not closed; add the closing "');
        if (text[at] === '"') {
          if (text[at + 1] === '"') {
            field += '"';
            at += 2;
            continue;
          }
          at += 1;
          break;
        }
        if (text[at] === '\n') row += 1;
        field += text[at];
        at += 1;
      }
      const next = text[at];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw new CsvError(row, 'text after a closing quote; quote the whole field');
      continue;
    }
    if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[at + 1] === '\n') at += 1;
      endRow();
      row += 1;
      rowStart = row;
    } else if (c === '"')
      throw new CsvError(row, 'a quote inside an unquoted field; quote the field and double the quote');
    else field += c;
    at += 1;
  }
  if (field !== '' || quoted || fields.length > 0) endRow();
  return rows;
}

/** The rows as records keyed by the header's column names, which must be exactly the expected ones. */
export function csvRecords<C extends string>(
  text: string,
  columns: readonly C[],
  required: readonly C[],
): { row: number; values: Record<C, string> }[] {
  const [header, ...rows] = parseCsv(text);
  if (!header)
    throw new CsvError(1, `the file is empty; the first row names the columns: ${columns.join(',')}`);
  const names = header.fields.map((name) => name.trim());
  const unknown = names.filter((name) => !(columns as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new CsvError(1, `unknown columns ${unknown.join(', ')}; the columns are: ${columns.join(', ')}`);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new CsvError(1, `columns named twice: ${twice.join(', ')}`);
  const missing = required.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new CsvError(1, `missing columns ${missing.join(', ')}`);
  return rows.map(({ row, fields }) => {
    if (fields.length !== names.length)
      throw new CsvError(row, `${fields.length} fields where the header names ${names.length}`);
    const values = Object.fromEntries(columns.map((column) => [column, ''])) as Record<C, string>;
    names.forEach((name, i) => (values[name as C] = (fields[i] ?? '').trim()));
    return { row, values };
  });
}
