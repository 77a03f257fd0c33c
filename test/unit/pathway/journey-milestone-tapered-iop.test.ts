import { getProgram } from '../../../programs';
import { levelPlan } from '../../../pathway/plan';
import { Journey, admitted, command, day, milestone, ofType, staff } from './fixtures';

const program = getProgram('milestone-tapered-iop');
const iop = levelPlan(program, 'iop');
const weekly = iop.weeklyHours!;

describe('journey B: milestone-tapered IOP, to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'iop'));

  test('each milestone lowers the weekly target, never below the floor, and attending it is enough', () => {
    const targets = [j.state.week.targetHours];
    for (let week = 0; week < iop.lengthOfStayDays.min / 7; week++) {
      const weekStart = day(7 * week + 0.1);
      const met = iop.milestones[week - 1];
      if (met) {
        j.apply(milestone(weekStart, met.milestoneId));
        targets.push(j.state.week.targetHours);
      }
      j.attendWeeks(weekStart, 1, 3, j.state.week.targetHours! / 3);
    }
    let expected = weekly.target;
    const expectedTargets = [expected];
    for (const m of iop.milestones)
      expectedTargets.push((expected = Math.max(weekly.floor, expected - m.taperHours)));
    expect(targets).toEqual(expectedTargets);
    expect(Math.min(...targets.map(Number))).toBe(weekly.floor);
    expect(ofType(j.effects, 'weekly-hours-below-target')).toEqual([]);
  });

  test('with every milestone met, the step-down waits for the minimum stay', () => {
    expect(j.state.pendingProposals).toEqual([]);
    j.advanceTo(day(iop.lengthOfStayDays.min));
    expect(j.state.pendingProposals).toEqual([
      expect.objectContaining({
        rule: 'milestones-step-down',
        action: { type: 'level-change', from: 'iop', to: 'outpatient' },
      }),
    ]);
  });

  test('the proposal escalates past its deadline and is then approved by the escalation role', () => {
    const proposal = j.state.pendingProposals[0]!;
    const policy = program.rulePolicies['milestones-step-down'];
    expect(policy.mode).toBe('propose');
    const overdue = j.advanceTo(proposal.deadline);
    expect(ofType(overdue, 'staff-notification')).toEqual([
      expect.objectContaining({ code: 'approval-overdue', recipientRole: proposal.escalateTo }),
    ]);
    j.command(
      command('transition-approved', { proposalId: proposal.proposalId }, staff.supervisor),
      proposal.deadline,
    );
    expect(j.state.level).toBe('outpatient');
    expect(j.state.history.at(-1)?.actor).toEqual(staff.supervisor);
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
