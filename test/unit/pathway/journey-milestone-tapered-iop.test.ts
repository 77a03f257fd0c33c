import { getProgram } from '../../../programs';
import { TransitionRefused } from '../../../pathway';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, attended, command, day, event, milestone, missed, ofType } from './fixtures';
import { staff } from '../../../testkit/fixtures';

const program = getProgram('milestone-tapered-iop');
const iop = levelPlan(program, 'iop');

// Expected numbers are literals taken from the source, B-milestone-tapered-iop.txt, never read back from the program file.
describe('program B as B-milestone-tapered-iop.txt describes it', () => {
  test('10-12 h a week in 3-4 visits; a typical stay of 6-12 months is a review point, not a wall', () => {
    expect(iop.weeklyHours).toEqual({ floor: 10, target: 12, ceiling: 12 });
    expect(iop.sessionsPerWeek).toEqual({ min: 3, max: 4 });
    expect(iop.lengthOfStayDays).toEqual({ min: 180, max: 365 });
    expect(iop.lengthOfStayKind).toBe('typical');
  });

  test('co-occurring disorders are treated in IOP', () => {
    const j = new Journey(program).admit(admitted(day(0), 'iop', { coOccurringMentalIllness: true }));
    expect(j.state.level).toBe('iop');
  });

  test('a coordinator steps down before the typical stay only with an override reason', () => {
    const j = new Journey(program).admit(admitted(day(0), 'iop'));
    const early = { targetLevel: 'outpatient', reasonCode: 'milestones-met' } as const;
    let refusal: unknown;
    try {
      j.command(command('transition-requested', early), day(30));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(TransitionRefused);
    expect(refusal).toMatchObject({ reason: 'typical-stay-override-needed' });
    j.command(command('transition-requested', { ...early, overrideReasonCode: 'client-request' }), day(30));
    expect(j.state.level).toBe('outpatient');
    expect(j.state.history.at(-1)).toMatchObject({
      rule: 'coordinator-request',
      reasonCode: 'client-request',
    });
  });

  test('12-step support groups are encouraged on top of IOP hours: they neither count nor bill', () => {
    const j = new Journey(program).admit(admitted(day(0), 'iop'));
    j.apply(missed(day(0.5)));
    const effects = j.apply(
      event('session-attended', day(1), { sessionId: 'aa-1', kind: 'support-group', hours: 2 }),
    );
    expect(j.state.week.attendedHours).toBe(0);
    expect(j.state.attendance.consecutiveUnexcused).toBe(1);
    expect(ofType(effects, 'billing')).toEqual([]);
    expect(ofType(j.apply(attended(day(2), 3)), 'billing')).toHaveLength(1);
    expect(j.state.week.attendedHours).toBe(3);
  });
});

describe('journey B: milestone-tapered IOP, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop'));

  test('each of the four milestones lowers the weekly hours, from 12 to 10', () => {
    const targets = [j.state.week.targetHours];
    iop.milestones.forEach(({ milestoneId }, week) => {
      j.attendWeeks(day(7 * week + 0.1), 1, 3, j.state.week.targetHours! / 3);
      j.apply(milestone(day(7 * week + 6), milestoneId));
      targets.push(j.state.week.targetHours);
    });
    // From B's 12 h down to its 10 h; the equal half-hour steps are a carepath default.
    expect(targets).toEqual([12, 11.5, 11, 10.5, 10]);
    expect(ofType(j.effects, 'weekly-hours-below-target')).toEqual([]);
  });

  test('the plan met, a step-down is proposed at once, well before the typical stay', () => {
    expect(j.state.pendingProposals).toEqual([
      expect.objectContaining({
        rule: 'milestones-step-down',
        action: { type: 'level-change', from: 'iop', to: 'outpatient' },
      }),
    ]);
    j.command(
      command('transition-rejected', { proposalId: j.pendingProposalId(), reasonCode: 'clinical-judgement' }),
      day(28),
    );
    expect(j.state.level).toBe('iop');
  });

  test('reaching the typical 6 months opens a review; the coordinator then steps the client down', () => {
    const before = j.effects.length;
    j.attendWeeks(day(28.1), 23, 3, 10 / 3);
    const reviews = ofType(j.effects.slice(before), 'clinical-review-requested');
    expect(reviews).toEqual([expect.objectContaining({ reasonCode: 'typical-stay-reached' })]);
    expect(reviews[0]!.at).toBe(day(180));
    const proposal = j.state.pendingProposals[0]!;
    j.command(
      command('transition-approved', { proposalId: proposal.proposalId }, staff.supervisor),
      day(189),
    );
    expect(j.state.level).toBe('outpatient');
  });

  test('outpatient steps down to aftercare, which completes', () => {
    const outpatient = levelPlan(program, 'outpatient');
    j.completePlan(
      j.attendWeeks(
        j.state.levelSince,
        outpatient.lengthOfStayDays.min / 7,
        1,
        outpatient.weeklyHours!.target,
      ),
    );
    j.completeAftercare();
    expect(j.levels()).toEqual(['iop', 'outpatient', 'aftercare']);
    expect(j.state.discharge?.kind).toBe('completed');
  });
});
