import { occurredInFuture } from '../../client/event-time';
import { UnknownProgram, getProgram } from '../../programs';
import {
  boundedClientEventSchema,
  clientEventSchema,
  effectSchema,
  episodeStateSchema,
  identifierMaxLength,
  inboundIdentifierMaxLength,
} from '../../schemas';
import { admitted, day, event, Journey } from './pathway/fixtures';
import { eligibleIntake } from '../../testkit/fixtures';

describe('program lookup', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    '%s is an unknown program, not a property of every object',
    (programId) => {
      expect(() => getProgram(programId)).toThrow(UnknownProgram);
    },
  );
});

describe('ids clients send are bounded so every id derived from them fits', () => {
  const longest = 'e'.repeat(inboundIdentifierMaxLength);

  test('an id over the bound is refused; one at the bound is accepted', () => {
    const attended = event('session-attended', day(1), { sessionId: 's-1', kind: 'group', hours: 3 });
    expect(boundedClientEventSchema.safeParse({ ...attended, eventId: longest }).success).toBe(true);
    for (const field of ['eventId', 'clientId', 'sessionId'])
      expect(
        boundedClientEventSchema.safeParse({ ...attended, [field]: `${longest}x` }).error?.issues,
      ).toEqual([expect.objectContaining({ code: 'too_big', path: [field] })]);
  });

  test('journeys keep accepting the ids they accepted before the bound, so old episodes replay as they ran', () => {
    const attended = event('session-attended', day(1), {
      sessionId: 's'.repeat(200),
      kind: 'group',
      hours: 3,
    });
    expect(clientEventSchema.safeParse(attended).success).toBe(true);
    expect(boundedClientEventSchema.safeParse(attended).success).toBe(false);
  });

  test('an episode admitted with the longest event id keeps every effect, proposal and timer id an identifier', () => {
    // The default program proposes the relapse step-up for approval: a proposal id, and a timer named after it.
    const journey = new Journey(getProgram('default')).admit(
      { ...admitted(day(0), 'iop', eligibleIntake), eventId: longest },
      `ep-${longest}`,
    );
    // Long journeys number their effects far beyond what a test reaches.
    journey.state = { ...journey.state, effectSequence: 9_999_999_999 };
    journey.apply(event('relapse-reported', day(1), { withdrawalRisk: false }));
    journey.apply(
      event('authorization-updated', day(2), {
        authorizationRef: 'a'.repeat(inboundIdentifierMaxLength),
        payerLevel: 'iop',
        unit: 'days',
        unitsAuthorized: 30,
        startDate: day(2).slice(0, 10),
        endDate: day(40).slice(0, 10),
      }),
    );
    journey.advanceTo(day(60));

    expect(journey.state.pendingProposals.length + journey.state.timers.length).toBeGreaterThan(1);
    expect(episodeStateSchema.safeParse(journey.state).error?.issues).toBeUndefined();
    for (const effect of journey.effects)
      expect(effectSchema.safeParse(effect).error?.issues).toBeUndefined();
    const ids = [
      ...journey.effects.map((e) => e.effectId),
      ...journey.state.timers.map((t) => t.timerId),
      ...journey.state.pendingProposals.map((p) => p.proposalId),
    ];
    expect(Math.max(...ids.map((id) => id.length))).toBeLessThanOrEqual(identifierMaxLength);
  });

  test('an intake listing more stand-alone indications than there are is refused', () => {
    const admission = admitted(day(0), 'iop', eligibleIntake);
    const indications = Array.from({ length: 10_000 }, () => 'prior-sobriety-recent-relapse');
    expect(
      boundedClientEventSchema.safeParse({
        ...admission,
        intake: { ...admission.intake, standAloneIndications: indications },
      }).success,
    ).toBe(false);
  });
});

describe('event time at the edges', () => {
  const now = Date.parse('2026-03-02T10:00:00.000Z');

  test('an event up to the allowed skew ahead of the clock is accepted; further ahead it is in the future', () => {
    expect(occurredInFuture('2026-03-02T10:05:00.000Z', now, 300)).toBe(false);
    expect(occurredInFuture('2026-03-02T10:05:00.001Z', now, 300)).toBe(true);
    expect(occurredInFuture('2028-03-02T10:00:00.000Z', now, 300)).toBe(true);
    expect(occurredInFuture('2024-03-02T10:00:00.000Z', now, 300)).toBe(false);
  });
});
