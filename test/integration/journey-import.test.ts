import { cloudEventsOf } from '../../activities/cloud-events';
import { Journeys } from '../../client/journeys';
import { addDays } from '../../pathway/time';
import { getProgram, ProgramRegistry } from '../../programs';
import type { Effect, ProgramDefinition } from '../../schemas';
import { staff } from '../../testkit/fixtures';
import { WorkflowJourney } from '../../testkit/journey-driver';
import { journeyHarness, saveHistoryFixture } from './journey-harness';

// Program A (step-down IOP): 9 hours a week in three 3-hour sessions, then outpatient.
const v1 = getProgram('step-down-iop');
// A provider's revision: outpatient billed under another service code.
const v2: ProgramDefinition = {
  ...v1,
  version: 2,
  levels: {
    ...v1.levels,
    outpatient: {
      ...v1.levels.outpatient!,
      billing: { ...v1.levels.outpatient!.billing, serviceCode: 'H0005' },
    },
  },
};

const notified = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'staff-notification' ? [e.code] : []));

describe('a client imported mid-journey, on the time-skipping server', () => {
  let harness: Awaited<ReturnType<typeof journeyHarness>>;
  beforeAll(async () => (harness = await journeyHarness()));
  afterAll(() => harness.close());

  test('starts from now without replaying the past, then follows a newer program version when moved', async () => {
    const withVersions = (...programs: ProgramDefinition[]) =>
      new Journeys(
        harness.env.client,
        harness.taskQueue,
        new ProgramRegistry(programs.map((program) => ({ program, file: `v${program.version}` }))),
      );
    const journeys = withVersions(v1);
    const j = new WorkflowJourney(harness.env, journeys, v1);
    const now = await j.now();
    // 160 days into an IOP stay A reviews at 180: the maximum stay falls 20 days after the import.
    const imported = await journeys.importClient({
      importId: `${j.clientId}-import`,
      clientId: j.clientId,
      programId: v1.programId,
      level: 'iop',
      inCareSince: addDays(now, -190),
      levelSince: addDays(now, -160),
      ageYears: 34,
      gender: 'female',
      milestonesMet: ['attendance-stable'],
      sobrietyDate: null,
      authorizations: [
        {
          authorizationRef: 'auth-iop-1',
          payerLevel: 'iop',
          unit: 'days',
          unitsAuthorized: 90,
          remainingUnits: 40,
          startDate: addDays(now, -100).slice(0, 10),
          endDate: addDays(now, 30).slice(0, 10),
        },
      ],
      importedBy: staff.coordinator,
    });
    expect(imported.outcome).toBe('imported');
    expect(await harness.publisher.effectsWhen(j.clientId, (e) => e.length >= 2)).toEqual([
      expect.objectContaining({ type: 'episode-started', level: 'iop' }),
      expect.objectContaining({ type: 'cohort-assigned', cohortId: 'women' }),
    ]);

    // Three weeks of 3 sessions of 3 hours meet the weekly target; the stay's end and the
    // authorization's end come due on their own dates, once each.
    for (let week = 0; week < 3; week += 1)
      for (let session = 0; session < 3; session += 1)
        await j.record(
          j.event('session-attended', addDays(now, week * 7 + session + 1), {
            sessionId: `s-${week}-${session}`,
            kind: 'group',
            hours: 3,
          }),
        );
    await j.advanceTo(addDays(now, 25));
    const effects = await harness.publisher.effectsWhen(j.clientId, (e) =>
      notified(e).includes('authorization-expiring'),
    );
    // Weeks after the import are calendar weeks the sessions above straddle; they are reviewed as usual.
    expect(
      notified(effects)
        .filter((code) => code !== 'weekly-hours-below-target')
        .sort(),
    ).toEqual(['authorization-expiring', 'maximum-stay-reached']);
    // No week from before the import is reviewed.
    expect(effects.filter((e) => e.type === 'weekly-hours-below-target' && e.weekStart < now)).toEqual([]);

    // Version 2 is added to the programs directory; the services restart with it.
    const restarted = withVersions(v1, v2);
    const moved = await restarted.changeProgramVersion(j.clientId, {
      commandId: `${j.clientId}-move`,
      issuedBy: staff.coordinator,
      reasonCode: 'clinical-judgement',
    });
    expect(moved.state.programVersionChanges).toEqual([
      expect.objectContaining({ fromVersion: 1, toVersion: 2, actor: staff.coordinator }),
    ]);

    // The rest of the plan met: the minimum stay was served before the import, so the step-down
    // is proposed at once; approved by someone else, it bills under version 2's codes.
    for (const milestoneId of ['relapse-prevention-plan', 'sober-support-network'])
      await j.record(j.event('milestone-completed', addDays(now, 26), { milestoneId }));
    const { pendingProposals } = await j.state();
    expect(pendingProposals).toEqual([
      expect.objectContaining({ action: expect.objectContaining({ to: 'outpatient' }) }),
    ]);
    await journeys.approveProposal(
      j.clientId,
      j.command(
        'transition-approved',
        { proposalId: pendingProposals[0]!.proposalId },
        staff.secondCoordinator,
      ),
    );
    const batch = harness.publisher.sent.find(
      (b) => b.clientId === j.clientId && b.effects.some((e) => e.type === 'level-changed'),
    );
    const billing = cloudEventsOf('care-events', batch!).find((e) => e.stream === 'billing-events');
    expect(billing?.event.data).toMatchObject({ to: 'outpatient', serviceCode: 'H0005' });
    await saveHistoryFixture(j.handle(), 'imported-then-moved-to-version-2');
  });
});
