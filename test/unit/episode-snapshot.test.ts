import { programs } from '../../programs';
import { snapshotOf } from '../../schemas/episode-snapshot';
import { commandOutcomeSchema } from '../../schemas/journey';
import { admitTo, day } from './pathway/fixtures';

describe("an Update's answer", () => {
  // Twelve weeks of IOP at three sessions a week: the dedup memory, the billed days and the level
  // history grow with every one of them.
  const journey = admitTo(programs['step-down-iop']!);
  journey.attendWeeks(day(1), 12, 3, 3);
  const state = journey.state;

  test('leaves out the parts of the state that grow with the run', () => {
    const snapshot = snapshotOf(state);
    expect(state.recentEventIds.length).toBeGreaterThan(30);
    expect(snapshot).not.toHaveProperty('history');
    expect(snapshot).not.toHaveProperty('recentEventIds');
    expect(snapshot).not.toHaveProperty('recentEventDigests');
    expect(snapshot).not.toHaveProperty('billedServiceDays');
    expect(snapshot).not.toHaveProperty('recentWeeks');
    expect(JSON.stringify(snapshot).length).toBeLessThan(JSON.stringify(state).length / 2);
  });

  test('keeps what a coordinator acts on: level, status, risk, this week, proposals, timers', () => {
    const { level, levelSince, status, riskLevel, riskFlags, week, pendingProposals, timers } = state;
    expect(snapshotOf(state)).toMatchObject({
      level,
      levelSince,
      status,
      riskLevel,
      riskFlags,
      week,
      pendingProposals,
      timers,
    });
  });

  test("reads an old journey's answer, carrying the whole state, as a new one", () => {
    const old = commandOutcomeSchema.parse({ state, effects: journey.last });
    const compact = commandOutcomeSchema.parse({ state: snapshotOf(state), effects: journey.last });
    expect(old).toEqual(compact);
    expect(snapshotOf(snapshotOf(state))).toEqual(snapshotOf(state));
  });
});
