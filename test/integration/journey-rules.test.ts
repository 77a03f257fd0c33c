import { EpisodeAlreadyOpen, RequestRefused } from '../../client/errors';
import { addDays } from '../../pathway/time';
import { getProgram } from '../../programs';
import type { ClientEvent, Effect } from '../../schemas';
import { staff } from '../../testkit/fixtures';
import { WorkflowJourney } from '../../testkit/journey-driver';
import { journeyHarness, saveHistoryFixture } from './journey-harness';

const continuum = getProgram('full-continuum');
const stepDown = getProgram('step-down-iop');

const notifications = (effects: Effect[]) =>
  effects.flatMap((e) =>
    e.type === 'staff-notification' ? [{ code: e.code, recipientRole: e.recipientRole }] : [],
  );

describe('journey rules on the time-skipping server', () => {
  let harness: Awaited<ReturnType<typeof journeyHarness>>;
  beforeAll(async () => (harness = await journeyHarness({ continueAsNewAfter: 25 })));
  afterAll(() => harness.close());
  const journey = (program = continuum) => new WorkflowJourney(harness.env, harness.journeys, program);

  test('relapse steps up one level, or to detox when withdrawal is a risk', async () => {
    const withRisk = journey();
    await withRisk.admit('iop');
    await withRisk.record(withRisk.event('relapse-reported', await withRisk.now(), { withdrawalRisk: true }));
    expect((await withRisk.state()).level).toBe('detox');

    const withoutRisk = journey();
    await withoutRisk.admit('iop');
    await withoutRisk.record(
      withoutRisk.event('relapse-reported', await withoutRisk.now(), { withdrawalRisk: false }),
    );
    const state = await withoutRisk.state();
    expect(state.level).toBe('php');
    expect(state.history.at(-1)).toMatchObject({ from: 'iop', to: 'php', rule: 'relapse-step-up' });
  });

  test('missed sessions: each notifies, two in a row alert the case manager, three call for a review', async () => {
    const j = journey();
    await j.admit('iop');
    const { consecutive } = continuum.missedSessions.clinicalReview;
    const start = await j.now();
    for (let n = 1; n <= consecutive; n++) {
      const at = addDays(start, n);
      await j.record(
        j.event('session-missed', at, { sessionId: `s-${n}`, kind: 'group', absence: 'unexcused' }),
      );
    }
    const effects = await harness.publisher.effectsWhen(
      j.clientId,
      (sent) => notifications(sent).filter((n) => n.code === 'missed-session').length >= consecutive,
    );
    const codes = notifications(effects).map((n) => n.code);
    expect(codes.filter((c) => c === 'missed-session')).toHaveLength(consecutive);
    expect(codes).toContain('consecutive-missed-sessions');
    const state = await j.state();
    expect(state.pendingProposals.map((p) => [p.rule, p.action])).toEqual([
      ['missed-sessions-review', { type: 'level-change', from: 'iop', to: 'php' }],
    ]);
  });

  test('no contact: a lost-to-follow-up discharge is proposed, escalated past its deadline, then approved', async () => {
    const j = journey(stepDown);
    await j.admit('iop');
    const { days } = stepDown.noContact;
    await j.advanceTo(addDays(await j.now(), days + 0.1));
    const [proposal] = (await j.state()).pendingProposals;
    expect(proposal).toMatchObject({
      rule: 'no-contact-discharge',
      action: { type: 'discharge', kind: 'lost-to-follow-up' },
    });

    await j.advanceTo(addDays(proposal!.deadline, 0.1));
    expect((await j.state()).pendingProposals[0]?.escalated).toBe(true);
    const escalation = await harness.publisher.effectsWhen(j.clientId, (sent) =>
      notifications(sent).some((n) => n.code === 'approval-overdue'),
    );
    expect(notifications(escalation)).toContainEqual({
      code: 'approval-overdue',
      recipientRole: proposal!.escalateTo,
    });

    await harness.journeys.approveProposal(
      j.clientId,
      j.command('transition-approved', { proposalId: proposal!.proposalId }, staff.supervisor),
    );
    const state = await j.state();
    expect(state.status).toBe('discharged');
    expect(state.discharge).toMatchObject({ kind: 'lost-to-follow-up', rule: 'no-contact-discharge' });
    await saveHistoryFixture(j.handle(), 'no-contact-escalated-then-approved');
  });

  test('a proposal that is rejected leaves the level as it was', async () => {
    const j = journey();
    await j.admit('iop');
    for (let n = 1; n <= continuum.missedSessions.clinicalReview.consecutive; n++)
      await j.record(
        j.event('session-missed', addDays(await j.now(), 1), {
          sessionId: `s-${n}`,
          kind: 'group',
          absence: 'unexcused',
        }),
      );
    const [proposal] = (await j.state()).pendingProposals;
    const outcome = await harness.journeys.rejectProposal(
      j.clientId,
      j.command('transition-rejected', {
        proposalId: proposal!.proposalId,
        reasonCode: 'clinical-judgement',
      }),
    );
    expect(outcome.state.level).toBe('iop');
    expect(outcome.state.pendingProposals).toEqual([]);
    expect(outcome.effects).toContainEqual(
      expect.objectContaining({ type: 'proposal-decided', decision: 'rejected' }),
    );
  });

  test('an invalid transition is refused with the allowed targets, before it touches history', async () => {
    const j = journey(stepDown);
    await j.admit('iop');
    const handle = j.handle();
    const refusal = await harness.journeys
      .requestTransition(
        j.clientId,
        j.command('transition-requested', { targetLevel: 'detox', reasonCode: 'clinical-judgement' }),
      )
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RequestRefused);
    expect(refusal).toMatchObject({ type: 'TransitionRefused', details: { allowedTargets: ['outpatient'] } });
    expect((refusal as Error).message).toMatch(/refused/);
    const updatesInHistory = (await handle.fetchHistory()).events?.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    );
    expect(updatesInHistory).toEqual([]);

    const malformed = await harness.journeys
      .requestTransition(j.clientId, {
        ...j.command('transition-requested', { targetLevel: 'outpatient', reasonCode: 'clinical-judgement' }),
        targetLevel: 'spa',
      } as never)
      .catch((error: unknown) => error);
    expect(malformed).toMatchObject({ type: 'InvalidInput' });
  });

  test('discharge against advice, then readmission as a new episode of the same client', async () => {
    const j = journey(stepDown);
    const first = await j.admit('iop');
    await j.record(
      j.event('session-attended', addDays(await j.now(), 1), { sessionId: 's1', kind: 'group', hours: 3 }),
    );
    await expect(j.admit('iop')).rejects.toBeInstanceOf(EpisodeAlreadyOpen);
    const discharged = await harness.journeys.discharge(
      j.clientId,
      j.command('discharge', { kind: 'left-against-advice', reasonCode: 'client-declined' }),
    );
    expect(discharged.state.discharge?.kind).toBe('left-against-advice');
    const handle = j.handle();
    const firstRun = (await handle.describe()).runId;
    await handle.result();

    await j.advanceTo(addDays(await j.now(), 14));
    const second = await j.admit('iop');
    const readmitted = await j.state();
    expect(readmitted.status).toBe('active');
    expect(discharged.state.episodeId).toBe(`ep-${first.eventId}`);
    expect(readmitted.episodeId).toBe(`ep-${second.eventId}`);
    expect(readmitted.history).toHaveLength(1);
    expect((await handle.describe()).runId).not.toBe(firstRun);
  });

  test('every event delivered twice gives the same state as once', async () => {
    const once = journey(stepDown);
    const twice = journey(stepDown);
    const start = await once.now();
    await once.admit('iop', {}, start);
    await twice.admit('iop', {}, start);
    const lastDelivered: ClientEvent[] = [];
    for (let n = 0; n < 6; n++) {
      const at = addDays(start, n + 0.5);
      const body = { sessionId: `s-${n}`, kind: 'group' as const, hours: 3 };
      const a = once.event('session-attended', at, body);
      const b = {
        ...twice.event('session-attended', at, body),
        eventId: a.eventId.replace(once.clientId, twice.clientId),
      };
      await once.advanceTo(at);
      await harness.journeys.recordEvent(a);
      await harness.journeys.recordEvent(b);
      await harness.journeys.recordEvent(b);
      lastDelivered.splice(0, 2, a, b);
    }
    // Once more through an Update, which the workflow handles after every signal before it.
    for (const event of lastDelivered)
      expect((await harness.journeys.recordEventAndWait(event)).effects).toEqual([]);
    const strip = async (j: WorkflowJourney) => {
      const { clientId, episodeId, recentEventIds, recentEventDigests, ...rest } = await j.state();
      // Ids (and so digests of the events, which name the client) differ; how many were remembered may not.
      return {
        ...rest,
        recentEventIds: recentEventIds.length,
        recentEventDigests: Object.keys(recentEventDigests ?? {}).length,
      };
    };
    expect(await strip(twice)).toEqual(await strip(once));
  });

  test('continue-as-new mid-journey keeps the state, its timers and the effect id sequence', async () => {
    const j = journey(stepDown);
    await j.admit('iop');
    const handle = j.handle();
    const firstRun = (await handle.describe()).runId;
    const start = await j.now();
    for (let n = 0; n < 30; n++)
      await j.record(
        j.event('session-attended', addDays(start, n * 2 + 0.5), {
          sessionId: `s-${n}`,
          kind: 'group',
          hours: 3,
        }),
      );
    const description = await handle.describe();
    expect(description.runId).not.toBe(firstRun);
    const state = await j.state();
    expect(state.level).toBe('iop');
    expect(state.timers.length).toBeGreaterThan(0);
    const ids = harness.publisher.effectsOf(j.clientId).map((e) => Number(e.effectId.split(':').at(-1)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeLessThanOrEqual(state.effectSequence);
    await j.advanceTo(addDays(await j.now(), 7));
    expect((await j.state()).effectSequence).toBeGreaterThan(state.effectSequence);
    await saveHistoryFixture(j.handle(), 'after-continue-as-new');
  });

  test('coordinator approvals are recorded with the approving staff id', async () => {
    const j = journey();
    await j.admit('iop');
    const outcome = await harness.journeys.requestTransition(
      j.clientId,
      j.command('transition-requested', { targetLevel: 'php', reasonCode: 'needs-more-structure' }),
    );
    expect(outcome.state.level).toBe('php');
    expect((await harness.journeys.history(j.clientId)).at(-1)).toMatchObject({
      from: 'iop',
      to: 'php',
      actor: staff.coordinator,
      rule: 'coordinator-request',
    });
  });
});
