import { programs } from '../../../programs';
import { AdmissionRefused, admit, checkAdmission, checkBackdate } from '../../../pathway';
import {
  programDefinitionSchema,
  type Intake,
  type LevelOfCare,
  type ProgramDefinition,
} from '../../../schemas';
import { admitted, day } from './fixtures';

const byId = (id: string): ProgramDefinition => programs[id]!;
const stepDownIop = byId('step-down-iop');
const flexible = byId('flexible-intensity-iop');
const holistic = byId('holistic-iop');
const continuum = byId('full-continuum');

const refusal = (
  program: ProgramDefinition,
  level: LevelOfCare,
  intake: Partial<Intake>,
): AdmissionRefused | null => {
  try {
    admit(admitted(day(0), level, intake), program, 'episode-1');
    return null;
  } catch (error) {
    if (error instanceof AdmissionRefused) return error;
    throw error;
  }
};

describe('admission criteria', () => {
  test.each([
    {
      name: 'A: stand-alone IOP without an indication',
      program: stepDownIop,
      level: 'iop',
      intake: {},
      reason: 'stand-alone-criteria-not-met',
      referTo: null,
    },
    {
      name: 'A: co-occurring illness is stabilised first',
      program: stepDownIop,
      level: 'iop',
      intake: { coOccurringMentalIllness: true, standAloneIndications: ['obligations-rule-out-residential'] },
      reason: 'co-occurring-mental-illness',
      referTo: stepDownIop.admission.coOccurringMentalIllness!.referTo,
    },
    {
      name: 'A: withdrawal risk goes to detox first',
      program: stepDownIop,
      level: 'iop',
      intake: { withdrawalRisk: true, steppingDownFrom: 'residential' },
      reason: 'withdrawal-risk',
      referTo: stepDownIop.admission.withdrawalRiskLevel,
    },
    {
      name: 'A: only IOP is an entry level',
      program: stepDownIop,
      level: 'outpatient',
      intake: {},
      reason: 'not-an-entry-level',
      referTo: null,
    },
    {
      name: 'C: a first entry needs a moderate substance problem',
      program: flexible,
      level: 'iop',
      intake: { standAloneIndications: ['obligations-rule-out-residential'] },
      reason: 'stand-alone-criteria-not-met',
      referTo: null,
    },
    {
      name: 'C: withdrawal risk goes to inpatient detox',
      program: flexible,
      level: 'iop',
      intake: { withdrawalRisk: true, steppingDownFrom: 'detox' },
      reason: 'withdrawal-risk',
      referTo: 'detox',
    },
    {
      name: 'D: intake drug test required',
      program: holistic,
      level: 'iop',
      intake: { drugTestDone: false },
      reason: 'intake-drug-test-missing',
      referTo: null,
    },
    {
      name: 'D: intake physical exam required',
      program: holistic,
      level: 'iop',
      intake: { physicalExamDone: false },
      reason: 'intake-physical-exam-missing',
      referTo: null,
    },
    {
      name: 'E: adults only',
      program: continuum,
      level: 'iop',
      intake: { ageYears: continuum.admission.ageYears.min - 1 },
      reason: 'below-minimum-age',
      referTo: null,
    },
  ] as const)('$name', ({ program, level, intake, reason, referTo }) => {
    const refused = refusal(program, level, intake as Partial<Intake>);
    expect(refused).toBeInstanceOf(AdmissionRefused);
    expect(refused).toMatchObject({ reason, referTo });
  });

  test.each([
    {
      name: 'A: stand-alone with an indication',
      program: stepDownIop,
      level: 'iop',
      intake: { standAloneIndications: ['obligations-rule-out-residential'] },
    },
    {
      name: 'A: stepping down from residential',
      program: stepDownIop,
      level: 'iop',
      intake: { steppingDownFrom: 'residential' },
    },
    {
      name: 'C: stepping down from detox',
      program: flexible,
      level: 'iop',
      intake: { steppingDownFrom: 'detox' },
    },
    {
      name: 'C: a first entry with a moderate substance problem (C-flexible-intensity-iop.txt)',
      program: flexible,
      level: 'iop',
      intake: { standAloneIndications: ['mild-or-moderate-situational'] },
    },
    {
      name: 'A: a co-occurring illness stabilised in residential dual-diagnosis care',
      program: stepDownIop,
      level: 'iop',
      intake: { coOccurringMentalIllness: true, steppingDownFrom: 'residential' },
    },
    ...['milestone-tapered-iop', 'flexible-intensity-iop', 'holistic-iop', 'full-continuum'].map((id) => ({
      name: `${id}: a co-occurring illness at IOP, treated there`,
      program: byId(id),
      level: 'iop' as const,
      intake: { coOccurringMentalIllness: true, steppingDownFrom: 'detox' as const },
    })),
    {
      name: 'E: detox with withdrawal risk',
      program: continuum,
      level: 'detox',
      intake: { withdrawalRisk: true },
    },
  ] as const)('admits $name', ({ program, level, intake }) => {
    expect(refusal(program, level, intake as Partial<Intake>)).toBeNull();
  });

  test.each([
    { ageYears: 15, gender: 'male', cohortId: 'adolescent-boys', adolescent: true },
    { ageYears: 22, gender: 'female', cohortId: 'young-women', adolescent: false },
    { ageYears: 40, gender: 'male', cohortId: 'men', adolescent: false },
    { ageYears: 30, gender: 'nonbinary', cohortId: 'adult-all-gender', adolescent: false },
  ] as const)(
    'A places a $gender client aged $ageYears in $cohortId',
    ({ ageYears, gender, cohortId, adolescent }) => {
      const { state } = admit(
        admitted(day(0), 'iop', { ageYears, gender, steppingDownFrom: 'residential' }),
        stepDownIop,
        'e',
      );
      expect(state.cohortId).toBe(cohortId);
      expect(state.adolescent).toBe(adolescent);
      const weekly = stepDownIop.levels.iop!.weeklyHours!;
      expect(state.week.floorHours).toBe(adolescent ? weekly.adolescent!.floor : weekly.floor);
    },
  );

  test('a program with cohorts refuses a client no cohort fits', () => {
    const narrow: ProgramDefinition = {
      ...stepDownIop,
      cohorts: stepDownIop.cohorts.filter((c) => !c.genders.includes('male')),
    };
    expect(refusal(narrow, 'iop', { gender: 'male', steppingDownFrom: 'detox' })).toMatchObject({
      reason: 'no-matching-cohort',
    });
    const admission = (gender: Intake['gender']) =>
      admitted(day(0), 'iop', { gender, steppingDownFrom: 'detox' });
    expect(() => checkAdmission(admission('male'), narrow, day(0))).toThrow(AdmissionRefused);
    expect(() => checkAdmission(admission('female'), narrow, day(0))).not.toThrow();
  });
});

describe('backdating', () => {
  const weekLimit: ProgramDefinition = {
    ...stepDownIop,
    admission: { ...stepDownIop.admission, maxBackdateDays: 7 },
  };
  const admission = admitted(day(0), 'iop', { steppingDownFrom: 'residential' });

  test('an admission dated within the limit before it is recorded is accepted', () => {
    expect(() => checkAdmission(admission, weekLimit, day(7))).not.toThrow();
  });

  test('an older one is refused, saying to correct the date', () => {
    let refused: unknown;
    try {
      checkBackdate(admission, weekLimit, day(7.5));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AdmissionRefused);
    expect(refused).toMatchObject({ reason: 'backdated-too-far' });
    expect(() => checkAdmission(admission, weekLimit, day(7.5))).toThrow(/correct its date/);
  });

  test('an admission dated 1970 is refused under the default limit', () => {
    const program = programDefinitionSchema.parse({
      ...stepDownIop,
      admission: { ...stepDownIop.admission, maxBackdateDays: undefined },
    });
    const epoch = admitted('1970-01-01T00:00:00.000Z', 'iop', { steppingDownFrom: 'residential' });
    expect(() => checkAdmission(epoch, program, day(0))).toThrow(AdmissionRefused);
  });
});
