import { programs } from '../../../programs';
import {
  EpisodeNotActive,
  ProposalAlreadyPending,
  ProposalNotFound,
  TransitionRefused,
  allowedTargets,
  transitionOptions,
  validateCommand,
} from '../../../pathway';
import { levelPlan } from '../../../pathway/plan';
import { addDays } from '../../../pathway/time';
import type { StaffActor } from '../../../schemas';
import { admitTo, command, day, event, ofType } from './fixtures';
import { staff } from '../../../testkit/fixtures';

const continuum = programs['full-continuum']!;
const defaults = programs['default']!;

const refusalOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('coordinator transitions', () => {
  test('a target outside the level’s allowed transitions is refused, naming the allowed targets', () => {
    const j = admitTo(defaults, 'iop');
    const now = day(1);
    const error = refusalOf(() =>
      j.command(
        command('transition-requested', { targetLevel: 'aftercare', reasonCode: 'client-request' }),
        now,
      ),
    );
    expect(error).toBeInstanceOf(TransitionRefused);
    const stepUps = levelPlan(defaults, 'iop').transitionsTo.filter((l) =>
      ['detox', 'residential', 'php'].includes(l),
    );
    expect(error).toMatchObject({ reason: 'not-allowed-from-level', allowedTargets: stepUps });
  });

  test('a step-down before the minimum stay is refused; after it, allowed', () => {
    const j = admitTo(defaults, 'iop');
    const minimum = levelPlan(defaults, 'iop').lengthOfStayDays.min;
    const early = command('transition-requested', {
      targetLevel: 'outpatient',
      reasonCode: 'milestones-met',
    });
    expect(refusalOf(() => validateCommand(j.state, early, defaults, day(minimum - 1)))).toMatchObject({
      reason: 'minimum-stay-not-served',
    });
    expect(allowedTargets(j.state, defaults, day(minimum))).toContain('outpatient');
  });

  test('the same level is refused', () => {
    const j = admitTo(continuum, 'iop');
    const same = command('transition-requested', { targetLevel: 'iop', reasonCode: 'client-request' });
    expect(refusalOf(() => validateCommand(j.state, same, continuum, day(1)))).toMatchObject({
      reason: 'same-level',
    });
  });
});

