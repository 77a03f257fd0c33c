import { getProgram } from '../../../programs';
import { levelPlan } from '../../../pathway/plan';
import {
  Journey,
  admissionRefusalOf,
  admitted,
  attended,
  day,
  event,
  missed,
  notified,
  ofType,
} from './fixtures';

const program = getProgram('step-down-iop');
const iop = levelPlan(program, 'iop');
const outpatient = levelPlan(program, 'outpatient');

describe('journey A: stand-alone IOP in a cohort, to aftercare completion', () => {
  const j = new Journey(program).admit(
    admitted(day(0), 'iop', {
      ageYears: 22,
      gender: 'female',
      standAloneIndications: ['prior-sobriety-recent-relapse'],
    }),
  );

  test('admission places the client in the cohort for her gender and age', () => {
    expect(j.state.cohortId).toBe('young-women');
    expect(ofType(j.effects, 'cohort-assigned')).toEqual([
      expect.objectContaining({ cohortId: 'young-women' }),
    ]);
  });

  test('a week short of the floor is reported; a group for another cohort is flagged', () => {
    j.apply(attended(day(0.1), iop.weeklyHours!.floor / 2));
    j.apply(
      event('session-scheduled', day(1), {
        sessionId: 's-men',
        kind: 'group',
        scheduledFor: day(2),
        hours: 3,
        cohortId: 'men',
        guestCount: 0,
      }),
    );
    expect(notified(j.last)).toEqual([
      { code: 'cohort-mismatch', recipientRole: program.notifications['cohort-mismatch']!.recipientRole },
    ]);
    const review = j.advanceTo(day(7));
    expect(ofType(review, 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({
        attendedHours: iop.weeklyHours!.floor / 2,
        targetHours: iop.weeklyHours!.target,
        belowFloor: true,
      }),
    ]);
    expect(j.state.riskFlags).toContain('hours-below-floor');
  });

  test('an unexcused miss notifies the counsellor; a relapse at the top of this program asks to refer out', () => {
    expect(notified(j.apply(missed(day(7.1))))).toContainEqual({
      code: 'missed-session',
      recipientRole: program.notifications['missed-session']!.recipientRole,
    });
    const effects = j.apply(event('relapse-reported', day(8), { withdrawalRisk: false }));
    expect(notified(effects).map((n) => n.code)).toEqual(['relapse-reported', 'refer-out-needed']);
    expect(ofType(effects, 'level-changed')).toEqual([]);
    expect(j.state.riskLevel).toBe('high');
  });

  test('IOP, then outpatient, complete their plans and aftercare completes the episode', () => {
    const iopEnd = j.attendWeeks(
      day(8.1),
      iop.lengthOfStayDays.min / 7,
      iop.sessionsPerWeek!.min,
      iop.weeklyHours!.target / 3,
    );
    j.completePlan(iopEnd);
    const outpatientEnd = j.attendWeeks(
      j.state.levelSince,
      outpatient.lengthOfStayDays.min / 7,
      1,
      outpatient.weeklyHours!.target,
    );
    j.completePlan(outpatientEnd);
    j.completeAftercare();
    expect(j.levels()).toEqual(['iop', 'outpatient', 'aftercare']);
    expect(j.state.history.slice(1).map((h) => [h.rule, h.reasonCode])).toEqual([
      ['milestones-step-down', 'milestones-met'],
      ['milestones-step-down', 'milestones-met'],
    ]);
    expect(j.state.discharge).toMatchObject({ kind: 'completed', rule: 'aftercare-completion' });
    expect(ofType(j.effects, 'proposal-decided').map((p) => p.decision)).toEqual(['approved', 'approved']);
  });
});

// Expected numbers are literals taken from the source, A-step-down-iop.txt, never read back from the program file.
describe('program A as A-step-down-iop.txt describes it', () => {
  const admitA = (overrides: Parameters<typeof admitted>[2]) =>
    new Journey(program).admit(admitted(day(0), 'iop', { ageYears: 30, gender: 'male', ...overrides }));

  test('at least 9 h a week in three sessions of 3 h', () => {
    expect(iop.weeklyHours).toMatchObject({ floor: 9, target: 9 });
    expect(iop.sessionsPerWeek!.min).toBe(3);
    const j = admitA({ steppingDownFrom: 'residential' });
    j.attendWeeks(day(0.1), 1, 3, 3);
    j.attendWeeks(day(7.1), 1, 2, 3);
    expect(ofType(j.advanceTo(day(14)), 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({ attendedHours: 6, attendedSessions: 2, targetHours: 9 }),
    ]);
    expect(ofType(j.effects, 'weekly-hours-below-target')).toHaveLength(1);
  });

  test('a co-occurring mental illness goes to a dual-diagnosis inpatient program first, and is then accepted', () => {
    const first = admissionRefusalOf(() =>
      admitA({ coOccurringMentalIllness: true, standAloneIndications: ['mild-or-moderate-situational'] }),
    );
    expect(first).toMatchObject({ reason: 'co-occurring-mental-illness', referTo: 'residential' });
    const stabilised = admitA({ coOccurringMentalIllness: true, steppingDownFrom: 'residential' });
    expect(stabilised.state.level).toBe('iop');
  });

  test('stand-alone IOP for a mild or moderate, largely situational disorder', () => {
    expect(admitA({ standAloneIndications: ['mild-or-moderate-situational'] }).state.level).toBe('iop');
    expect(admissionRefusalOf(() => admitA({})).reason).toBe('stand-alone-criteria-not-met');
  });

  test('IOP clients seen several times a week are followed up after 14 days without contact, outpatient after 30', () => {
    // Not from A: 14 days is a carepath default and 30 comes from domain.md (programs/README.md).
    expect(iop.noContactDays).toBe(14);
    expect(outpatient.noContactDays).toBe(30);
    const j = admitA({ steppingDownFrom: 'residential' });
    expect(ofType(j.advanceTo(day(13.9)), 'proposal-opened')).toEqual([]);
    expect(ofType(j.advanceTo(day(14)), 'proposal-opened')).toEqual([
      expect.objectContaining({
        proposal: expect.objectContaining({ action: { type: 'discharge', kind: 'lost-to-follow-up' } }),
      }),
    ]);
  });
});
