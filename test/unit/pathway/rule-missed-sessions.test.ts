import { programs } from '../../../programs';
import type { ProgramDefinition } from '../../../schemas';
import { oneLevelUp } from '../../../pathway';
import { addHours } from '../../../pathway/time';
import { admitTo, attended, day, missed, notified, ofType } from './fixtures';

const allPrograms = Object.values(programs);
const codes = (effects: Parameters<typeof notified>[0]) => notified(effects).map((n) => n.code);

describe.each(allPrograms)('missed sessions, program $programId', (program) => {
  const { missedSessions, notifications } = program;
  const review = missedSessions.clinicalReview;

  test.each([
    { absence: 'excused' as const, notifies: false, task: false },
    { absence: 'unexcused' as const, notifies: true, task: false },
    { absence: 'no-show' as const, notifies: true, task: true },
  ])('$absence: counsellor notified $notifies, follow-up task $task', ({ absence, notifies, task }) => {
    const j = admitTo(program);
    const effects = j.apply(missed(day(1), absence));
    expect(
      notified(effects).some(
        (n) =>
          n.code === 'missed-session' && n.recipientRole === notifications['missed-session']?.recipientRole,
      ),
    ).toBe(notifies);
    expect(ofType(effects, 'follow-up-task')).toEqual(
      task
        ? [
            expect.objectContaining({
              assigneeRole: missedSessions.noShowFollowUp.assigneeRole,
              dueAt: addHours(day(1), missedSessions.noShowFollowUp.dueInHours),
            }),
          ]
        : [],
    );
  });

  test(`${missedSessions.consecutiveAlert} in a row alert the case manager; ${review.consecutive} in a row call for clinical review`, () => {
    const j = admitTo(program);
    const perMiss = Array.from({ length: review.consecutive }, (_, i) =>
      codes(j.apply(missed(day(1 + i * 0.2)))),
    );
    perMiss.forEach((c, i) => {
      expect(c.includes('consecutive-missed-sessions')).toBe(i + 1 === missedSessions.consecutiveAlert);
      expect(c.includes('clinical-review-needed')).toBe(i + 1 === review.consecutive);
    });
    expect(ofType(j.effects, 'clinical-review-requested')).toEqual([
      expect.objectContaining({ reasonCode: 'missed-sessions' }),
    ]);
  });

  test('an attended session breaks the run', () => {
    const j = admitTo(program);
    for (let i = 0; i < review.consecutive - 1; i++) j.apply(missed(day(1 + i * 0.1)));
    j.apply(attended(day(2), 1));
    const after = codes(j.apply(missed(day(2.5))));
    expect(after).not.toContain('clinical-review-needed');
    expect(j.state.attendance.consecutiveUnexcused).toBe(1);
  });

  test(`more than ${review.moreThan} unexcused misses within ${review.windowWeeks} weeks call for review; spread wider they do not`, () => {
    const windowDays = review.windowWeeks * 7;
    const run = (spacingDays: number): boolean => {
      const j = admitTo(program);
      for (let i = 0; i <= review.moreThan; i++) {
        j.apply(missed(day(1 + i * spacingDays)));
        j.apply(attended(day(1 + i * spacingDays + 0.01), 1));
      }
      return ofType(j.effects, 'clinical-review-requested').some((r) => r.reasonCode === 'missed-sessions');
    };
    expect(run(windowDays / (review.moreThan + 1))).toBe(true);
    expect(run(windowDays / review.moreThan + 1)).toBe(false);
  });
});

describe('the clinical review action follows the program', () => {
  const program = programs['full-continuum']!;
  const reviewAfter = (p: ProgramDefinition) => {
    const j = admitTo(p, 'iop');
    for (let i = 0; i < p.missedSessions.clinicalReview.consecutive; i++) j.apply(missed(day(1 + i * 0.1)));
    return j;
  };

  test('step-up: the next more intensive level is proposed', () => {
    const j = reviewAfter(program);
    expect(j.state.pendingProposals).toEqual([
      expect.objectContaining({
        rule: 'missed-sessions-review',
        action: { type: 'level-change', from: 'iop', to: oneLevelUp(program, 'iop') },
      }),
    ]);
  });

  test('discharge applied at once: the episode ends with the configured kind', () => {
    const variant: ProgramDefinition = {
      ...program,
      missedSessions: {
        ...program.missedSessions,
        clinicalReview: {
          ...program.missedSessions.clinicalReview,
          action: { type: 'discharge', kind: 'administrative' },
        },
      },
      rulePolicies: { ...program.rulePolicies, 'missed-sessions-review': { mode: 'apply' } },
    };
    const j = reviewAfter(variant);
    expect(j.state.discharge).toMatchObject({
      kind: 'administrative',
      rule: 'missed-sessions-review',
      reasonCode: 'missed-sessions',
    });
  });
});
