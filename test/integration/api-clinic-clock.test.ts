import { getProgram } from '../../programs';
import { apiOnTimeSkipping, uniqueClientId, type Answer } from './api-harness';
import { adultIntake } from '../../testkit/fixtures';
import { advanceClock } from '../../testkit/time-skipping';

/**
 * The clinic's clock end to end, through the HTTP API on a time-skipping server: a Pacific clinic's
 * Friday-evening group, a session the EHR posts after its week was reviewed, one posted too late,
 * and the weeks as coordinators read them, across the spring daylight-saving change.
 */

// Reference program A: IOP is three 3-hour sessions, 9 hours a week (A-step-down-iop.txt).
const program = getProgram('step-down-iop');
const sessionHours = 3;
const weeklyHours = 9;

let api: Awaited<ReturnType<typeof apiOnTimeSkipping>>;
beforeAll(async () => (api = await apiOnTimeSkipping()));
afterAll(() => api.close());

const clientId = uniqueClientId('clinic-clock');

const record = async (occurredAt: string, body: Record<string, unknown>): Promise<Answer> =>
  api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
    as: 'counsellor',
    body: { occurredAt, ...body },
  });

const attendedAt = (occurredAt: string, sessionId: string) =>
  record(occurredAt, { type: 'session-attended', sessionId, kind: 'group', hours: sessionHours });

const effectsOf = (answer: Answer, type: string): Record<string, unknown>[] =>
  (answer.body.effects as { type: string }[]).filter((e) => e.type === type);

test("a Pacific clinic's week: Friday evening is a weekday, late attendance corrects its week, too late is refused", async () => {
  // Monday 2027-03-01, 9 am in Los Angeles.
  await advanceClock(api.env, '2027-03-01T17:00:00.000Z');
  const admitted = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
    as: 'coordinator',
    body: {
      occurredAt: '2027-03-01T17:00:00.000Z',
      programId: program.programId,
      intake: adultIntake(),
      recommendedLevel: 'iop',
    },
  });
  expect(admitted.status).toBe(201);

  await advanceClock(api.env, '2027-03-02T02:00:00.000Z');
  expect((await attendedAt('2027-03-02T02:00:00.000Z', 'monday-group')).status).toBe(200);
  await advanceClock(api.env, '2027-03-04T02:00:00.000Z');
  const cohortId = (await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' })).body.cohortId;
  expect((await attendedAt('2027-03-04T02:00:00.000Z', 'wednesday-group')).status).toBe(200);
  // Friday 6-9 pm Pacific is Saturday 02:00-05:00 UTC: still a weekday session at this clinic.
  const friday = await record('2027-03-04T03:00:00.000Z', {
    type: 'session-scheduled',
    sessionId: 'friday-group',
    kind: 'group',
    scheduledFor: '2027-03-06T02:00:00.000Z',
    hours: sessionHours,
    cohortId,
    guestCount: 0,
  });
  expect(friday.status).toBe(200);
  expect(effectsOf(friday, 'staff-notification').map((n) => n.code)).not.toContain(
    'weekend-session-not-offered',
  );

  // The week is reviewed at midnight Sunday-to-Monday, Pacific, two sessions short.
  await advanceClock(api.env, '2027-03-09T17:00:00.000Z');
  expect((await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' })).body.riskFlags).toContain(
    'hours-below-floor',
  );

  // Tuesday: the EHR posts Friday evening's group.
  const late = await attendedAt('2027-03-06T02:00:00.000Z', 'friday-group');
  expect(late.status).toBe(200);
  expect(effectsOf(late, 'weekly-hours-corrected')).toEqual([
    expect.objectContaining({ attendedHours: weeklyHours, belowFloor: false, belowTarget: false }),
  ]);
  expect(effectsOf(late, 'billing')).toEqual([expect.objectContaining({ serviceDay: '2027-03-05' })]);
  expect(late.body.state.riskFlags).not.toContain('hours-below-floor');

  await advanceClock(api.env, '2027-03-16T17:00:00.000Z');
  const weeks = await api.call('GET', `/v1/clients/${clientId}/weeks`, { as: 'viewer' });
  expect(weeks.status).toBe(200);
  expect(weeks.body).toMatchObject({ timeZone: 'America/Los_Angeles', weekStartsOn: 'monday' });
  expect(weeks.body.weeks).toEqual([
    expect.objectContaining({
      status: 'reviewed',
      start: '2027-03-01T17:00:00.000Z',
      localStart: '2027-03-01T09:00:00-08:00',
      end: '2027-03-08T08:00:00.000Z',
      localEnd: '2027-03-08T00:00:00-08:00',
      attendedHours: weeklyHours,
      attendedSessions: 3,
      targetHours: weeklyHours,
      flags: ['corrected'],
    }),
    // The week the clocks go forward: 167 hours, Monday midnight to Monday midnight.
    expect.objectContaining({
      status: 'reviewed',
      start: '2027-03-08T08:00:00.000Z',
      localStart: '2027-03-08T00:00:00-08:00',
      end: '2027-03-15T07:00:00.000Z',
      localEnd: '2027-03-15T00:00:00-07:00',
      attendedHours: 0,
      flags: ['below-target', 'below-floor'],
    }),
    expect.objectContaining({ status: 'current', localStart: '2027-03-15T00:00:00-07:00' }),
  ]);

  // Three weeks on, that Friday is past the correction window: refused with what to do, not lost.
  await advanceClock(api.env, '2027-03-23T17:00:00.000Z');
  const tooLate = await attendedAt('2027-03-06T03:00:00.000Z', 'friday-individual');
  expect(tooLate.status).toBe(422);
  expect(tooLate.body).toMatchObject({
    type: 'urn:carepath:problem:late-event-refused',
    reason: 'past-correction-window',
    correctionWindowDays: program.correctionWindowDays,
  });
});
