import { programs } from '../../../programs';
import {
  EventBeforeAdmission,
  EventIdConflict,
  EventRefusedBefore,
  ProgramMismatch,
  admit,
  applyEvent,
  onTimer,
  startsNewEpisode,
  validateEvent,
} from '../../../pathway';
import { contentDigest, refusedAs, rememberRefusal, sighting } from '../../../pathway/dedup';
import { levelPlan } from '../../../pathway/plan';
import { addDays } from '../../../pathway/time';
import { effectSchema, episodeStateSchema } from '../../../schemas';
import { admitTo, admitted, attended, command, day, event, missed, notified, ofType } from './fixtures';

const continuum = programs['full-continuum']!;

describe('de-duplication', () => {
  test('a redelivered eventId returns the same state and no effects', () => {
    const j = admitTo(continuum, 'iop');
    const miss = missed(day(1), 'no-show');
    expect(j.apply(miss).length).toBeGreaterThan(0);
    const before = j.state;
    expect(j.apply(miss)).toEqual([]);
    expect(j.state).toBe(before);
  });

  test(`the episode remembers only the program's last ${continuum.recentEventIdLimit} ids`, () => {
    const small = { ...continuum, recentEventIdLimit: 3 };
    const j = admitTo(small, 'iop');
    const events = [1, 2, 3, 4].map((n) => attended(day(n * 0.1), 1));
    for (const e of events) j.apply(e);
    expect(j.state.recentEventIds).toEqual(events.slice(-3).map((e) => e.eventId));
  });
});

describe('events the episode refuses', () => {
  test('an event id reused with different content is a conflict, the same content a redelivery', () => {
    const j = admitTo(continuum, 'iop');
    const session = attended(day(1), 3);
    j.apply(session);
    const before = j.state;
    expect(sighting(before, session)).toBe('redelivery');
    expect(() => applyEvent(before, { ...session, hours: 2 }, continuum)).toThrow(EventIdConflict);
    expect(j.apply({ ...session })).toEqual([]);
    expect(j.state).toBe(before);
  });

  test('the same event received again at another time (an API request repeated) is a redelivery', () => {
    const j = admitTo(continuum, 'iop');
    const session = attended(day(1), 3);
    j.apply(session);
    expect(sighting(j.state, { ...session, occurredAt: day(1.5) })).toBe('redelivery');
  });

  test('an id remembered before digests were kept counts as a redelivery whatever its content', () => {
    const j = admitTo(continuum, 'iop');
    const session = attended(day(1), 3);
    j.apply(session);
    const { recentEventDigests, ...older } = j.state;
    expect(recentEventDigests?.[session.eventId]).toBeDefined();
    expect(applyEvent(older, { ...session, hours: 2 }, continuum)).toEqual({ state: older, effects: [] });
  });

  test('the digests are forgotten with their ids', () => {
    const small = { ...continuum, recentEventIdLimit: 2 };
    const j = admitTo(small, 'iop');
    for (const n of [1, 2, 3]) j.apply(attended(day(n), 1));
    expect(Object.keys(j.state.recentEventDigests ?? {}).sort()).toEqual([...j.state.recentEventIds].sort());
  });

  test('a refused event is remembered as refused: read again it is refused again, never applied', () => {
    const j = admitTo(continuum, 'iop');
    const session = attended(day(1), 3);
    const refusal = {
      eventId: session.eventId,
      digest: contentDigest(session),
      reason: 'event-refused',
    } as const;
    const remembered = rememberRefusal(j.state, refusal, continuum);
    expect(refusedAs(remembered, session)).toBe('event-refused');
    expect(() => applyEvent(remembered, session, continuum)).toThrow(EventRefusedBefore);
    expect(() => validateEvent(remembered, session, continuum)).toThrow(EventRefusedBefore);
    // The same id with other content is not that event.
    expect(refusedAs(remembered, { ...session, hours: 2 })).toBeUndefined();
  });

  test('an applied event is never turned into a refused one', () => {
    const j = admitTo(continuum, 'iop');
    const session = attended(day(1), 3);
    j.apply(session);
    const refusal = {
      eventId: session.eventId,
      digest: contentDigest(session),
      reason: 'event-refused',
    } as const;
    expect(rememberRefusal(j.state, refusal, continuum)).toBe(j.state);
    expect(refusedAs(j.state, session)).toBeUndefined();
  });

  test('refusals are forgotten with their ids, in the same bounded memory', () => {
    const small = { ...continuum, recentEventIdLimit: 2 };
    const j = admitTo(small, 'iop');
    const refused = attended(day(1), 3);
    j.state = rememberRefusal(
      j.state,
      { eventId: refused.eventId, digest: contentDigest(refused), reason: 'event-refused' },
      small,
    );
    for (const n of [2, 3]) j.apply(attended(day(n), 1));
    expect(j.state.recentEventIds).not.toContain(refused.eventId);
    expect(j.state.refusedEvents).toEqual({});
    expect(refusedAs(j.state, refused)).toBeUndefined();
  });

  test('an event dated before the admission is refused, unless the journey replays older rules', () => {
    const j = admitTo(continuum, 'iop');
    const early = attended(day(-1), 3);
    expect(() => applyEvent(j.state, early, continuum)).toThrow(EventBeforeAdmission);
    // Journeys that replay older rules were recorded before the clinic's clock, with programs without it.
    const {
      timeZone: _zone,
      weekStartsOn: _start,
      correctionWindowDays: _window,
      ...beforeClock
    } = continuum;
    const older = admitTo(beforeClock as typeof continuum, 'iop');
    expect(
      applyEvent(older.state, early, beforeClock as typeof continuum, 'before-refusals').state.recentEventIds,
    ).toContain(early.eventId);
  });
});

