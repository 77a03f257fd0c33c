import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProgramDefinitionError, parseProgramText } from './parse';
import { ProgramRegistry } from './registry';

/** The package's root, found from this module whether it runs from the sources or from `lib/`. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'programs', 'default.json')))
      return dir;
    if (dirname(dir) === dir)
      throw new Error(
        `No carepath package with a programs/ directory above ${__dirname}; set CAREPATH_PROGRAMS_DIR.`,
      );
  }
}

/** The programs shipped with carepath: the default and the reference programs A–E. */
export const shippedProgramsDir = (): string => join(packageRoot(), 'programs');

/** Several files failed to load: every problem of every file, so one edit round fixes them all. */
export class ProgramDirectoryError extends Error {
  constructor(
    readonly dir: string,
    readonly failures: readonly ProgramDefinitionError[],
  ) {
    super(
      `The programs directory ${dir} has invalid program files; fix them and start again:\n` +
        failures.flatMap((f) => f.problemLines().map((line) => `  - ${line}`)).join('\n'),
    );
    this.name = 'ProgramDirectoryError';
  }
}

/** Reads and validates one program file; throws ProgramDefinitionError naming the file, path and line. */
export function loadProgramFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProgramDefinitionError(file, [
      { path: [], message: `cannot be read (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
  return parseProgramText(text, file);
}

/**
 * Every `*.json` file of the directory as a program (`<programId>.json`, or `<programId>@<version>.json`
 * for further versions); stops with every problem found when any file is invalid.
 */
export function loadProgramsDirectory(dir: string): ProgramRegistry {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new Error(
      `Cannot read the programs directory ${dir} (${error instanceof Error ? error.message : String(error)}); ` +
        'set CAREPATH_PROGRAMS_DIR to a directory of program files.',
    );
  }
  if (names.length === 0)
    throw new Error(`The programs directory ${dir} holds no program files (*.json); add at least one.`);
  const loaded = [];
  const failures: ProgramDefinitionError[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      loaded.push({ program: loadProgramFile(file), file });
    } catch (error) {
      if (!(error instanceof ProgramDefinitionError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new ProgramDirectoryError(dir, failures);
  return new ProgramRegistry(loaded);
}
