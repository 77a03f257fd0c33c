import { getProgram } from '../../../programs';
import { PrescriptionOutOfRange, validateEvent } from '../../../pathway';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admissionRefusalOf, admitted, command, day, event, notified, ofType } from './fixtures';
import { staff } from '../../../testkit/fixtures';

const program = getProgram('flexible-intensity-iop');
const iop = levelPlan(program, 'iop');

const schedule = (at: string, sessionId: string, hours: number) =>
  event('session-scheduled', at, {
    sessionId,
    kind: 'individual',
    scheduledFor: at,
    hours,
    cohortId: null,
    guestCount: 0,
  });

// Expected numbers are literals taken from the source, C-flexible-intensity-iop.txt, never read back from the program file.
describe('program C as C-flexible-intensity-iop.txt describes it', () => {
  const admitC = (overrides: Parameters<typeof admitted>[2]) =>
    new Journey(program).admit(admitted(day(0), 'iop', overrides));

  test('9 h a week in 3 sessions, up to 25 h over 5 weekdays', () => {
    expect(iop.weeklyHours).toEqual({ floor: 9, target: 9, ceiling: 25 });
    expect(iop.sessionsPerWeek).toEqual({ min: 3, max: 5 });
    expect(iop.weekendSessions).toBe(false);
  });

  test('a first entry for a moderate substance problem is admitted, as is a step-down from residential', () => {
    const moderate = admitC({ standAloneIndications: ['mild-or-moderate-situational'] });
    expect(moderate.state.level).toBe('iop');
    expect(moderate.state.week.targetHours).toBe(9);
    expect(admitC({ steppingDownFrom: 'residential' }).state.level).toBe('iop');
    expect(admissionRefusalOf(() => admitC({})).reason).toBe('stand-alone-criteria-not-met');
  });

  test('someone who could not get through withdrawal goes to inpatient care with detox first', () => {
    expect(
      admissionRefusalOf(() => admitC({ withdrawalRisk: true, steppingDownFrom: 'residential' })),
    ).toMatchObject({
      reason: 'withdrawal-risk',
      referTo: 'detox',
    });
  });

  test('co-occurring disorders, common among its clients, are treated in IOP', () => {
    expect(admitC({ coOccurringMentalIllness: true, steppingDownFrom: 'detox' }).state.level).toBe('iop');
  });

  test('the clinician prescribes a client more hours, within 9 to 25', () => {
    const j = admitC({ steppingDownFrom: 'detox', prescribedWeeklyHours: 20 });
    expect(j.state.week.targetHours).toBe(20);
    j.attendWeeks(day(0.1), 1, 5, 3);
    expect(ofType(j.advanceTo(day(7)), 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({ attendedHours: 15, targetHours: 20, belowFloor: false }),
    ]);
    for (const hours of [8, 26])
      expect(
        admissionRefusalOf(() => admitC({ steppingDownFrom: 'detox', prescribedWeeklyHours: hours })),
      ).toMatchObject({ reason: 'prescribed-hours-out-of-range', accepted: ['9', '25'] });
  });
});

describe('a clinician raises a C client’s hours during the stay, within 9 to 25', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop', { steppingDownFrom: 'detox' }));
  const prescribe = (at: string, weeklyHours: number) =>
    event('weekly-hours-prescribed', at, { weeklyHours }, staff.coordinator);

  test('the prescription replaces the target from the current week on', () => {
    expect(j.state.week.targetHours).toBe(9);
    j.apply(prescribe(day(1), 25));
    expect(j.state.week.targetHours).toBe(25);
    j.attendWeeks(day(7.1), 1, 3, 3);
    expect(ofType(j.advanceTo(day(14)), 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({ attendedHours: 9, targetHours: 25 }),
    ]);
  });

  test('outside the level’s range it is refused before anything changes', () => {
    for (const weeklyHours of [8, 26]) {
      const refused = prescribe(day(15), weeklyHours);
      expect(() => validateEvent(j.state, refused, program)).toThrow(PrescriptionOutOfRange);
      expect(() => j.apply(refused)).toThrow(
        expect.objectContaining({ range: { floor: 9, ceiling: 25 }, weeklyHours }),
      );
    }
    expect(j.state.week.targetHours).toBe(25);
  });

  test('a new level starts from its own target', () => {
    j.command(
      command('transition-requested', { targetLevel: 'outpatient', reasonCode: 'client-request' }),
      day(16),
    );
    expect(j.state.prescribedWeeklyHours).toBeNull();
    // The first calendar week at the new level is cut short mid-week; the next one is whole.
    j.advanceTo(day(21));
    expect(j.state.week.targetHours).toBe(levelPlan(program, 'outpatient').weeklyHours!.target);
  });
});

describe('journey C: flexible-intensity IOP after detox, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop', { steppingDownFrom: 'detox' }));

  test('hours can be raised up to 25 on weekdays; past them or on a weekend staff are told', () => {
    // Monday to Friday of the first week, 5 h a day: 25 h.
    for (let weekday = 0; weekday < 5; weekday++) j.apply(schedule(day(weekday), `s-${weekday}`, 5));
    expect(notified(j.effects)).toEqual([]);
    expect(j.state.week.scheduledHours).toBe(25);
    expect(notified(j.apply(schedule(day(4.2), 's-extra', 1))).map((n) => n.code)).toEqual([
      'weekly-hours-above-ceiling',
    ]);
    expect(notified(j.apply(schedule(day(5), 's-saturday', 1))).map((n) => n.code)).toEqual([
      'weekend-session-not-offered',
    ]);
  });

  test('completing the plan steps down at once (policy apply), without a proposal', () => {
    const end = j.attendWeeks(day(0.1), 2, 3, 3);
    j.completePlan(end);
    expect(program.rulePolicies['milestones-step-down'].mode).toBe('apply');
    expect(ofType(j.effects, 'proposal-opened')).toEqual([]);
    expect(j.state.level).toBe('outpatient');
  });

  test('a coordinator moves the client from outpatient to aftercare after the minimum stay; aftercare completes', () => {
    const outpatient = levelPlan(program, 'outpatient');
    const end = j.attendWeeks(
      j.state.levelSince,
      outpatient.lengthOfStayDays.min / 7,
      1,
      outpatient.weeklyHours!.target,
    );
    j.command(
      command('transition-requested', { targetLevel: 'aftercare', reasonCode: 'program-completed' }),
      end,
    );
    j.completeAftercare();
    expect(j.levels()).toEqual(['iop', 'outpatient', 'aftercare']);
    expect(j.state.history.map((h) => h.rule)).toEqual([
      'admission',
      'milestones-step-down',
      'coordinator-request',
    ]);
    expect(j.state.discharge?.kind).toBe('completed');
  });
});
