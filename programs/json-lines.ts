/**
 * Where each value of a JSON text starts, by its path (`levels.iop.weeklyHours`), so a problem found
 * in the parsed value can name the line to edit. Only called on text JSON.parse already accepted.
 */
export function jsonValueLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at] ?? '')) {
      if (text[at] === '\n') line += 1;
      at += 1;
    }
  };
  const readString = (): string => {
    const start = at;
    at += 1;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const readValue = (path: string[]): void => {
    skipSpace();
    lines.set(path.join('.'), line);
    const c = text[at];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      at += 1;
      for (let index = 0; ; index += 1) {
        skipSpace();
        if (text[at] === close) break;
        let key = String(index);
        if (close === '}') {
          key = readString();
          skipSpace();
          at += 1; // the colon
        }
        readValue([...path, key]);
        skipSpace();
        if (text[at] === ',') at += 1;
      }
      at += 1;
    } else if (c === '"') readString();
    else while (at < text.length && !/[\s,\]}]/.test(text[at] ?? '')) at += 1;
  };
  readValue([]);
  return lines;
}

/** The line of the value at `path`, or of its nearest enclosing value (a missing key's object). */
export function lineOf(lines: Map<string, number>, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n -= 1) {
    const found = lines.get(path.slice(0, n).map(String).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}
