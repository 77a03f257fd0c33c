import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProgramDefinitionError,
  shippedPrograms,
  UnknownProgram,
  UnknownProgramVersion,
} from '../../programs';
import {
  loadProgramFile,
  loadProgramsDirectory,
  ProgramDirectoryError,
  shippedProgramsDir,
} from '../../programs/load';
import { jsonValueLines, lineOf } from '../../programs/json-lines';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'carepath-programs-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const shipped = (name: string) => join(shippedProgramsDir(), name);
const shippedJson = (name: string) =>
  JSON.parse(readFileSync(shipped(name), 'utf8')) as Record<string, unknown>;
const write = (name: string, json: unknown) => writeFileSync(join(dir, name), JSON.stringify(json, null, 2));
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('a programs directory', () => {
  test('the shipped directory loads the same programs the build carries', () => {
    const loaded = loadProgramsDirectory(shippedProgramsDir());
    expect(loaded.programIds()).toEqual(shippedPrograms.programIds());
    expect(loaded.latest('full-continuum')).toEqual(shippedPrograms.latest('full-continuum'));
  });

  test("a provider's own program file is a program, by its file name", () => {
    write('my-program.json', { ...shippedJson('step-down-iop.json'), programId: 'my-program' });
    const registry = loadProgramsDirectory(dir);
    expect(registry.programIds()).toEqual(['my-program']);
    expect(registry.latest('my-program').programId).toBe('my-program');
  });

  test('lookups are by own program id only: constructor and __proto__ are unknown programs', () => {
    copyFileSync(shipped('default.json'), join(dir, 'default.json'));
    const registry = loadProgramsDirectory(dir);
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(() => registry.latest(id)).toThrow(UnknownProgram);
  });

  test('an invalid file stops loading with the file, the JSON path, the line and what to fix', () => {
    copyFileSync(shipped('default.json'), join(dir, 'default.json'));
    const broken = shippedJson('step-down-iop.json') as {
      levels: { iop: { weeklyHours: { ceiling: number } } };
    };
    broken.levels.iop.weeklyHours.ceiling = 1;
    write('step-down-iop.json', broken);
    // The refinement is reported on the weeklyHours object: the first line that opens it.
    const line =
      readFileSync(join(dir, 'step-down-iop.json'), 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('"weeklyHours"')) + 1;
    const error = thrown(() => loadProgramsDirectory(dir));
    expect(error).toBeInstanceOf(ProgramDirectoryError);
    const [failure] = (error as ProgramDirectoryError).failures;
    expect(failure?.file).toBe(join(dir, 'step-down-iop.json'));
    expect(line).toBeGreaterThan(1);
    expect(failure?.issues).toEqual([
      { path: ['levels', 'iop', 'weeklyHours'], message: 'expected floor <= target <= ceiling', line },
    ]);
    expect((error as Error).message).toContain(
      `${join(dir, 'step-down-iop.json')}:${line}: levels.iop.weeklyHours: expected floor <= target <= ceiling`,
    );
  });

  test('a JSON syntax error names its line', () => {
    writeFileSync(join(dir, 'broken.json'), '{\n  "programId": "broken",\n  "version": 1,,\n}\n');
    const error = thrown(() => loadProgramFile(join(dir, 'broken.json'))) as ProgramDefinitionError;
    expect(error).toBeInstanceOf(ProgramDefinitionError);
    expect(error.issues[0]).toMatchObject({
      path: [],
      line: 3,
      message: expect.stringContaining('not valid JSON'),
    });
  });

  test('a file whose name and programId disagree is refused at the programId line', () => {
    write('other.json', shippedJson('default.json'));
    const error = thrown(() => loadProgramFile(join(dir, 'other.json'))) as ProgramDefinitionError;
    expect(error.issues).toEqual([
      { path: ['programId'], message: "expected 'other' to match the file name", line: 2 },
    ]);
  });

  test('an empty or missing directory says what to set', () => {
    expect(() => loadProgramsDirectory(dir)).toThrow(/no program files/);
    expect(() => loadProgramsDirectory(join(dir, 'missing'))).toThrow(/CAREPATH_PROGRAMS_DIR/);
  });
});

describe('program versions', () => {
  const v1 = () => ({ ...shippedJson('step-down-iop.json'), programId: 'my-program', version: 1 });
  const v2 = () => {
    const program = v1() as ReturnType<typeof v1> & { levels: { iop: { billing: { serviceCode: string } } } };
    program.version = 2;
    program.levels.iop.billing.serviceCode = 'S9480';
    return program;
  };

  test('several versions of a program sit side by side; new admissions take the latest', () => {
    write('my-program.json', v1());
    write('my-program@2.json', v2());
    const registry = loadProgramsDirectory(dir);
    expect(registry.versions('my-program').map((p) => p.version)).toEqual([1, 2]);
    expect(registry.latest('my-program').version).toBe(2);
    expect(registry.version('my-program', 1).levels.iop?.billing.serviceCode).toBe('H0015');
    expect(() => registry.version('my-program', 3)).toThrow(UnknownProgramVersion);
  });

  test('a versioned file name must match the version inside', () => {
    write('my-program@3.json', v2());
    expect(() => loadProgramsDirectory(dir)).toThrow(/my-program@3\.json:\d+: version: expected 3/);
  });

  test('the same version twice is refused, naming both files', () => {
    write('my-program.json', v2());
    write('my-program@2.json', v2());
    expect(() => loadProgramsDirectory(dir)).toThrow(/version 2 is defined twice/);
  });
});

describe('JSON value lines', () => {
  test('maps each path to the line its value starts on, and a missing key to its object', () => {
    const lines = jsonValueLines('{\n  "a": {\n    "b": [1,\n      {"c": "x\\"y"}]\n  }\n}');
    expect(lineOf(lines, ['a', 'b', 1, 'c'])).toBe(4);
    expect(lineOf(lines, ['a', 'b', 0])).toBe(3);
    expect(lineOf(lines, ['a', 'missing'])).toBe(2);
  });
});
