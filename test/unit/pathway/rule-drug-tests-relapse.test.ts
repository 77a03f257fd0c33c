import { programs } from '../../../programs';
import { levelsOfCare, type LevelOfCare } from '../../../schemas';
import { oneLevelUp } from '../../../pathway';
import { offersLevel } from '../../../pathway/ladder';
import { addDays } from '../../../pathway/time';
import { admitTo, command, day, drugTest, event, notified, ofType } from './fixtures';

describe.each(Object.values(programs))('drug tests in $programId', (program) => {
  const { relapseAfterPositives, windowDays } = program.drugTests;

  test('a positive test notifies staff, resets the sobriety date and raises the flag', () => {
    const j = admitTo(program);
    const effects = j.apply(drugTest(day(3), 'positive'));
    expect(notified(effects)).toContainEqual({
      code: 'positive-drug-test',
      recipientRole: program.notifications['positive-drug-test']!.recipientRole,
    });
    expect(ofType(effects, 'sobriety-date-reset')).toEqual([
      expect.objectContaining({ sobrietyDate: day(3).slice(0, 10) }),
    ]);
    expect(j.state.sobrietyDate).toBe(day(3).slice(0, 10));
    expect(j.state.riskFlags).toContain('positive-drug-test');
    j.apply(drugTest(day(4), 'negative'));
    expect(j.state.riskFlags).not.toContain('positive-drug-test');
  });

  test(`${relapseAfterPositives} positives within ${windowDays} days count as relapse; spread wider they do not`, () => {
    const relapses = (spacingDays: number): number => {
      const j = admitTo(program);
      for (let i = 0; i < relapseAfterPositives; i++) j.apply(drugTest(day(1 + i * spacingDays), 'positive'));
      return notified(j.effects).filter((n) => n.code === 'relapse-reported').length;
    };
    expect(relapses(windowDays / relapseAfterPositives)).toBe(1);
    expect(relapses(windowDays + 1)).toBe(0);
  });
});

const continuum = programs['full-continuum']!;
const reachable = (level: LevelOfCare) => {
  if (continuum.admission.entryLevels.includes(level)) return admitTo(continuum, level);
  const j = admitTo(continuum, 'outpatient');
  const now = addDays(j.state.levelSince, continuum.levels.outpatient!.lengthOfStayDays.min);
  j.apply(event('session-attended', now, { sessionId: 'contact', kind: 'individual', hours: 1 }));
  j.command(command('transition-requested', { targetLevel: level, reasonCode: 'program-completed' }), now);
  return j;
};

describe.each(levelsOfCare.map((level) => ({ level })))(
  'relapse at $level (full continuum, applied at once)',
  ({ level }) => {
    test.each([
      { withdrawalRisk: false, target: oneLevelUp(continuum, level) },
      { withdrawalRisk: true, target: continuum.admission.withdrawalRiskLevel },
    ])('withdrawal risk $withdrawalRisk steps up to $target', ({ withdrawalRisk, target }) => {
      const j = reachable(level);
      const at = addDays(j.state.levelSince, 1);
      const effects = j.apply(event('relapse-reported', at, { withdrawalRisk }));
      const expected = target === null || target === level ? level : target;
      expect(j.state.level).toBe(expected);
      expect(ofType(effects, 'level-changed')).toHaveLength(expected === level ? 0 : 1);
      expect(j.state.riskLevel).toBe('high');
      expect(j.state.sobrietyDate).toBe(at.slice(0, 10));
    });
  },
);

test('where the program proposes, relapse opens a proposal; where it has no level up, staff are told to refer out', () => {
  const proposing = admitTo(programs['default']!, 'iop');
  proposing.apply(event('relapse-reported', day(2), { withdrawalRisk: false }));
  expect(proposing.state.pendingProposals).toEqual([
    expect.objectContaining({
      rule: 'relapse-step-up',
      action: { type: 'level-change', from: 'iop', to: 'php' },
    }),
  ]);
  const iopOnly = programs['step-down-iop']!;
  expect(offersLevel(iopOnly, 'php')).toBe(false);
  const referring = admitTo(iopOnly, 'iop');
  const effects = referring.apply(event('relapse-reported', day(2), { withdrawalRisk: true }));
  expect(notified(effects).map((n) => n.code)).toContain('refer-out-needed');
  expect(referring.state.level).toBe('iop');
});