describe('proposals', () => {
  const proposed = () => {
    const j = admitTo(defaults, 'iop');
    j.apply(event('relapse-reported', day(1), { withdrawalRisk: false }));
    return j;
  };

  test('validateCommand checks without changing anything', () => {
    const j = proposed();
    const before = j.state;
    validateCommand(
      j.state,
      command('transition-approved', { proposalId: j.pendingProposalId() }),
      defaults,
      day(1),
    );
    expect(j.state).toBe(before);
  });

  test('only the approver or escalation role may decide a proposal that exists', () => {
    const j = proposed();
    const proposalId = j.pendingProposalId();
    expect(
      refusalOf(() =>
        validateCommand(
          j.state,
          command('transition-approved', { proposalId }, staff.counsellor),
          defaults,
          day(1),
        ),
      ),
    ).toMatchObject({
      reason: 'role-not-allowed',
    });
    expect(
      refusalOf(() =>
        validateCommand(j.state, command('transition-approved', { proposalId: 'nope' }), defaults, day(1)),
      ),
    ).toBeInstanceOf(ProposalNotFound);
  });

  test('a coordinator’s own request is decided by someone else (four eyes)', () => {
    const proposing = {
      ...continuum,
      rulePolicies: {
        ...continuum.rulePolicies,
        'coordinator-request': defaults.rulePolicies['relapse-step-up'],
      },
    };
    const j = admitTo(proposing, 'iop');
    j.command(
      command('transition-requested', { targetLevel: 'php', reasonCode: 'needs-more-structure' }),
      day(1),
    );
    const proposalId = j.pendingProposalId();
    expect(refusalOf(() => j.command(command('transition-approved', { proposalId }), day(1)))).toMatchObject({
      reason: 'own-proposal',
    });
    expect(
      refusalOf(() =>
        j.command(
          command(
            'transition-requested',
            { targetLevel: 'php', reasonCode: 'needs-more-structure' },
            staff.secondCoordinator,
          ),
          day(1),
        ),
      ),
    ).toBeInstanceOf(ProposalAlreadyPending);
    j.command(command('transition-approved', { proposalId }, staff.secondCoordinator), day(1.5));
    expect(j.state.history.at(-1)).toMatchObject({
      to: 'php',
      rule: 'coordinator-request',
      actor: staff.secondCoordinator,
    });
  });

  test('a rejection closes the proposal, cancels its deadline and keeps the level', () => {
    const j = proposed();
    const proposalId = j.pendingProposalId();
    const deadlineTimer = j.state.timers.find((t) => t.kind === 'proposal-deadline')!;
    const effects = j.command(
      command('transition-rejected', { proposalId, reasonCode: 'clinically-inappropriate' }),
      day(1.2),
    );
    expect(ofType(effects, 'proposal-decided')).toEqual([
      expect.objectContaining({ proposalId, decision: 'rejected' }),
    ]);
    expect(ofType(effects, 'cancel-timer')).toEqual([
      expect.objectContaining({ timerId: deadlineTimer.timerId }),
    ]);
    expect(j.state.level).toBe('iop');
    expect(j.state.pendingProposals).toEqual([]);
  });

  test('a level change supersedes proposals opened for the old level', () => {
    const j = proposed();
    const proposalId = j.pendingProposalId();
    const effects = j.command(
      command('transition-requested', { targetLevel: 'residential', reasonCode: 'clinical-judgement' }),
      day(2),
    );
    expect(ofType(effects, 'proposal-decided')).toEqual([
      expect.objectContaining({ proposalId, decision: 'superseded' }),
    ]);
  });
});

describe('discharge', () => {
  test('after discharge commands are refused and events change nothing', () => {
    const j = admitTo(continuum, 'iop');
    j.command(command('discharge', { kind: 'left-against-advice', reasonCode: 'client-request' }), day(3));
    expect(j.state.timers).toEqual([]);
    expect(ofType(j.last, 'episode-ended')).toEqual([
      expect.objectContaining({ dischargeKind: 'left-against-advice' }),
    ]);
    expect(
      refusalOf(() =>
        j.command(command('discharge', { kind: 'other', reasonCode: 'client-request' }), day(4)),
      ),
    ).toBeInstanceOf(EpisodeNotActive);
    const before = j.state;
    expect(j.apply(event('relapse-reported', addDays(day(4), 1), { withdrawalRisk: true }))).toEqual([]);
    expect(j.state).toBe(before);
  });

  test('a repeated commandId changes nothing', () => {
    const j = admitTo(continuum, 'iop');
    const discharge = command('discharge', { kind: 'transferred', reasonCode: 'transfer-of-care' });
    j.command(discharge, day(3));
    const before = j.state;
    expect(j.command(discharge, day(3))).toEqual([]);
    expect(j.state).toBe(before);
  });
});

describe('transition options', () => {
  test('each level offered gets the answer a transition request to it would get, refusal words included', () => {
    const j = admitTo(defaults, 'iop');
    const minimum = levelPlan(defaults, 'iop').lengthOfStayDays.min;
    for (const now of [day(1), day(minimum)]) {
      const options = transitionOptions(j.state, defaults, now);
      expect(options.map((o) => o.level)).not.toContain('iop');
      for (const { level, refusal } of options) {
        const request = command('transition-requested', { targetLevel: level, reasonCode: 'client-request' });
        const error = refusalOf(() => validateCommand(j.state, request, defaults, now));
        expect({ level, refusal: refusal?.message }).toEqual({
          level,
          refusal: (error as Error | undefined)?.message,
        });
      }
    }
    const early = Object.fromEntries(
      transitionOptions(j.state, defaults, day(1)).map((o) => [o.level, o.refusal]),
    );
    expect(early.php).toBeNull();
    expect(early.outpatient).toMatchObject({ reason: 'minimum-stay-not-served' });
  });

  test('a discharged episode offers no level', () => {
    const j = admitTo(defaults, 'iop');
    j.command(command('discharge', { kind: 'administrative', reasonCode: 'client-request' }), day(1));
    expect(
      transitionOptions(j.state, defaults, day(2)).every((o) => o.refusal instanceof EpisodeNotActive),
    ).toBe(true);
  });
});

