import { problemFromJourneyError } from '../../../api/refusals';
import { RequestRefused } from '../../../client/errors';
import { getProgram, parseProgram } from '../../../programs';
import { MilestoneNotInPlan, admit, validateEvent } from '../../../pathway';
import type { ProgramDefinition } from '../../../schemas';
import { Journey, admitTo, admitted, command, day, event, milestone, ofType } from './fixtures';

const stepDownIop = getProgram('step-down-iop');
const defaults = getProgram('default');

describe('milestones belong to the plan of the current level', () => {
  test('a milestone of no plan at this level is refused, naming the planned ones', () => {
    const j = admitTo(stepDownIop);
    const unplanned = milestone(day(1), 'withdrawal-completed');
    const planned = ['attendance-stable', 'relapse-prevention-plan', 'sober-support-network'];
    expect(() => validateEvent(j.state, unplanned, stepDownIop)).toThrow(MilestoneNotInPlan);
    expect(() => j.apply(unplanned)).toThrow(
      expect.objectContaining({
        milestoneId: 'withdrawal-completed',
        level: 'iop',
        plannedMilestoneIds: planned,
      }),
    );
    expect(j.state.milestones).toEqual([]);
    expect(() => validateEvent(j.state, milestone(day(1), 'attendance-stable'), stepDownIop)).not.toThrow();
  });

  test('the API answers the refusal with 422', async () => {
    const problem = await problemFromJourneyError(
      new RequestRefused('MilestoneNotInPlan', 'not in the plan', { milestoneId: 'x' }),
      async () => true,
    );
    expect(problem?.status).toBe(422);
  });
});

describe('assessment-driven moves follow the policy of a coordinator’s request', () => {
  const assessment = (at: string, recommendedLevel: 'outpatient' | 'aftercare') =>
    event('assessment-completed', at, { recommendedLevel, withdrawalRisk: false });

  test('no step-down before the minimum stay: the care team is asked to review instead', () => {
    const j = admitTo(defaults, 'iop');
    const minimum = defaults.levels.iop!.lengthOfStayDays.min;
    const early = j.apply(assessment(day(minimum - 1), 'outpatient'));
    expect(ofType(early, 'level-changed')).toEqual([]);
    expect(ofType(early, 'proposal-opened')).toEqual([]);
    expect(ofType(early, 'clinical-review-requested')).toEqual([
      expect.objectContaining({ reasonCode: 'assessment-recommendation' }),
    ]);
    const served = j.apply(assessment(day(minimum), 'outpatient'));
    expect(ofType(served, 'proposal-opened')).toEqual([
      expect.objectContaining({ proposal: expect.objectContaining({ rule: 'assessment-level-change' }) }),
    ]);
  });

  test('no move to a level the current level does not lead to', () => {
    const j = admitTo(stepDownIop);
    expect(stepDownIop.levels.iop!.transitionsTo).not.toContain('aftercare');
    const effects = j.apply(assessment(day(1), 'aftercare'));
    expect(j.state.level).toBe('iop');
    expect(ofType(effects, 'proposal-opened')).toEqual([]);
    expect(ofType(effects, 'clinical-review-requested')).toHaveLength(1);
  });
});

describe('aftercare completion', () => {
  test('a client lost to follow-up, awaiting approval at the end of aftercare, is not recorded as completed', () => {
    const program: ProgramDefinition = {
      ...stepDownIop,
      admission: { ...stepDownIop.admission, entryLevels: ['iop', 'aftercare'] },
    };
    const { checkInIntervalDays, durationDays } = program.aftercare!;
    const j = new Journey(program).admit(admitted(day(0), 'aftercare'));
    // Check-ins until contact stops: the no-contact discharge is proposed, and still pending, when aftercare ends.
    const lastContact = durationDays - program.noContact.days - 5;
    for (let at = checkInIntervalDays; at <= lastContact; at += checkInIntervalDays)
      j.apply(event('session-attended', day(at), { sessionId: `c-${at}`, kind: 'check-in', hours: 1 }));
    j.advanceTo(day(durationDays - 1));
    expect(j.state.pendingProposals.map((p) => p.action)).toEqual([
      { type: 'discharge', kind: 'lost-to-follow-up' },
    ]);
    j.advanceTo(day(durationDays));
    expect(j.state.discharge).toMatchObject({ kind: 'lost-to-follow-up', reasonCode: 'no-contact' });
  });
});

