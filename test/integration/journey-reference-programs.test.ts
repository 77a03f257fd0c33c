import { getProgram } from '../../programs';
import { referencePrograms } from '../../testkit/fixtures';
import { ladder, walkHappyPath } from '../../testkit/happy-path';
import { WorkflowJourney } from '../../testkit/journey-driver';
import { journeyHarness, saveHistoryFixture } from './journey-harness';

describe('each reference program, admission to the end, as a Temporal workflow on the time-skipping server', () => {
  let harness: Awaited<ReturnType<typeof journeyHarness>>;
  beforeAll(async () => (harness = await journeyHarness()));
  afterAll(() => harness.close());

  test.each(referencePrograms)('%s', async (programId) => {
    const program = getProgram(programId);
    const entry = program.admission.entryLevels[0]!;
    const journey = new WorkflowJourney(harness.env, harness.journeys, program);
    await journey.admit(entry);

    await walkHappyPath(journey);

    const state = await journey.state();
    expect(state.status).toBe('discharged');
    expect(state.discharge?.kind).toBe('completed');
    expect(state.history.map((entry) => entry.to)).toEqual(ladder(program, entry));
    expect(await harness.journeys.history(journey.clientId)).toEqual(state.history);

    const effects = harness.publisher.effectsOf(journey.clientId);
    const levelChanges = effects.filter((e) => e.type === 'level-changed');
    expect(levelChanges.map((e) => e.type === 'level-changed' && e.to)).toEqual(
      ladder(program, entry).slice(1),
    );
    expect(effects.filter((e) => e.type === 'episode-ended')).toHaveLength(1);
    expect(new Set(effects.map((e) => e.effectId)).size).toBe(effects.length);
    expect(effects.every((e) => e.effectId.startsWith(`${state.episodeId}:`))).toBe(true);
    await saveHistoryFixture(journey.handle(), `reference-${programId}`);
  });
});
