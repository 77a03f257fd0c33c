import { getProgram } from '../../../programs';
import { DischargeRefused } from '../../../pathway';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, command, day, event, notified, ofType } from './fixtures';

const program = getProgram('holistic-iop');
const iop = levelPlan(program, 'iop');
const workshop = program.familyWorkshop!;
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

describe('journey D: holistic IOP with family workshops and a future plan, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop'));

  test('family workshops take up to the allowed number of loved ones', () => {
    expect(notified(j.apply(familyWorkshop(day(1), workshop.maxGuests)))).toEqual([]);
    expect(notified(j.apply(familyWorkshop(day(1.5), workshop.maxGuests + 1))).map((n) => n.code)).toEqual([
      'family-guest-limit-exceeded',
    ]);
  });

  test('a completed discharge is refused until the future plan is written', () => {
    expect(() =>
      j.command(command('discharge', { kind: 'completed', reasonCode: 'program-completed' }), day(2)),
    ).toThrow(DischargeRefused);
    expect(j.state.status).toBe('active');
  });

  test('the plan, future plan included, completes IOP into aftercare, which completes the episode', () => {
    const end = j.attendWeeks(
      day(2.1),
      iop.lengthOfStayDays.min / 7,
      iop.sessionsPerWeek!.min,
      iop.weeklyHours!.target / 4,
    );
    expect(iop.milestones.map((m) => m.milestoneId)).toContain(planning.milestoneId);
    j.completePlan(end);
    expect(j.state.level).toBe('aftercare');
    j.completeAftercare();
    expect(j.levels()).toEqual(['iop', 'aftercare']);
    expect(j.state.discharge).toMatchObject({ kind: 'completed', rule: 'aftercare-completion' });
    expect(ofType(j.effects, 'weekly-hours-below-target')).toEqual([]);
  });
});
