import { issuePath } from '../schemas/issues';
import { programDefinitionSchema, type ProgramDefinition } from '../schemas/program';
import { jsonValueLines, lineOf } from './json-lines';

/** One problem of a program file: where (JSON path, and line when known) and what to fix. */
export interface ProgramIssue {
  path: readonly PropertyKey[];
  message: string;
  line?: number;
}

const describeIssue = (file: string, issue: ProgramIssue) =>
  `${file}${issue.line === undefined ? '' : `:${issue.line}`}: ${issuePath(issue.path)}: ${issue.message}`;

/** A program file that is not a valid program definition; names the file and each problem to fix. */
export class ProgramDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ProgramIssue[],
  ) {
    super(
      `Invalid program definition ${file}; fix:\n${issues.map((issue) => `  - ${describeIssue(file, issue)}`).join('\n')}`,
    );
    this.name = 'ProgramDefinitionError';
  }

  /** Each problem on a line of its own: `file:line: path: what to fix`. */
  problemLines(): string[] {
    return this.issues.map((issue) => describeIssue(this.file, issue));
  }
}

/**
 * What a file name promises: `<programId>.json`, or `<programId>@<version>.json` when a directory
 * keeps several versions of one program side by side.
 */
export function programFileName(file: string): { programId: string; version: number | null } | null {
  const match = /^(.+?)(?:@(\d+))?\.json$/.exec(file.replace(/^.*[\\/]/, ''));
  if (!match?.[1]) return null;
  return { programId: match[1], version: match[2] === undefined ? null : Number(match[2]) };
}

/**
 * Validates one program definition read from `file` (e.g. `step-down-iop.json` or
 * `step-down-iop@2.json`), whose name must carry its programId (and version, when it names one).
 * `lines` maps JSON paths to lines of the file's text, so each problem names the line to edit.
 */
export const parseProgram = (
  json: unknown,
  file: string,
  lines: Map<string, number> = new Map(),
): ProgramDefinition => {
  const issue = (path: readonly PropertyKey[], message: string): ProgramIssue => {
    const line = lineOf(lines, path);
    return line === undefined ? { path, message } : { path, message, line };
  };
  const result = programDefinitionSchema.safeParse(json);
  if (!result.success)
    throw new ProgramDefinitionError(
      file,
      result.error.issues.map((i) =>
        issue(
          i.path,
          i.code === 'invalid_type' && i.message.endsWith('received undefined')
            ? `missing; add it (expected ${i.expected})`
            : i.message,
        ),
      ),
    );
  const named = programFileName(file);
  if (!named)
    throw new ProgramDefinitionError(file, [
      issue([], 'name the file <programId>.json or <programId>@<version>.json'),
    ]);
  if (result.data.programId !== named.programId)
    throw new ProgramDefinitionError(file, [
      issue(['programId'], `expected '${named.programId}' to match the file name`),
    ]);
  if (named.version !== null && result.data.version !== named.version)
    throw new ProgramDefinitionError(file, [
      issue(['version'], `expected ${named.version} to match the file name`),
    ]);
  return result.data;
};

/** Parses and validates a program file's text; a JSON syntax error names its line. */
export const parseProgramText = (text: string, file: string): ProgramDefinition => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const line =
      position?.[1] === undefined ? undefined : text.slice(0, Number(position[1])).split('\n').length;
    throw new ProgramDefinitionError(file, [
      {
        path: [],
        message: `not valid JSON (${error instanceof Error ? error.message : String(error)}); fix the syntax`,
        ...(line !== undefined && { line }),
      },
    ]);
  }
  return parseProgram(json, file, jsonValueLines(text));
};
