import { programs } from '../../../programs';
import type { LevelOfCare, ProgramDefinition } from '../../../schemas';
import { noContactDays } from '../../../pathway/plan';
import { addDays, addHours } from '../../../pathway/time';
import { admitTo, attended, day, notified } from './fixtures';

const cases = Object.values(programs).flatMap((program) =>
  program.admission.entryLevels.map((level) => ({
    program,
    programId: program.programId,
    level,
    days: noContactDays(program, level),
  })),
);

describe.each(cases)('no contact in $programId at $level ($days days)', ({ program, level, days }) => {
  const dischargeAction = { type: 'discharge', kind: program.noContact.dischargeKind };

  test('nothing happens before the deadline; at it the no-contact discharge is enacted per policy', () => {
    const j = admitTo(program, level);
    j.advanceTo(addHours(day(days), -1));
    expect(j.state.pendingProposals).toEqual([]);
    expect(j.state.status).toBe('active');
    j.advanceTo(day(days));
    if (program.rulePolicies['no-contact-discharge'].mode === 'propose')
      expect(j.state.pendingProposals).toEqual([
        expect.objectContaining({ rule: 'no-contact-discharge', action: dischargeAction }),
      ]);
    else expect(j.state.discharge?.kind).toBe(program.noContact.dischargeKind);
  });

  test('contact before the deadline moves it', () => {
    const j = admitTo(program, level);
    const contact = day(days / 2);
    j.apply(attended(contact, 1));
    j.advanceTo(day(days));
    expect(j.state.pendingProposals.filter((p) => p.rule === 'no-contact-discharge')).toEqual([]);
    j.advanceTo(addDays(contact, days));
    expect(j.state.pendingProposals.filter((p) => p.rule === 'no-contact-discharge')).toHaveLength(1);
  });
});

test('applied at once, no contact discharges with notification', () => {
  const base = programs['default']!;
  const program: ProgramDefinition = {
    ...base,
    rulePolicies: { ...base.rulePolicies, 'no-contact-discharge': { mode: 'apply' } },
  };
  const level: LevelOfCare = 'outpatient';
  const j = admitTo(program, level);
  const effects = j.advanceTo(day(noContactDays(program, level)));
  expect(j.state.discharge).toMatchObject({
    kind: program.noContact.dischargeKind,
    rule: 'no-contact-discharge',
    reasonCode: 'no-contact',
  });
  expect(notified(effects)).toContainEqual({
    code: 'episode-ended',
    recipientRole: program.notifications['episode-ended']!.recipientRole,
  });
  // IOP clients are seen several times a week, outpatient clients weekly or less: IOP's window is the shorter.
  expect(noContactDays(program, 'iop')).toBeLessThan(noContactDays(program, 'outpatient'));
});
