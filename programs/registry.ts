import type { ProgramDefinition } from '../schemas/program';

export class UnknownProgram extends Error {
  constructor(
    readonly programId: string,
    readonly knownProgramIds: readonly string[],
  ) {
    super(`No program '${programId}'; known programs: ${knownProgramIds.join(', ')}.`);
    this.name = 'UnknownProgram';
  }
}

export class UnknownProgramVersion extends Error {
  constructor(
    readonly programId: string,
    readonly version: number,
    readonly knownVersions: readonly number[],
  ) {
    super(
      `Program '${programId}' has no version ${version}; known versions: ${knownVersions.join(', ')}. ` +
        'Add the file of that version to the programs directory, or choose a known one.',
    );
    this.name = 'UnknownProgramVersion';
  }
}

/** Two files define the same version of a program: which one counts is not for carepath to guess. */
export class DuplicateProgramVersion extends Error {
  constructor(
    readonly programId: string,
    readonly version: number,
    readonly files: readonly string[],
  ) {
    super(
      `Program '${programId}' version ${version} is defined twice (${files.join(', ')}); ` +
        'keep one of the files, or raise the version of the other.',
    );
    this.name = 'DuplicateProgramVersion';
  }
}

/**
 * Every program a deployment knows, with every version of each. New admissions take the latest
 * version; a running episode keeps the one it was admitted under (it travels in the workflow input).
 * Keyed by a Map, so ids like `constructor` are unknown programs, never Object's own properties.
 */
export class ProgramRegistry {
  private readonly byId = new Map<string, readonly ProgramDefinition[]>();

  constructor(entries: readonly { program: ProgramDefinition; file: string }[]) {
    const files = new Map<string, string>();
    for (const { program, file } of entries) {
      const key = `${program.programId}@${program.version}`;
      const other = files.get(key);
      if (other !== undefined)
        throw new DuplicateProgramVersion(program.programId, program.version, [other, file]);
      files.set(key, file);
      this.byId.set(program.programId, [...(this.byId.get(program.programId) ?? []), program]);
    }
    for (const [programId, versions] of this.byId)
      this.byId.set(
        programId,
        [...versions].sort((a, b) => a.version - b.version),
      );
  }

  programIds(): string[] {
    return [...this.byId.keys()].sort();
  }

  /** Every version of a program, oldest first (UnknownProgram if none). */
  versions(programId: string): readonly ProgramDefinition[] {
    const versions = this.byId.get(programId);
    if (!versions) throw new UnknownProgram(programId, this.programIds());
    return versions;
  }

  /** The latest version: what a new admission is admitted under. */
  latest(programId: string): ProgramDefinition {
    const versions = this.versions(programId);
    const latest = versions[versions.length - 1];
    if (!latest) throw new UnknownProgram(programId, this.programIds());
    return latest;
  }

  version(programId: string, version: number): ProgramDefinition {
    const versions = this.versions(programId);
    const found = versions.find((p) => p.version === version);
    if (!found)
      throw new UnknownProgramVersion(
        programId,
        version,
        versions.map((p) => p.version),
      );
    return found;
  }
}
