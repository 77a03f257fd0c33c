import type { ProgramDefinition } from '../schemas';
import defaultJson from './default.json';
import flexibleIntensityIopJson from './flexible-intensity-iop.json';
import fullContinuumJson from './full-continuum.json';
import holisticIopJson from './holistic-iop.json';
import milestoneTaperedIopJson from './milestone-tapered-iop.json';
import stepDownIopJson from './step-down-iop.json';
import { parseProgram } from './parse';
import { ProgramRegistry } from './registry';

export {
  ProgramDefinitionError,
  parseProgram,
  parseProgramText,
  programFileName,
  type ProgramIssue,
} from './parse';
export { DuplicateProgramVersion, ProgramRegistry, UnknownProgram, UnknownProgramVersion } from './registry';

/**
 * The shipped files, imported rather than read from disk: a convenience for tests, benchmarks and
 * drills, which use the reference programs as they are. Services load their programs from
 * CAREPATH_PROGRAMS_DIR instead (programs/load.ts) and pass the registry on.
 */
const shippedFiles: Readonly<Record<string, unknown>> = {
  'default.json': defaultJson,
  'step-down-iop.json': stepDownIopJson,
  'milestone-tapered-iop.json': milestoneTaperedIopJson,
  'flexible-intensity-iop.json': flexibleIntensityIopJson,
  'holistic-iop.json': holisticIopJson,
  'full-continuum.json': fullContinuumJson,
};

/** The default program and reference programs A–E, keyed by programId. */
export const shippedPrograms = new ProgramRegistry(
  Object.entries(shippedFiles).map(([file, json]) => ({
    program: parseProgram(json, `programs/${file}`),
    file: `programs/${file}`,
  })),
);

/** The shipped programs' latest versions by id (a plain record for tests and benchmark options). */
export const programs: Readonly<Record<string, ProgramDefinition>> = Object.fromEntries(
  shippedPrograms.programIds().map((programId) => [programId, shippedPrograms.latest(programId)]),
);

/** The latest shipped version of a program (UnknownProgram if none such). */
export const getProgram = (programId: string): ProgramDefinition => shippedPrograms.latest(programId);