describe('tapering', () => {
  test('milestones may not taper past the floor, where one would lower nothing', () => {
    const b = structuredClone(getProgram('milestone-tapered-iop'));
    b.levels.iop!.weeklyHours!.floor = 11;
    expect(() => parseProgram(b, 'milestone-tapered-iop.json')).toThrow(/milestones taper 2 h/);
  });
});

describe('no-contact windows per level', () => {
  const continuum = getProgram('full-continuum');
  const residentialThenIop = (rulesRevision: number) => {
    const j = new Journey(continuum);
    j.state = admit(
      { ...admitted(day(0), 'residential'), programId: continuum.programId },
      continuum,
      'episode-1',
      rulesRevision,
    ).state;
    j.command(
      command('transition-requested', { targetLevel: 'iop', reasonCode: 'clinical-judgement' }),
      day(20),
    );
    return j;
  };
  const dischargeProposals = (j: Journey) =>
    ofType(j.effects, 'proposal-opened').filter((p) => p.proposal.action.type === 'discharge');

  test('a step into IOP after a stay without recorded contact starts IOP’s 14 days afresh', () => {
    const j = residentialThenIop(2);
    j.advanceTo(day(20 + 13.9));
    expect(dischargeProposals(j)).toEqual([]);
    j.advanceTo(day(20 + 14));
    expect(dischargeProposals(j)).toHaveLength(1);
  });

  test('episodes started before that rule keep counting from the last contact', () => {
    const j = residentialThenIop(1);
    j.advanceTo(day(20.1));
    expect(dischargeProposals(j)).toHaveLength(1);
  });
});

describe('care-rule revisions', () => {
  test('an episode admitted under revision 1 keeps its rules: an unplanned milestone is recorded', () => {
    const j = new Journey(stepDownIop);
    j.state = admit(
      { ...admitted(day(0), 'iop', { steppingDownFrom: 'residential' }), programId: stepDownIop.programId },
      stepDownIop,
      'episode-1',
      1,
    ).state;
    j.apply(milestone(day(1), 'withdrawal-completed'));
    expect(j.state.milestones.map((m) => m.milestoneId)).toEqual(['withdrawal-completed']);
  });
});

describe('a program carried by a journey admitted before the newer program fields', () => {
  // Journeys keep the program of their admission in the workflow input, unparsed: the new fields are absent.
  const legacy = (): ProgramDefinition => {
    const b = structuredClone(getProgram('milestone-tapered-iop')) as ProgramDefinition &
      Record<string, unknown>;
    delete (b as Partial<ProgramDefinition>).sessionKinds;
    delete (b.drugTests as Partial<ProgramDefinition['drugTests']>).inconclusiveRetest;
    const iop = b.levels.iop! as Partial<NonNullable<ProgramDefinition['levels']['iop']>>;
    delete iop.lengthOfStayKind;
    delete iop.minimumSessionHours;
    return b;
  };

  test('counts every session kind, ignores inconclusive tests and holds the minimum stay', () => {
    const program = legacy();
    const j = new Journey(program).admit(admitted(day(0), 'iop'));
    j.apply(event('session-attended', day(1), { sessionId: 'aa', kind: 'support-group', hours: 2 }));
    expect(j.state.week.attendedHours).toBe(2);
    expect(
      ofType(
        j.apply(event('drug-test-resulted', day(1), { testId: 't', result: 'dilute' })),
        'follow-up-task',
      ),
    ).toEqual([]);
    for (const { milestoneId } of program.levels.iop!.milestones) j.apply(milestone(day(2), milestoneId));
    expect(j.state.pendingProposals).toEqual([]);
  });
});