describe('effect ids and timers', () => {
  test('effect ids are `${episodeId}:${sequence}`, consecutive, and the sequence lives in state', () => {
    const j = admitTo(continuum, 'iop');
    j.apply(missed(day(1), 'no-show'));
    j.apply(event('relapse-reported', day(2), { withdrawalRisk: true }));
    expect(j.effects.map((e) => e.effectId)).toEqual(j.effects.map((_, i) => `episode-1:${i + 1}`));
    expect(j.state.effectSequence).toBe(j.effects.length);
    for (const effect of j.effects) expect(effectSchema.parse(effect)).toEqual(effect);
  });

  test('a level change cancels the level timers and re-arms them for the new level', () => {
    const j = admitTo(continuum, 'iop');
    const before = j.state.timers.map((t) => t.timerId);
    const effects = j.command(
      command('transition-requested', { targetLevel: 'php', reasonCode: 'needs-more-structure' }),
      day(1),
    );
    expect(
      ofType(effects, 'cancel-timer')
        .map((e) => e.timerId)
        .sort(),
    ).toEqual(before.sort());
    const php = levelPlan(continuum, 'php');
    expect(ofType(effects, 'arm-timer')).toEqual(
      expect.arrayContaining([
        // The clinic's week holding day 1 ends at midnight of the next Monday in Los Angeles.
        expect.objectContaining({ kind: 'weekly-hours-review', fireAt: '2025-01-13T08:00:00.000Z' }),
        expect.objectContaining({
          kind: 'maximum-stay-reached',
          fireAt: addDays(day(1), php.lengthOfStayDays.max),
        }),
      ]),
    );
  });

  test('a stale or unknown timer changes nothing', () => {
    const j = admitTo(continuum, 'iop');
    const stale = {
      timerId: 'weekly-hours-review:2020-01-01T00:00:00.000Z',
      kind: 'weekly-hours-review' as const,
      fireAt: day(7),
      subject: null,
    };
    const decision = onTimer(j.state, stale, continuum, day(8));
    expect(decision).toEqual({ state: j.state, effects: [] });
  });

  test('milestones recorded late, after the minimum-stay timer fired, still complete the plan', () => {
    const j = admitTo(continuum, 'residential');
    const plan = levelPlan(continuum, 'residential');
    j.advanceTo(day(plan.lengthOfStayDays.min + 1));
    for (const { milestoneId } of plan.milestones)
      j.apply(event('milestone-completed', day(1), { milestoneId }));
    expect(j.state.pendingProposals.map((p) => p.action)).toEqual([
      { type: 'level-change', from: 'residential', to: plan.stepsDownTo },
    ]);
  });

  test(`reaching the maximum stay asks for review`, () => {
    const j = admitTo(continuum, 'residential');
    const effects = j.advanceTo(day(levelPlan(continuum, 'residential').lengthOfStayDays.max));
    expect(notified(effects).map((n) => n.code)).toContain('maximum-stay-reached');
  });
});

