import fc from 'fast-check';
import { programs } from '../../../programs';
import { MilestoneNotInPlan, admit, applyEvent, onTimer, type Decision } from '../../../pathway';
import { addDays, toMillis } from '../../../pathway/time';
import {
  effectSchema,
  episodeStateSchema,
  levelsOfCare,
  type ClientEvent,
  type Effect,
  type EpisodeState,
  type ProgramDefinition,
} from '../../../schemas';
import { admitted, day } from './fixtures';
import { eligibleIntake, staff } from '../../../testkit/fixtures';

type Body = Omit<ClientEvent, 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'>;

const bodyArbitrary = (program: ProgramDefinition): fc.Arbitrary<Body> => {
  const levels = levelsOfCare.filter((level) => program.levels[level]);
  const milestoneIds = Object.values(program.levels).flatMap((plan) =>
    plan.milestones.map((m) => m.milestoneId),
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('session-attended' as const),
        sessionId: fc.constant('s'),
        kind: fc.constantFrom('group' as const, 'individual' as const),
        hours: fc.integer({ min: 1, max: 4 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('session-missed' as const),
        sessionId: fc.constant('s'),
        kind: fc.constant('group' as const),
        absence: fc.constantFrom('excused' as const, 'unexcused' as const, 'no-show' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('session-scheduled' as const),
        sessionId: fc.constant('s'),
        kind: fc.constantFrom('group' as const, 'family-workshop' as const),
        scheduledFor: fc.constant(day(0)),
        hours: fc.integer({ min: 1, max: 30 }),
        cohortId: fc.constantFrom(null, 'men'),
        guestCount: fc.integer({ min: 0, max: 5 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('milestone-completed' as const),
        milestoneId: fc.constantFrom(...milestoneIds, 'unplanned'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('drug-test-resulted' as const),
        testId: fc.constant('t'),
        result: fc.constantFrom('negative' as const, 'positive' as const, 'dilute' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('relapse-reported' as const), withdrawalRisk: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('assessment-completed' as const),
        recommendedLevel: fc.constantFrom(...levels),
        withdrawalRisk: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('measurement-recorded' as const),
        instrument: fc.constant('PHQ-9' as const),
        score: fc.integer({ min: 0, max: 27 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('authorization-updated' as const),
        authorizationRef: fc.constantFrom('a-1', 'a-2'),
        payerLevel: fc.constantFrom(...levels),
        unit: fc.constantFrom('days' as const, 'sessions' as const),
        unitsAuthorized: fc.integer({ min: 0, max: 20 }),
        startDate: fc.constant('2025-01-01'),
        endDate: fc.constant('2025-06-30'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('discharge-requested' as const),
        kind: fc.constantFrom('completed' as const, 'administrative' as const),
        reasonCode: fc.constant('client-request' as const),
      }),
    },
  );
};

/** Events with increasing occurredAt (gaps of an hour to two weeks, so timers fire in between). */
const eventsArbitrary = (program: ProgramDefinition): fc.Arbitrary<ClientEvent[]> =>
  fc
    .array(fc.tuple(bodyArbitrary(program), fc.integer({ min: 1, max: 24 * 14 })), { maxLength: 40 })
    .map((items) => {
      let hours = 0;
      return items.map(([body, gap], i) => {
        hours += gap;
        return {
          ...body,
          eventId: `e-${i}`,
          clientId: 'client-1',
          occurredAt: addDays(day(0), hours / 24),
          recordedBy: staff.counsellor,
        } as ClientEvent;
      });
    });

const admissions = new Map<string, ReturnType<typeof admitted>>();
/** One admission event per program, so replays start from the very same event. */
const admission = (program: ProgramDefinition) => {
  const existing = admissions.get(program.programId);
  if (existing) return existing;
  const created = admitted(day(0), program.admission.entryLevels[0]!, eligibleIntake);
  admissions.set(program.programId, created);
  return created;
};

interface Run {
  steps: Decision[];
  final: EpisodeState;
  /** Timers handed back to onTimer; a fired timer is consumed without a cancel effect. */
  fired: string[];
}

/** Plays events like the workflow: fires the timers due before each event, then applies it. */
const play = (program: ProgramDefinition, events: readonly ClientEvent[]): Run => {
  const start = admit(admission(program), program, 'episode-p');
  const steps: Decision[] = [start];
  const fired: string[] = [];
  let state = start.state;
  const take = (decision: Decision) => {
    steps.push(decision);
    state = decision.state;
  };
  for (const event of events) {
    for (;;) {
      const due = state.timers
        .filter((t) => toMillis(t.fireAt) < toMillis(event.occurredAt))
        .sort((a, b) => toMillis(a.fireAt) - toMillis(b.fireAt))[0];
      if (!due) break;
      fired.push(due.timerId);
      take(onTimer(state, due, program, due.fireAt));
    }
    try {
      take(applyEvent(state, event, program));
    } catch (error) {
      // The workflow refuses such an event and keeps its state, as here.
      if (!(error instanceof MilestoneNotInPlan)) throw error;
    }
  }
  return { steps, final: state, fired };
};

const armedFromEffects = (effects: readonly Effect[], fired: readonly string[]): string[] => {
  const armed = new Set<string>();
  for (const effect of effects) {
    if (effect.type === 'arm-timer') armed.add(effect.timerId);
    if (effect.type === 'cancel-timer') armed.delete(effect.timerId);
  }
  return [...armed].filter((id) => !fired.includes(id)).sort();
};

describe.each(Object.values(programs))('invariants for any events, program $programId', (program) => {
  const runs = { numRuns: 50 };

  test('the level is one of the six, history only grows, hours and units never go negative, state stays valid JSON', () => {
    fc.assert(
      fc.property(eventsArbitrary(program), (events) => {
        const { steps } = play(program, events);
        let previous: EpisodeState | null = null;
        for (const { state, effects } of steps) {
          expect(levelsOfCare).toContain(state.level);
          expect(episodeStateSchema.parse(state)).toEqual(state);
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
          expect(state.week.attendedHours).toBeGreaterThanOrEqual(0);
          for (const a of state.authorizations) expect(a.remainingUnits).toBeGreaterThanOrEqual(0);
          for (const effect of effects) effectSchema.parse(effect);
          if (previous) expect(state.history.slice(0, previous.history.length)).toEqual(previous.history);
          previous = state;
        }
      }),
      runs,
    );
  });

  test('effect ids are unique and sequential, and the armed timers match the arm/cancel effects', () => {
    fc.assert(
      fc.property(eventsArbitrary(program), (events) => {
        const { steps, final, fired } = play(program, events);
        const effects = steps.flatMap((s) => s.effects);
        expect(effects.map((e) => e.effectId)).toEqual(effects.map((_, i) => `episode-p:${i + 1}`));
        expect(armedFromEffects(effects, fired)).toEqual(final.timers.map((t) => t.timerId).sort());
      }),
      runs,
    );
  });

  test('nothing happens after discharge', () => {
    fc.assert(
      fc.property(eventsArbitrary(program), (events) => {
        const { steps } = play(program, events);
        const ended = steps.findIndex((s) => s.state.status === 'discharged');
        if (ended < 0) return;
        const discharged = steps[ended]!.state;
        expect(discharged.timers).toEqual([]);
        for (const later of steps.slice(ended + 1)) {
          expect(later.state).toBe(discharged);
          expect(later.effects).toEqual([]);
        }
      }),
      runs,
    );
  });

  test('the same events give the same result, and delivering every event twice changes nothing', () => {
    fc.assert(
      fc.property(eventsArbitrary(program), (events) => {
        const once = play(program, events);
        expect(play(program, events)).toEqual(once);
        const twice = play(
          program,
          events.flatMap((e) => [e, e]),
        );
        expect(twice.final).toEqual(once.final);
        expect(twice.steps.flatMap((s) => s.effects)).toEqual(once.steps.flatMap((s) => s.effects));
      }),
      runs,
    );
  });
});
