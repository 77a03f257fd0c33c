import type { z } from 'zod';
import { programDefinitionSchema, type ProgramDefinition } from '../schemas';
import defaultJson from './default.json';
import flexibleIntensityIopJson from './flexible-intensity-iop.json';
import fullContinuumJson from './full-continuum.json';
import holisticIopJson from './holistic-iop.json';
import milestoneTaperedIopJson from './milestone-tapered-iop.json';
import stepDownIopJson from './step-down-iop.json';

/** A program file that is not a valid program definition; names the file and each problem to fix. */
export class ProgramDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[],
  ) {
    super(
      `Invalid program definition ${file}; fix:\n${issues
        .map((issue) => `  - ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
        .join('\n')}`,
    );
    this.name = 'ProgramDefinitionError';
  }
}

export class UnknownProgram extends Error {
  constructor(
    readonly programId: string,
    readonly knownProgramIds: readonly string[],
  ) {
    super(`No program '${programId}'; known programs: ${knownProgramIds.join(', ')}.`);
    this.name = 'UnknownProgram';
  }
}

/** Validates one program definition read from `file` (e.g. `step-down-iop.json`), whose name must be its programId. */
export const parseProgram = (json: unknown, file: string): ProgramDefinition => {
  const result = programDefinitionSchema.safeParse(json);
  if (!result.success) throw new ProgramDefinitionError(file, result.error.issues);
  const expectedId = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (result.data.programId !== expectedId)
    throw new ProgramDefinitionError(file, [
      { path: ['programId'], message: `expected '${expectedId}' to match the file name` },
    ]);
  return result.data;
};

/**
 * The shipped files, imported rather than read from disk so they travel with the build and into
 * Temporal's workflow bundle, where there is no file system.
 */
const shippedFiles: Readonly<Record<string, unknown>> = {
  'default.json': defaultJson,
  'step-down-iop.json': stepDownIopJson,
  'milestone-tapered-iop.json': milestoneTaperedIopJson,
  'flexible-intensity-iop.json': flexibleIntensityIopJson,
  'holistic-iop.json': holisticIopJson,
  'full-continuum.json': fullContinuumJson,
};

/** The default program and reference programs A–E, validated when this module loads, keyed by programId. */
export const programs: Readonly<Record<string, ProgramDefinition>> = Object.fromEntries(
  Object.entries(shippedFiles).map(([file, json]) => {
    const program = parseProgram(json, `programs/${file}`);
    return [program.programId, program];
  }),
);

export const defaultProgramId = 'default';

// Looked up by own keys only: an id such as `constructor` or `__proto__` must be unknown, not Object.prototype's.
const programsById: ReadonlyMap<string, ProgramDefinition> = new Map(Object.entries(programs));

export const getProgram = (programId: string): ProgramDefinition => {
  const program = programsById.get(programId);
  if (!program) throw new UnknownProgram(programId, [...programsById.keys()]);
  return program;
};
