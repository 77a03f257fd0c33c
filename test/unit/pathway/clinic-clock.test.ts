import { programs } from '../../../programs';
import {
  applyEvent,
  EventBeforeAdmission,
  LateEventRefused,
  validateEvent,
  weeksView,
} from '../../../pathway';
import {
  calendarWeek,
  isLocalWeekend,
  localDateTime,
  localDay,
  startOfLocalDay,
} from '../../../pathway/clock';
import { clinicClockDefaults, type ProgramDefinition } from '../../../schemas';
import { admitted, attended, command, event, Journey, missed, notified, ofType } from './fixtures';
import { eligibleIntake } from '../../../testkit/fixtures';

const pacific = { timeZone: 'America/Los_Angeles', weekStartsOn: 'monday' } as const;

describe("the clinic's calendar", () => {
  test('a 6-9 pm Friday group in Los Angeles falls on Friday, not on the weekend', () => {
    // Friday 2027-03-12 18:00 Pacific standard time is Saturday 02:00 UTC.
    const friday6pm = '2027-03-13T02:00:00.000Z';
    expect(localDay(pacific, friday6pm)).toBe('2027-03-12');
    expect(isLocalWeekend(pacific, friday6pm)).toBe(false);
    expect(isLocalWeekend(pacific, '2027-03-13T20:00:00.000Z')).toBe(true);
  });

  test('the week holding the spring-forward Sunday runs from Monday midnight PST to Monday midnight PDT', () => {
    expect(calendarWeek(pacific, '2027-03-14T12:00:00.000Z')).toEqual({
      start: '2027-03-08T08:00:00.000Z',
      end: '2027-03-15T07:00:00.000Z',
    });
    expect(localDateTime(pacific, '2027-03-15T07:00:00.000Z')).toBe('2027-03-15T00:00:00-07:00');
  });

  test('the week holding the fall-back Sunday runs from Monday midnight PDT to Monday midnight PST', () => {
    expect(calendarWeek(pacific, '2027-11-07T12:00:00.000Z')).toEqual({
      start: '2027-11-01T07:00:00.000Z',
      end: '2027-11-08T08:00:00.000Z',
    });
  });

  test('weeks start on the day the program names', () => {
    const sunday = { timeZone: 'America/New_York', weekStartsOn: 'sunday' } as const;
    expect(calendarWeek(sunday, '2027-01-06T15:00:00.000Z')).toEqual({
      start: '2027-01-03T05:00:00.000Z',
      end: '2027-01-10T05:00:00.000Z',
    });
  });

  test('a day whose midnight a daylight-saving change skips begins when the clock jumps', () => {
    // Havana springs forward at midnight: 2027-03-14 begins at 01:00 local, 05:00 UTC.
    expect(startOfLocalDay({ timeZone: 'America/Havana', weekStartsOn: 'monday' }, '2027-03-14')).toBe(
      '2027-03-14T05:00:00.000Z',
    );
  });
});

// Reference program A runs IOP as three 3-hour sessions, 9 hours a week (A-step-down-iop.txt), on
// weekdays only, and bills IOP once per service day.
const stepDown = programs['step-down-iop']!;
const sessionHours = 3;
const weeklyHours = 9;

/** Admitted to IOP on Monday 2027-03-01 at 9 am in Los Angeles. */
const admitMarch = (program: ProgramDefinition = stepDown) =>
  new Journey(program).admit(admitted('2027-03-01T17:00:00.000Z', 'iop', eligibleIntake));

const scheduled = (j: Journey, scheduledFor: string) =>
  event('session-scheduled', scheduledFor, {
    sessionId: `scheduled-${scheduledFor}`,
    kind: 'group',
    scheduledFor,
    hours: sessionHours,
    cohortId: j.state.cohortId,
    guestCount: 0,
  });

const weeks = (j: Journey) => weeksView(j.state, j.program).weeks;

