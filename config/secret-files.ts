import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';

/** One thing wrong with the configuration: the variable to fix, its value, and what to do (ConfigError hides secrets' values). */
export interface ConfigProblem {
  variable: string;
  value: string | undefined;
  message: string;
}

/**
 * A credential (password, API key, private key) read from the environment or a file. It prints as
 * `[secret]` in logs, JSON and `util.inspect`, so a configuration object can be logged whole.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

/** The environment with empty values treated as unset, as everywhere in carepath's configuration. */
export function setVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The text of the file a variable names (relative paths from `cwd`), or the problem to report:
 * the message names the path and the reason, never the file's content.
 */
export function readNamedFile(
  env: NodeJS.ProcessEnv,
  variable: string,
  cwd: string,
  problems: ConfigProblem[],
  what: string,
): string | undefined {
  const path = setVariable(env, variable);
  if (path === undefined) return undefined;
  try {
    const text = readFileSync(isAbsolute(path) ? path : resolve(cwd, path), 'utf8');
    if (text.trim() === '') {
      problems.push({ variable, value: path, message: `the file is empty; expected ${what}` });
      return undefined;
    }
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push({ variable, value: path, message: `cannot read the file (${code}); expected ${what}` });
    return undefined;
  }
}

/** A true/false variable in the spellings Temporal's tooling accepts. */
export const booleanVariable = z
  .enum(['true', '1', 'false', '0'], { message: "expected 'true' or 'false'" })
  .transform((value) => value === 'true' || value === '1');
