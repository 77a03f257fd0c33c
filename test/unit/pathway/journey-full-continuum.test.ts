import { getProgram } from '../../../programs';
import { levelPlan } from '../../../pathway/plan';
import { addDays } from '../../../pathway/time';
import { Journey, admitted, command, day, drugTest, event, notified, ofType } from './fixtures';
import { staff } from '../../../testkit/fixtures';

const program = getProgram('full-continuum');
const aftercare = program.aftercare!;

describe('journey E: full continuum, detox to aftercare completion', () => {
  const j = new Journey(program).admit(admitted(day(0), 'detox', { withdrawalRisk: true, ageYears: 40 }));

  test('admission starts in detox with withdrawal risk flagged high', () => {
    expect(j.levels()).toEqual(['detox']);
    expect(j.state.riskLevel).toBe('high');
    expect(j.state.history[0]).toMatchObject({ from: null, rule: 'admission', actor: staff.coordinator });
  });

  test('detox milestones before the minimum stay wait for it, then a step-down is proposed and approved', () => {
    j.apply(event('assessment-completed', day(1), { recommendedLevel: 'detox', withdrawalRisk: false }));
    j.apply(event('milestone-completed', day(1), { milestoneId: 'withdrawal-completed' }));
    expect(j.state.pendingProposals).toHaveLength(0);
    const due = day(levelPlan(program, 'detox').lengthOfStayDays.min);
    j.advanceTo(due);
    expect(j.state.pendingProposals[0]?.action).toEqual({
      type: 'level-change',
      from: 'detox',
      to: 'residential',
    });
    j.command(command('transition-approved', { proposalId: j.pendingProposalId() }), due);
    expect(j.state.level).toBe('residential');
    expect(j.state.riskLevel).toBe('low');
  });

  test('residential and PHP complete their plans', () => {
    const residentialDone = j.completePlan(day(10));
    expect(j.state.level).toBe('php');
    const phpHours = levelPlan(program, 'php').weeklyHours!;
    const end = j.attendWeeks(residentialDone, 2, 5, phpHours.target / 5);
    expect(ofType(j.effects, 'weekly-hours-below-target')).toEqual([]);
    j.completePlan(end);
    expect(j.state.level).toBe('iop');
  });

  test('repeated positive tests in IOP count as relapse and step up at once (policy apply)', () => {
    const { relapseAfterPositives } = program.drugTests;
    const first = addDays(j.state.levelSince, 2);
    let effects = j.apply(drugTest(first, 'positive'));
    for (let n = 1; n < relapseAfterPositives; n++)
      effects = j.apply(drugTest(addDays(first, n * 7), 'positive'));
    expect(ofType(effects, 'level-changed')).toEqual([
      expect.objectContaining({
        from: 'iop',
        to: 'php',
        rule: 'relapse-step-up',
        reasonCode: 'repeated-positive-tests',
        actor: staff.counsellor,
      }),
    ]);
    expect(j.state.sobrietyDate).toBe(j.state.levelSince.slice(0, 10));
  });

  test('a coordinator steps the client back down to IOP (applied at once)', () => {
    const now = addDays(j.state.levelSince, levelPlan(program, 'php').lengthOfStayDays.min);
    // A week of PHP's five days, seen every day: its short no-contact window never opens.
    j.attendWeeks(addDays(j.state.levelSince, 0.1), 1, 5, 4);
    j.apply(drugTest(now, 'negative'));
    expect(
      ofType(j.effects, 'proposal-opened').filter((p) => p.proposal.action.type === 'discharge'),
    ).toEqual([]);
    const effects = j.command(
      command('transition-requested', { targetLevel: 'iop', reasonCode: 'clinical-judgement' }),
      now,
    );
    expect(ofType(effects, 'level-changed')[0]).toMatchObject({
      from: 'php',
      to: 'iop',
      rule: 'coordinator-request',
      actor: staff.coordinator,
    });
    expect(notified(effects)).toContainEqual({
      code: 'level-changed',
      recipientRole: program.notifications['level-changed']!.recipientRole,
    });
  });

  test('IOP and outpatient complete, then aftercare runs its course with check-ins', () => {
    // E-full-continuum.txt: at least 9 h a week, in sessions of about 3 h.
    const before = j.effects.length;
    const iopEnd = j.attendWeeks(addDays(j.state.levelSince, 0.1), 4, 3, 3);
    expect(ofType(j.effects.slice(before), 'weekly-hours-below-target')).toEqual([]);
    j.completePlan(iopEnd);
    expect(j.state.level).toBe('outpatient');
    const outpatient = levelPlan(program, 'outpatient');
    const outpatientEnd = j.attendWeeks(
      j.state.levelSince,
      outpatient.lengthOfStayDays.min / 7,
      1,
      outpatient.weeklyHours!.target,
    );
    j.completePlan(outpatientEnd);
    expect(j.state.level).toBe('aftercare');
    j.completeAftercare();
    expect(j.state.status).toBe('discharged');
  });

  test('the level history and the ending tell the whole journey', () => {
    expect(j.levels()).toEqual([
      'detox',
      'residential',
      'php',
      'iop',
      'php',
      'iop',
      'outpatient',
      'aftercare',
    ]);
    expect(j.state.history.map((h) => h.rule)).toEqual([
      'admission',
      'milestones-step-down',
      'milestones-step-down',
      'milestones-step-down',
      'relapse-step-up',
      'coordinator-request',
      'milestones-step-down',
      'milestones-step-down',
    ]);
    expect(j.state.discharge).toMatchObject({
      kind: 'completed',
      rule: 'aftercare-completion',
      actor: { role: 'engine' },
    });
    expect(ofType(j.effects, 'episode-ended')).toHaveLength(1);
    expect(j.state.timers).toEqual([]);
    const checkIns = Math.ceil(aftercare.durationDays / aftercare.checkInIntervalDays) - 1;
    expect(notified(j.effects).filter((n) => n.code === 'aftercare-check-in-due')).toHaveLength(checkIns);
    const billedLevels = new Set(ofType(j.effects, 'billing').map((b) => b.level));
    expect([...billedLevels].sort()).toEqual(['aftercare', 'iop', 'outpatient', 'php']);
    for (const bill of ofType(j.effects, 'billing'))
      expect(bill.serviceCode).toBe(levelPlan(program, bill.level).billing.serviceCode);
  });
});

