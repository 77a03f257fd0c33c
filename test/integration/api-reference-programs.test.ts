import { levelPlan } from '../../pathway/plan';
import { addDays } from '../../pathway/time';
import { getProgram } from '../../programs';
import type { LevelOfCare, ProgramDefinition } from '../../schemas';
import { apiOnTimeSkipping, staff, uniqueClientId, type Answer, type StaffName } from './api-harness';
import { adultIntake, ladder } from './journey-driver';

/**
 * Each reference program's happy path driven through the HTTP API only, on a time-skipping server:
 * the test moves the clock to each event's instant (as months pass) and does everything else as
 * coordinators and counsellors would, with their tokens.
 */

// A server per program: a journey's clock jumps would otherwise move every other journey's too.
let api: Awaited<ReturnType<typeof apiOnTimeSkipping>>;
beforeEach(async () => (api = await apiOnTimeSkipping()));
afterEach(() => api.close());

async function expectStatus(answer: Promise<Answer>, status: number): Promise<Answer> {
  const settled = await answer;
  expect({ status: settled.status, body: settled.body }).toEqual({ status, body: expect.anything() });
  return settled;
}

class ApiJourney {
  readonly clientId = uniqueClientId('api-journey');

  constructor(readonly program: ProgramDefinition) {}

  async now(): Promise<string> {
    return new Date(await api.env.currentTimeMs()).toISOString();
  }

  async advanceTo(instant: string): Promise<void> {
    const delta = Date.parse(instant) - (await api.env.currentTimeMs());
    if (delta > 0) await api.env.sleep(delta);
  }

  async admit(level: LevelOfCare, withdrawalRisk: boolean): Promise<void> {
    await expectStatus(
      api.call('POST', `/v1/clients/${this.clientId}/episodes`, {
        as: 'coordinator',
        body: {
          occurredAt: await this.now(),
          programId: this.program.programId,
          intake: adultIntake(withdrawalRisk ? { withdrawalRisk, steppingDownFrom: null } : {}),
          recommendedLevel: level,
        },
      }),
      201,
    );
  }

  async record(
    occurredAt: string,
    event: Record<string, unknown>,
    as: StaffName = 'counsellor',
  ): Promise<void> {
    await this.advanceTo(occurredAt);
    await expectStatus(
      api.call('POST', `/v1/clients/${this.clientId}/events?wait=true`, {
        as,
        body: { occurredAt, ...event },
      }),
      200,
    );
  }

  async state() {
    return (await expectStatus(api.call('GET', `/v1/clients/${this.clientId}`, { as: 'viewer' }), 200)).body;
  }

  /** The level's weekly hours for its minimum stay, its milestones, then the proposed step-down approved. */
  async completeLevel(): Promise<void> {
    const state = await this.state();
    const plan = levelPlan(this.program, state.level);
    const since: string = state.levelSince;
    if (plan.weeklyHours) {
      const sessions = Math.max(1, plan.sessionsPerWeek?.min ?? 1);
      for (let week = 0; week < Math.ceil(plan.lengthOfStayDays.min / 7); week++)
        for (let session = 0; session < sessions; session++) {
          const at = addDays(since, week * 7 + session + 0.25);
          await this.record(at, {
            type: 'session-attended',
            sessionId: `session-${Date.parse(at)}`,
            kind: 'group',
            hours: plan.weeklyHours.target / sessions,
          });
        }
    }
    const milestonesAt = addDays(since, 1);
    if (state.riskFlags.includes('withdrawal-risk'))
      await this.record(milestonesAt, {
        type: 'assessment-completed',
        recommendedLevel: state.level,
        withdrawalRisk: false,
      });
    for (const { milestoneId } of plan.milestones)
      await this.record(milestonesAt, { type: 'milestone-completed', milestoneId });
    await this.advanceTo(addDays(since, plan.lengthOfStayDays.min + 0.1));
    for (const proposal of (await this.state()).pendingProposals)
      await expectStatus(
        api.call('POST', `/v1/clients/${this.clientId}/proposals/${proposal.proposalId}/approve`, {
          as: 'coordinator',
        }),
        200,
      );
  }

  async completeAftercare(): Promise<void> {
    const aftercare = this.program.aftercare;
    if (!aftercare) throw new Error(`program ${this.program.programId} has no aftercare`);
    const since: string = (await this.state()).levelSince;
    for (let day = 1; day < aftercare.durationDays; day += aftercare.checkInIntervalDays) {
      const at = addDays(since, day);
      await this.record(at, {
        type: 'session-attended',
        sessionId: `check-in-${day}`,
        kind: 'check-in',
        hours: 1,
      });
    }
    await this.advanceTo(addDays(since, aftercare.durationDays + 0.1));
  }
}

test.each([
  'step-down-iop',
  'milestone-tapered-iop',
  'flexible-intensity-iop',
  'holistic-iop',
  'full-continuum',
])('%s: admitted, progressed and completed through the API', async (programId) => {
  const program = getProgram(programId);
  const entry = program.admission.entryLevels[0]!;
  const journey = new ApiJourney(program);
  await journey.admit(entry, entry === 'detox');

  for (let level = 0; level < 10 && (await journey.state()).status === 'active'; level++) {
    if ((await journey.state()).level === 'aftercare') await journey.completeAftercare();
    else await journey.completeLevel();
  }

  const state = await journey.state();
  expect(state.status).toBe('discharged');
  expect(state.discharge.kind).toBe('completed');
  const history = await expectStatus(
    api.call('GET', `/v1/clients/${journey.clientId}/history`, { as: 'viewer' }),
    200,
  );
  expect(history.body.history.map((entry: { to: LevelOfCare }) => entry.to)).toEqual(ladder(program, entry));
  expect(history.body.history[0].actor).toEqual({
    staffId: staff.coordinator.staffId,
    role: 'care-coordinator',
  });
  // Every change was made by the engine or by the staff member whose token asked for it.
  const actors = new Set(history.body.history.map((e: { actor: { staffId: string } }) => e.actor.staffId));
  for (const actor of actors)
    expect([staff.coordinator.staffId, staff.counsellor.staffId, 'carepath-engine']).toContain(actor);
});