describe('four eyes when an integration reports', () => {
  /** An IOP client whose relapse the EHR feed reported: the default program proposes a step-up to PHP. */
  const relapseFromFeed = () => {
    const j = admitTo(defaults, 'iop');
    j.apply(event('relapse-reported', day(1), { withdrawalRisk: false }, staff.feed));
    return { j, proposalId: j.pendingProposalId() };
  };
  const approve = (proposalId: string, by: StaffActor = staff.coordinator) =>
    command('transition-approved', { proposalId }, by);

  test('the proposal is the integration’s; the first approval only confirms it', () => {
    const { j, proposalId } = relapseFromFeed();
    expect(j.state.pendingProposals[0]?.openedBy).toEqual(staff.feed);
    const effects = j.command(approve(proposalId), day(1.1));
    expect(j.state.level).toBe('iop');
    expect(j.state.pendingProposals).toEqual([
      expect.objectContaining({ proposalId, confirmedBy: staff.coordinator }),
    ]);
    expect(ofType(effects, 'proposal-decided')).toEqual([]);
    expect(ofType(effects, 'staff-notification')).toEqual([
      expect.objectContaining({ code: 'approval-waiting', recipientRole: 'care-coordinator' }),
    ]);
  });

  test('whoever confirmed it cannot also carry it out; a second staff member does', () => {
    const { j, proposalId } = relapseFromFeed();
    j.command(approve(proposalId), day(1.1));
    expect(refusalOf(() => j.command(approve(proposalId), day(1.2)))).toMatchObject({
      name: 'ApprovalNotPermitted',
      reason: 'confirmed-by-you',
    });
    j.command(approve(proposalId, staff.supervisor), day(1.3));
    expect(j.state.level).toBe('php');
    expect(j.state.history.at(-1)).toMatchObject({ to: 'php', actor: staff.supervisor });
  });

  test('one staff member may reject it at once', () => {
    const { j, proposalId } = relapseFromFeed();
    j.command(command('transition-rejected', { proposalId, reasonCode: 'clinical-judgement' }), day(1.1));
    expect(j.state.pendingProposals).toEqual([]);
    expect(j.state.level).toBe('iop');
  });

  test('an integration never decides a proposal, even in a role the policy names', () => {
    const j = admitTo(defaults, 'iop');
    j.apply(event('relapse-reported', day(1), { withdrawalRisk: false }, staff.counsellor));
    const proposalId = j.pendingProposalId();
    expect(refusalOf(() => j.command(approve(proposalId, staff.feed), day(1.1)))).toMatchObject({
      reason: 'role-not-allowed',
    });
  });

  test('a proposal a person opened is still carried out on one other person’s approval', () => {
    const j = admitTo(defaults, 'iop');
    j.apply(event('relapse-reported', day(1), { withdrawalRisk: false }, staff.counsellor));
    j.command(approve(j.pendingProposalId()), day(1.1));
    expect(j.state.level).toBe('php');
  });

  test('episodes admitted under revision 2 keep one approval for an integration’s proposal', () => {
    const { j, proposalId } = relapseFromFeed();
    j.state = { ...j.state, rulesRevision: 2 };
    j.command(approve(proposalId), day(1.1));
    expect(j.state.level).toBe('php');
  });
});
