import { programs } from '../../../programs';
import type { LevelOfCare } from '../../../schemas';
import { levelPlan } from '../../../pathway/plan';
import { addDays } from '../../../pathway/time';
import { admitTo, attended, day, event, notified, ofType } from './fixtures';

const program = programs['full-continuum']!;
const { reminderLeadDays, remainingUnitsReminder } = program.authorizations;

const authorization = (
  at: string,
  payerLevel: LevelOfCare,
  unit: 'days' | 'sessions',
  unitsAuthorized: number,
  endDate = '2025-03-31',
) =>
  event('authorization-updated', at, {
    authorizationRef: `auth-${payerLevel}`,
    payerLevel,
    unit,
    unitsAuthorized,
    startDate: '2025-01-01',
    endDate,
  });

describe('authorizations and billing', () => {
  test('an authorization for another level than the clinical one is flagged for utilisation review', () => {
    const j = admitTo(program, 'iop');
    expect(notified(j.apply(authorization(day(0.1), 'outpatient', 'days', 10))).map((n) => n.code)).toContain(
      'authorization-level-mismatch',
    );
    expect(notified(j.apply(authorization(day(0.2), 'iop', 'days', 10))).map((n) => n.code)).not.toContain(
      'authorization-level-mismatch',
    );
  });

  test.each([
    { level: 'iop' as const, unit: 'days' as const },
    { level: 'outpatient' as const, unit: 'sessions' as const },
  ])('attendance at $level bills per the level and counts down $unit', ({ level, unit }) => {
    const j = admitTo(program, level);
    const units = remainingUnitsReminder + 5;
    j.apply(authorization(day(0.1), level, unit, units));
    const effects = [...j.apply(attended(day(1), 1)), ...j.apply(attended(day(1.1), 1))];
    const perDay = levelPlan(program, level).billing.unit === 'day';
    const bills = ofType(effects, 'billing');
    expect(bills).toHaveLength(perDay ? 1 : 2);
    expect(Object.keys(bills[0]!).sort()).toEqual(
      [
        'at',
        'authorizationRef',
        'effectId',
        'level',
        'revenueCode',
        'serviceCode',
        'serviceDay',
        'type',
        'units',
      ].sort(),
    );
    expect(bills[0]).toMatchObject({
      level,
      serviceDay: day(1).slice(0, 10),
      authorizationRef: `auth-${level}`,
      units: 1,
    });
    expect(j.state.authorizations[0]?.remainingUnits).toBe(units - (unit === 'days' ? 1 : 2));
  });

  test(`staff are reminded once when ${remainingUnitsReminder} units remain`, () => {
    const j = admitTo(program, 'iop');
    j.apply(authorization(day(0.1), 'iop', 'days', remainingUnitsReminder + 1));
    const first = ofType(j.apply(attended(day(1), 3)), 'authorization-expiring');
    const second = ofType(j.apply(attended(day(2), 3)), 'authorization-expiring');
    expect(first).toEqual([
      expect.objectContaining({ trigger: 'units-low', remainingUnits: remainingUnitsReminder }),
    ]);
    expect(second).toEqual([]);
  });

  test(`staff are reminded ${reminderLeadDays} days before the end date`, () => {
    const j = admitTo(program, 'iop');
    const endDate = '2025-01-31';
    j.apply(authorization(day(0.1), 'iop', 'days', 20, endDate));
    // The end date begins at midnight in Los Angeles, the program's zone.
    const reminderAt = addDays(`${endDate}T08:00:00.000Z`, -reminderLeadDays);
    expect(j.state.timers).toContainEqual(
      expect.objectContaining({ kind: 'authorization-expiry-reminder', fireAt: reminderAt }),
    );
    j.apply(attended(addDays(reminderAt, -1), 3));
    const effects = j.advanceTo(reminderAt);
    expect(ofType(effects, 'authorization-expiring')).toEqual([
      expect.objectContaining({ trigger: 'end-date-near', endDate }),
    ]);
  });

  test('a service day outside every authorization is billed without one and flagged to billing', () => {
    const j = admitTo(program, 'iop');
    j.apply(authorization(day(0.1), 'iop', 'days', 5, '2025-01-07'));
    const effects = j.apply(attended(day(3), 3));
    expect(ofType(effects, 'billing')[0]?.authorizationRef).toBeNull();
    expect(notified(effects)).toContainEqual({
      code: 'service-without-authorization',
      recipientRole: program.notifications['service-without-authorization']!.recipientRole,
    });
  });
});