// Expected numbers are literals taken from the source, E-full-continuum.txt, never read back from the program file.
describe('program E as E-full-continuum.txt describes it', () => {
  const iopAdmission = (overrides: Parameters<typeof admitted>[2] = {}) =>
    new Journey(program).admit(admitted(day(0), 'iop', { steppingDownFrom: 'php', ...overrides }));
  const schedule = (at: string, hours: number) =>
    event('session-scheduled', day(0), {
      sessionId: `s-${at}`,
      kind: 'group',
      scheduledFor: at,
      hours,
      cohortId: null,
      guestCount: 0,
    });

  test('adults only: 18 and older', () => {
    expect(program.admission.ageYears.min).toBe(18);
    expect(() => iopAdmission({ ageYears: 17 })).toThrow(/below-minimum-age/);
    expect(iopAdmission({ ageYears: 18 }).state.level).toBe('iop');
  });

  test('IOP 3 to 5 days a week, weekends possible, sessions of at least about 3 h, 9 h a week', () => {
    const iop = levelPlan(program, 'iop');
    expect(iop.sessionsPerWeek).toEqual({ min: 3, max: 5 });
    expect(iop.weekendSessions).toBe(true);
    expect(iop.minimumSessionHours).toBe(3);
    expect(iop.weeklyHours!.floor).toBe(9);
    const j = iopAdmission();
    // Day 5 of a journey starting on a Monday is a Saturday.
    expect(notified(j.apply(schedule(day(5), 3)))).toEqual([]);
    expect(notified(j.apply(schedule(day(2), 2))).map((n) => n.code)).toEqual([
      'session-shorter-than-minimum',
    ]);
    j.attendWeeks(day(0.1), 1, 3, 3);
    j.attendWeeks(day(7.1), 1, 2, 3);
    expect(ofType(j.advanceTo(day(14)), 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({ attendedHours: 6, targetHours: 9, belowFloor: true }),
    ]);
    expect(ofType(j.effects, 'weekly-hours-below-target')).toHaveLength(1);
  });

  test('co-occurring diagnoses are treated in IOP', () => {
    expect(iopAdmission({ coOccurringMentalIllness: true }).state.level).toBe('iop');
  });

  test('a dilute or invalid drug test gives staff a retest task; it is no relapse', () => {
    const j = iopAdmission();
    for (const result of ['dilute', 'invalid'] as const) {
      const effects = j.apply(drugTest(day(1), result));
      expect(ofType(effects, 'follow-up-task')).toEqual([
        expect.objectContaining({ code: 'drug-test-retest', assigneeRole: 'case-manager' }),
      ]);
    }
    expect(j.state.sobrietyDate).toBeNull();
    expect(j.state.riskFlags).not.toContain('positive-drug-test');
  });
});