describe("weeks on the clinic's calendar", () => {
  test('a Friday 6 pm group in Los Angeles is a weekday session, billed on Friday', () => {
    const j = admitMarch();
    const fridayEvening = '2027-03-06T02:00:00.000Z';
    expect(notified(j.apply(scheduled(j, fridayEvening))).map((n) => n.code)).not.toContain(
      'weekend-session-not-offered',
    );
    expect(notified(j.apply(scheduled(j, '2027-03-06T18:00:00.000Z'))).map((n) => n.code)).toContain(
      'weekend-session-not-offered',
    );
    expect(ofType(j.apply(attended(fridayEvening, sessionHours)), 'billing')).toEqual([
      expect.objectContaining({ serviceDay: '2027-03-05' }),
    ]);
  });

  test('weeks run Monday to Monday at local midnight, the first from the admission', () => {
    const j = admitMarch();
    expect(j.state.week).toMatchObject({
      start: '2027-03-01T17:00:00.000Z',
      end: '2027-03-08T08:00:00.000Z',
      targetHours: weeklyHours,
    });
    expect(j.state.timers).toContainEqual(
      expect.objectContaining({ kind: 'weekly-hours-review', fireAt: '2027-03-08T08:00:00.000Z' }),
    );
  });

  test('a level entered mid-week is held to the share of the week left', () => {
    // Thursday 9 am: Thursday to Sunday are 4 of the week's 7 days.
    const j = new Journey(stepDown).admit(admitted('2027-03-04T17:00:00.000Z', 'iop', eligibleIntake));
    expect(j.state.week.targetHours).toBeCloseTo((weeklyHours * 4) / 7, 2);
  });

  test('the week of the spring change is 167 hours and counts each session once', () => {
    const j = admitMarch();
    j.advanceTo('2027-03-08T08:00:00.000Z');
    j.apply(attended('2027-03-09T02:00:00.000Z', sessionHours));
    j.apply(attended('2027-03-14T10:30:00.000Z', sessionHours)); // Sunday 3:30 am, after the clocks went forward
    j.apply(attended('2027-03-15T07:30:00.000Z', sessionHours)); // Monday 0:30 am: the next week
    const [, spring, current] = weeks(j);
    expect(spring).toMatchObject({
      status: 'reviewed',
      start: '2027-03-08T08:00:00.000Z',
      end: '2027-03-15T07:00:00.000Z',
      localStart: '2027-03-08T00:00:00-08:00',
      localEnd: '2027-03-15T00:00:00-07:00',
      attendedHours: 2 * sessionHours,
      attendedSessions: 2,
    });
    expect(current).toMatchObject({
      status: 'current',
      start: '2027-03-15T07:00:00.000Z',
      attendedHours: sessionHours,
    });
  });

  test('the week of the autumn change is 169 hours and counts both sessions of the repeated hour once each', () => {
    const j = new Journey(stepDown).admit(admitted('2027-10-25T16:00:00.000Z', 'iop', eligibleIntake));
    j.advanceTo('2027-11-01T07:00:00.000Z');
    j.apply(attended('2027-11-07T08:30:00.000Z', 1)); // 1:30 am daylight time
    j.apply(attended('2027-11-07T09:30:00.000Z', 1)); // 1:30 am standard time
    j.apply(attended('2027-11-08T07:30:00.000Z', 1)); // Sunday 11:30 pm
    j.apply(attended('2027-11-08T08:30:00.000Z', 1)); // Monday 0:30 am: the next week
    const [, autumn, current] = weeks(j);
    expect(autumn).toMatchObject({
      start: '2027-11-01T07:00:00.000Z',
      end: '2027-11-08T08:00:00.000Z',
      localStart: '2027-11-01T00:00:00-07:00',
      localEnd: '2027-11-08T00:00:00-08:00',
      attendedHours: 3,
      attendedSessions: 3,
    });
    expect(current).toMatchObject({ start: '2027-11-08T08:00:00.000Z', attendedHours: 1 });
  });
});

describe('attendance recorded late', () => {
  /** Two of the three sessions in the first week, which is then reviewed below the floor. */
  const shortFirstWeek = () => {
    const j = admitMarch();
    j.apply(attended('2027-03-02T02:00:00.000Z', sessionHours));
    j.apply(attended('2027-03-04T02:00:00.000Z', sessionHours));
    const review = j.advanceTo('2027-03-09T17:00:00.000Z');
    expect(ofType(review, 'weekly-hours-below-target')).toEqual([
      expect.objectContaining({ attendedHours: 2 * sessionHours, belowFloor: true, weekCount: 1 }),
    ]);
    expect(j.state.riskFlags).toContain('hours-below-floor');
    return j;
  };

  test('a session posted after its week was reviewed corrects that week, lifts the flag and bills its day once', () => {
    const j = shortFirstWeek();
    const friday = '2027-03-06T02:00:00.000Z';
    const effects = j.apply(attended(friday, sessionHours));
    expect(ofType(effects, 'weekly-hours-corrected')).toEqual([
      expect.objectContaining({
        weekStart: '2027-03-01T17:00:00.000Z',
        weekEnd: '2027-03-08T08:00:00.000Z',
        attendedHours: weeklyHours,
        attendedSessions: 3,
        belowTarget: false,
        belowFloor: false,
      }),
    ]);
    expect(j.state.riskFlags).not.toContain('hours-below-floor');
    expect(ofType(effects, 'billing')).toEqual([expect.objectContaining({ serviceDay: '2027-03-05' })]);
    expect(j.state.week.attendedHours).toBe(0);
    // A second session posted late for the same Friday counts, but the day is billed already.
    const again = j.apply(
      event('session-attended', friday, { sessionId: 'friday-second', kind: 'individual', hours: 1 }),
    );
    expect(ofType(again, 'weekly-hours-corrected')).toEqual([
      expect.objectContaining({ attendedHours: weeklyHours + 1, attendedSessions: 4 }),
    ]);
    expect(ofType(again, 'billing')).toEqual([]);
    expect(weeks(j)[0]).toMatchObject({
      status: 'reviewed',
      attendedHours: weeklyHours + 1,
      flags: ['corrected'],
    });
  });

  test(`a session older than the ${stepDown.correctionWindowDays}-day correction window is refused, not dropped`, () => {
    const j = shortFirstWeek();
    j.advanceTo('2027-03-22T08:00:00.000Z');
    const late = attended('2027-03-06T02:00:00.000Z', sessionHours);
    expect(() => applyEvent(j.state, late, j.program)).toThrow(LateEventRefused);
    expect(() => applyEvent(j.state, late, j.program)).toThrow(
      expect.objectContaining({
        reason: 'past-correction-window',
        oldestCorrectable: '2027-03-08T07:00:00.000Z',
      }),
    );
    expect(() => validateEvent(j.state, missed('2027-03-06T02:00:00.000Z'), j.program)).toThrow(
      LateEventRefused,
    );
  });

  test('a session dated before the admission is refused', () => {
    const j = shortFirstWeek();
    expect(() => applyEvent(j.state, attended('2027-02-27T18:00:00.000Z', sessionHours), j.program)).toThrow(
      EventBeforeAdmission,
    );
  });

  test('a session in the part of a week before a change of level counts there, unreviewed', () => {
    const j = admitMarch(programs['full-continuum']);
    j.advanceTo('2027-03-08T08:00:00.000Z');
    j.command(
      command('transition-requested', { targetLevel: 'php', reasonCode: 'needs-more-structure' }),
      '2027-03-10T20:00:00.000Z',
    );
    const effects = j.apply(attended('2027-03-09T02:00:00.000Z', sessionHours));
    expect(ofType(effects, 'weekly-hours-corrected')).toEqual([]);
    expect(weeks(j).map((w) => [w.status, w.level, w.attendedHours])).toEqual([
      ['reviewed', 'iop', 0],
      ['level-change', 'iop', sessionHours],
      ['current', j.state.level, 0],
    ]);
  });
});

