import { addDays } from '../../pathway/time';
import { getProgram } from '../../programs';
import { WorkflowJourney } from '../../testkit/journey-driver';
import { journeyHarness } from './journey-harness';

/** The week logic inside the workflow, on the time-skipping server, when a date is mistyped far ahead. */

let harness: Awaited<ReturnType<typeof journeyHarness>>;
beforeAll(async () => (harness = await journeyHarness()));
afterAll(() => harness.close());

test('a session dated a year ahead reviews the weeks it skips once, not once a week', async () => {
  const journey = new WorkflowJourney(harness.env, harness.journeys, getProgram('step-down-iop'));
  const admission = await journey.admit('iop');
  // Recorded now, without moving the clock: the date alone claims a year has passed.
  const typo = journey.event('session-attended', addDays(admission.occurredAt, 365), {
    sessionId: 'typo',
    kind: 'group',
    hours: 3,
  });
  const outcome = await harness.journeys.recordEventAndWait(typo);
  const reviews = outcome.effects.filter((e) => e.type === 'weekly-hours-below-target');
  expect(reviews).toHaveLength(1);
  expect(reviews[0]).toMatchObject({ weekStart: admission.occurredAt, attendedHours: 0 });
  expect((reviews[0] as { weekCount: number }).weekCount).toBeGreaterThanOrEqual(52);
  expect(outcome.effects.length).toBeLessThan(10);
  expect((await harness.journeys.state(journey.clientId)).recentWeeks!.length).toBeLessThanOrEqual(3);
  const weeks = await harness.journeys.weeks(journey.clientId);
  expect(weeks.weeks.at(-1)).toMatchObject({ status: 'current', attendedHours: 3 });
});
