import { getProgram } from '../../../programs';
import { DischargeRefused } from '../../../pathway';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, command, day, event, notified, ofType } from './fixtures';

const program = getProgram('holistic-iop');
const iop = levelPlan(program, 'iop');
const planning = program.dischargePlanning!;

const familyWorkshop = (at: string, guestCount: number) =>
  event('session-scheduled', at, {
    sessionId: `fw-${at}`,
    kind: 'family-workshop',
    scheduledFor: at,
    hours: 3,
    cohortId: null,
    guestCount,
  });

// Expected numbers are literals taken from the source, D-holistic-iop.txt, never read back from the program file.
describe('program D as D-holistic-iop.txt describes it', () => {
  test('4-5 days a week of sessions of about 3 h, for 2-4 months typically', () => {
    expect(iop.sessionsPerWeek).toEqual({ min: 4, max: 5 });
    expect(iop.weeklyHours).toMatchObject({ target: 12, ceiling: 15 });
    expect(iop.lengthOfStayDays).toEqual({ min: 60, max: 120 });
    expect(iop.lengthOfStayKind).toBe('typical');
  });

  test('intake includes a drug test and a physical exam', () => {
    const admit = (done: boolean) =>
      new Journey(program).admit(admitted(day(0), 'iop', { drugTestDone: done, physicalExamDone: done }));
    expect(() => admit(false)).toThrow(/intake-drug-test-missing/);
    expect(admit(true).state.level).toBe('iop');
  });

  test('addiction and mental health are treated together', () => {
    const j = new Journey(program).admit(admitted(day(0), 'iop', { coOccurringMentalIllness: true }));
    expect(j.state.level).toBe('iop');
  });

  test('family workshops every other week, each with up to 3 loved ones', () => {
    expect(program.familyWorkshop).toEqual({ maxGuests: 3, everyWeeks: 2 });
    const j = new Journey(program).admit(admitted(day(0), 'iop'));
    expect(notified(j.apply(familyWorkshop(day(1), 3)))).toEqual([]);
    expect(notified(j.apply(familyWorkshop(day(8), 3))).map((n) => n.code)).toEqual([
      'family-workshop-too-soon',
    ]);
    expect(notified(j.apply(familyWorkshop(day(22), 3)))).toEqual([]);
    expect(notified(j.apply(familyWorkshop(day(36), 4))).map((n) => n.code)).toEqual([
      'family-guest-limit-exceeded',
    ]);
  });
});

describe('journey D: holistic IOP with a future plan, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop'));

  test('a completed discharge is refused until the future plan is written', () => {
    expect(() =>
      j.command(command('discharge', { kind: 'completed', reasonCode: 'program-completed' }), day(2)),
    ).toThrow(DischargeRefused);
    expect(j.state.status).toBe('active');
  });

  test('four 3-hour sessions a week meet the hours; 2 months in, a review opens', () => {
    j.attendWeeks(day(0.1), 9, 4, 3);
    j.advanceTo(day(60));
    expect(ofType(j.effects, 'weekly-hours-below-target')).toEqual([]);
    expect(ofType(j.effects, 'clinical-review-requested')).toEqual([
      expect.objectContaining({ reasonCode: 'typical-stay-reached', at: day(60) }),
    ]);
  });

  test('the plan, future plan included, completes IOP into aftercare, which completes the episode', () => {
    expect(iop.milestones.map((m) => m.milestoneId)).toContain(planning.milestoneId);
    j.completePlan(day(63));
    expect(j.state.level).toBe('aftercare');
    j.completeAftercare();
    expect(j.levels()).toEqual(['iop', 'aftercare']);
    expect(j.state.discharge).toMatchObject({ kind: 'completed', rule: 'aftercare-completion' });
  });
});
