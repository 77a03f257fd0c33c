import { getProgram } from '../../../programs';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, command, day, event, notified, ofType } from './fixtures';

const program = getProgram('flexible-intensity-iop');
const iop = levelPlan(program, 'iop');
const weekly = iop.weeklyHours!;

const schedule = (at: string, sessionId: string, hours: number) =>
  event('session-scheduled', at, {
    sessionId,
    kind: 'individual',
    scheduledFor: at,
    hours,
    cohortId: null,
    guestCount: 0,
  });

describe('journey C: flexible-intensity IOP after detox, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop', { steppingDownFrom: 'detox' }));

  test('hours can be raised up to the ceiling on weekdays; past the ceiling or on a weekend staff are told', () => {
    // Monday to Friday of the first week, filling the ceiling exactly.
    for (let weekday = 0; weekday < 5; weekday++)
      j.apply(schedule(day(weekday), `s-${weekday}`, weekly.ceiling / 5));
    expect(notified(j.effects)).toEqual([]);
    expect(j.state.week.scheduledHours).toBe(weekly.ceiling);
    expect(notified(j.apply(schedule(day(4.2), 's-extra', 1))).map((n) => n.code)).toEqual([
      'weekly-hours-above-ceiling',
    ]);
    expect(notified(j.apply(schedule(day(5), 's-saturday', 1))).map((n) => n.code)).toEqual([
      'weekend-session-not-offered',
    ]);
  });

  test('completing the plan steps down at once (policy apply), without a proposal', () => {
    const end = j.attendWeeks(
      day(0.1),
      iop.lengthOfStayDays.min / 7,
      iop.sessionsPerWeek!.min,
      weekly.target / 3,
    );
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
