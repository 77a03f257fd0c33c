import { ProgramDefinitionError, UnknownProgram, getProgram, parseProgram, programs } from '../../programs';
import { levelsOfCare } from '../../schemas';

describe('program definitions', () => {
  test('ships the default and reference programs A–E, each valid', () => {
    expect(Object.keys(programs).sort()).toEqual(
      [
        'default',
        'flexible-intensity-iop',
        'full-continuum',
        'holistic-iop',
        'milestone-tapered-iop',
        'step-down-iop',
      ].sort(),
    );
    expect(Object.keys(getProgram('default').levels)).toEqual([...levelsOfCare]);
  });

  test('an unknown id names the known programs', () => {
    expect(() => getProgram('nope')).toThrow(UnknownProgram);
    expect(() => getProgram('nope')).toThrow(/default/);
  });

  test('a bad file is refused with its name and each problem', () => {
    const bad = structuredClone(getProgram('step-down-iop')) as Record<string, unknown> & {
      levels: { iop: { weeklyHours: { floor: number } } };
    };
    bad.levels.iop.weeklyHours.floor = 99;
    delete bad.noContact;
    let error: unknown;
    try {
      parseProgram(bad, 'programs/step-down-iop.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProgramDefinitionError);
    const { file, issues, message } = error as ProgramDefinitionError;
    expect(file).toBe('programs/step-down-iop.json');
    expect(issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['noContact', 'levels.iop.weeklyHours']),
    );
    expect(message).toContain('programs/step-down-iop.json');
  });

  test('a level referring to a level the program does not offer is refused', () => {
    const program = structuredClone(getProgram('holistic-iop'));
    program.levels.iop!.stepsDownTo = 'outpatient';
    expect(() => parseProgram(program, 'holistic-iop.json')).toThrow(/levels\.iop\.stepsDownTo/);
  });

  test('the program id must match the file name', () => {
    expect(() => parseProgram(getProgram('default'), 'programs/other.json')).toThrow(/programId/);
  });
});