describe('weekly hours against the level', () => {
  const weekly = levelPlan(continuum, 'iop').weeklyHours!;
  test.each([
    { hours: weekly.floor - 1, report: true, belowFloor: true },
    { hours: weekly.target, report: false, belowFloor: false },
  ])('$hours hours: reported $report, below floor $belowFloor', ({ hours, report, belowFloor }) => {
    const j = admitTo(continuum, 'iop');
    const sessions = levelPlan(continuum, 'iop').sessionsPerWeek!.min;
    for (let i = 0; i < sessions; i++) j.apply(attended(day(0.1 + i), hours / sessions));
    expect(j.state.week.attendedHours).toBeCloseTo(hours);
    const effects = j.advanceTo(day(7));
    expect(ofType(effects, 'weekly-hours-below-target')).toEqual(
      report ? [expect.objectContaining({ belowFloor })] : [],
    );
    expect(j.state.riskFlags.includes('hours-below-floor')).toBe(belowFloor);
    expect(j.state.week).toMatchObject({ start: '2025-01-13T08:00:00.000Z', attendedHours: 0 });
  });

  test('an event after a week ended reviews that week even before its timer fires', () => {
    const j = admitTo(continuum, 'iop');
    const decision = applyEvent(j.state, attended(day(7.5), 3), continuum);
    expect(ofType(decision.effects, 'weekly-hours-below-target')).toHaveLength(1);
    expect(decision.state.week.attendedHours).toBe(3);
  });
});

describe('episode state', () => {
  test('is plain JSON that the schema accepts', () => {
    const j = admitTo(continuum, 'iop');
    j.apply(
      event('authorization-updated', day(0.5), {
        authorizationRef: 'a-1',
        payerLevel: 'iop',
        unit: 'days',
        unitsAuthorized: 10,
        startDate: '2025-01-01',
        endDate: '2025-02-28',
      }),
    );
    j.apply(event('relapse-reported', day(2), { withdrawalRisk: false }));
    expect(JSON.parse(JSON.stringify(j.state))).toEqual(j.state);
    expect(episodeStateSchema.parse(j.state)).toEqual(j.state);
  });

  test('the program must be the episode’s own', () => {
    const j = admitTo(continuum, 'iop');
    expect(() => applyEvent(j.state, attended(day(1), 1), programs['default']!)).toThrow(ProgramMismatch);
  });

  test('after discharge only a readmission matters, and it starts a new episode', () => {
    const j = admitTo(continuum, 'iop');
    j.apply(
      event('discharge-requested', day(1), { kind: 'left-against-advice', reasonCode: 'client-request' }),
    );
    const readmission = admitted(day(30), 'iop');
    expect(startsNewEpisode(j.state, readmission)).toBe(true);
    expect(applyEvent(j.state, readmission, continuum)).toEqual({ state: j.state, effects: [] });
    const next = admit(readmission, continuum, 'episode-2');
    expect(next.state).toMatchObject({ episodeId: 'episode-2', status: 'active', level: 'iop' });
    expect(next.effects.every((e) => e.effectId.startsWith('episode-2:'))).toBe(true);
  });

  test('a second admission while active only tells the coordinator', () => {
    const j = admitTo(continuum, 'iop');
    const effects = j.apply(admitted(day(1), 'php'));
    expect(notified(effects).map((n) => n.code)).toEqual(['already-admitted']);
    expect(j.state.level).toBe('iop');
  });
});

describe('level history', () => {
  test('is appended to with who, when and why, never edited', () => {
    const j = admitTo(continuum, 'iop');
    const snapshots = [j.state.history];
    j.command(
      command('transition-requested', { targetLevel: 'php', reasonCode: 'needs-more-structure' }),
      day(1),
    );
    snapshots.push(j.state.history);
    j.apply(event('relapse-reported', day(2), { withdrawalRisk: true }));
    snapshots.push(j.state.history);
    snapshots.forEach((history, i) => expect(j.state.history.slice(0, history.length)).toEqual(snapshots[i]));
    expect(j.state.history.slice(1)).toEqual([
      expect.objectContaining({
        from: 'iop',
        to: 'php',
        at: day(1),
        reasonCode: 'needs-more-structure',
        rule: 'coordinator-request',
        actor: expect.objectContaining({ role: 'care-coordinator' }),
      }),
      expect.objectContaining({
        from: 'php',
        to: 'detox',
        at: day(2),
        reasonCode: 'withdrawal-risk',
        rule: 'relapse-step-up',
        actor: expect.objectContaining({ role: 'primary-counsellor' }),
      }),
    ]);
  });
});
