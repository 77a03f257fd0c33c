import { getProgram } from '../../../programs';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, attended, day, event, missed, notified, ofType } from './fixtures';

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
