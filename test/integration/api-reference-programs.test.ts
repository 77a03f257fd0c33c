import { getProgram } from '../../programs';
import type { LevelOfCare, ProgramDefinition } from '../../schemas';
import { apiOnTimeSkipping, staff, uniqueClientId, type Answer, type StaffName } from './api-harness';
import { adultIntake, entryIntake, referencePrograms } from '../../testkit/fixtures';
import { ladder, walkHappyPath, type ClientEventBody, type HappyPathJourney } from '../../testkit/happy-path';
import { advanceClock } from '../../testkit/time-skipping';

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

class ApiJourney implements HappyPathJourney {
  readonly clientId = uniqueClientId('api-journey');

  constructor(readonly program: ProgramDefinition) {}

  async now(): Promise<string> {
    return new Date(await api.env.currentTimeMs()).toISOString();
  }

  advanceTo(instant: string): Promise<void> {
    return advanceClock(api.env, instant);
  }

  async admit(level: LevelOfCare): Promise<void> {
    await expectStatus(
      api.call('POST', `/v1/clients/${this.clientId}/episodes`, {
        as: 'coordinator',
        body: {
          occurredAt: await this.now(),
          programId: this.program.programId,
          intake: entryIntake(level),
          recommendedLevel: level,
        },
      }),
      201,
    );
  }

  async recordAt(occurredAt: string, event: ClientEventBody, as: StaffName = 'counsellor'): Promise<void> {
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

  async approve(proposalId: string): Promise<void> {
    await expectStatus(
      api.call('POST', `/v1/clients/${this.clientId}/proposals/${proposalId}/approve`, { as: 'coordinator' }),
      200,
    );
  }
}

test.each(referencePrograms)('%s: admitted, progressed and completed through the API', async (programId) => {
  const program = getProgram(programId);
  const entry = program.admission.entryLevels[0]!;
  const journey = new ApiJourney(program);
  await journey.admit(entry);

  await walkHappyPath(journey);

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

test('admissions as the sources describe them: co-occurring care per program, moderate first entries to C', async () => {
  const admit = (programId: string, intake: Record<string, unknown>) =>
    api.call('POST', `/v1/clients/${uniqueClientId('api-admission')}/episodes`, {
      as: 'coordinator',
      body: { programId, intake: adultIntake(intake), recommendedLevel: 'iop' },
    });
  const firstEntry = { steppingDownFrom: null };
  // A-step-down-iop.txt: dual-diagnosis inpatient care first, then IOP.
  const refused = await admit('step-down-iop', {
    ...firstEntry,
    coOccurringMentalIllness: true,
    standAloneIndications: ['obligations-rule-out-residential'],
  });
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ reason: 'co-occurring-mental-illness', referTo: 'residential' });
  const stabilised = await admit('step-down-iop', {
    coOccurringMentalIllness: true,
    steppingDownFrom: 'residential',
  });
  expect(stabilised.status).toBe(201);
  for (const programId of [
    'milestone-tapered-iop',
    'flexible-intensity-iop',
    'holistic-iop',
    'full-continuum',
  ])
    expect((await admit(programId, { coOccurringMentalIllness: true })).status).toBe(201);
  // C-flexible-intensity-iop.txt: IOP serves moderate substance problems as a first entry.
  const moderate = await admit('flexible-intensity-iop', {
    ...firstEntry,
    standAloneIndications: ['mild-or-moderate-situational'],
  });
  expect(moderate.status).toBe(201);
  // C: up to 25 h a week.
  const tooMany = await admit('flexible-intensity-iop', { prescribedWeeklyHours: 26 });
  expect(tooMany.status).toBe(422);
  expect(tooMany.body).toMatchObject({ reason: 'prescribed-hours-out-of-range', accepted: ['9', '25'] });
});