describe('weeks that ended with nothing recorded', () => {
  test('a date typed a year ahead reviews the empty weeks once, not once a week', () => {
    const j = admitMarch();
    const { effects, state } = applyEvent(
      j.state,
      attended('2028-03-01T18:00:00.000Z', sessionHours),
      j.program,
    );
    const below = ofType(effects, 'weekly-hours-below-target');
    expect(below).toEqual([
      expect.objectContaining({
        weekStart: '2027-03-01T17:00:00.000Z',
        weekEnd: '2028-02-28T08:00:00.000Z',
        weekCount: 52,
        attendedHours: 0,
      }),
    ]);
    expect(notified(effects).filter((n) => n.code === 'weekly-hours-below-target')).toHaveLength(1);
    expect(effects.length).toBeLessThan(10);
    expect(state.recentWeeks!.length).toBeLessThanOrEqual(3);
    expect(state.week.start).toBe('2028-02-28T08:00:00.000Z');
  });
});

/** Program A as a journey admitted before the clinic's clock carries it: without the clock's fields. */
const { timeZone: _z, weekStartsOn: _w, correctionWindowDays: _c, ...before } = stepDown;
const legacy = before as ProgramDefinition;

describe('journeys admitted before the clinic clock', () => {
  test('keep 7-day weeks from the admission instant and count a late session in no week', () => {
    const j = admitMarch(legacy);
    expect(j.state.recentWeeks).toBeUndefined();
    expect(j.state.timers).toContainEqual(
      expect.objectContaining({ kind: 'weekly-hours-review', fireAt: '2027-03-08T17:00:00.000Z' }),
    );
    j.advanceTo('2027-03-09T17:00:00.000Z');
    const effects = j.apply(attended('2027-03-06T02:00:00.000Z', sessionHours));
    expect(ofType(effects, 'weekly-hours-corrected')).toEqual([]);
    expect(ofType(effects, 'billing')).toEqual([expect.objectContaining({ serviceDay: '2027-03-06' })]);
  });
});

describe('a journey admitted before the clinic clock and continued as new with it', () => {
  test('finishes its 7-day week, then runs on calendar weeks of the default zone', () => {
    const old = new Journey(legacy).admit(admitted('2027-03-03T17:00:00.000Z', 'iop', eligibleIntake));
    const continued = new Journey({ ...clinicClockDefaults, ...legacy });
    continued.state = old.state;
    continued.advanceTo('2027-03-10T17:00:00.000Z');
    expect(continued.state.week).toMatchObject({
      start: '2027-03-10T17:00:00.000Z',
      end: '2027-03-15T00:00:00.000Z',
    });
    expect(weeks(continued).map((w) => [w.status, w.start, w.end])).toEqual([
      ['reviewed', '2027-03-03T17:00:00.000Z', '2027-03-10T17:00:00.000Z'],
      ['current', '2027-03-10T17:00:00.000Z', '2027-03-15T00:00:00.000Z'],
    ]);
  });
});
