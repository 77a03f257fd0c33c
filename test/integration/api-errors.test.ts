import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inboundIdentifierMaxLength } from '../../schemas';
import { BridgeMonitor } from '../../workers/inbound/monitor';
import { adultIntake } from '../../testkit/fixtures';
import { apiOnDevServer, serveApi, uniqueClientId, type Answer } from './api-harness';

/**
 * What callers get wrong, and retries: every refusal is a 4xx problem+json that says why and what
 * to do, never a 5xx; a repeated Idempotency-Key returns the first answer and changes nothing.
 */

let api: Awaited<ReturnType<typeof apiOnDevServer>>;
beforeAll(async () => (api = await apiOnDevServer()));
afterAll(() => api.close());

const admission = (overrides: Record<string, unknown> = {}) => ({
  programId: 'default',
  intake: adultIntake(),
  recommendedLevel: 'iop',
  ...overrides,
});

async function admitted(): Promise<string> {
  const clientId = uniqueClientId('errors');
  const answer = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
    as: 'coordinator',
    body: admission(),
  });
  expect(answer.status).toBe(201);
  return clientId;
}

function expectProblem(answer: Answer, status: number, slug: string) {
  expect({ status: answer.status, type: answer.body?.type }).toEqual({
    status,
    type: `urn:carepath:problem:${slug}`,
  });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body.detail).toEqual(expect.any(String));
}

describe('invalid requests are 400 with the zod issues', () => {
  test('an admission without an intake names the missing field', async () => {
    const answer = await api.call('POST', `/v1/clients/${uniqueClientId('x')}/episodes`, {
      as: 'coordinator',
      body: { programId: 'default', recommendedLevel: 'iop' },
    });
    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.issues).toEqual([expect.objectContaining({ location: 'body', path: ['intake'] })]);
  });

  test('a body that sets the actor itself is refused: the token decides who acts', async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/events`, {
      as: 'coordinator',
      body: {
        type: 'milestone-completed',
        milestoneId: 'plan-signed',
        recordedBy: { staffId: 'someone-else', role: 'care-coordinator' },
      },
    });
    expectProblem(answer, 400, 'invalid-request');
    expect(JSON.stringify(answer.body.issues)).toContain('recordedBy');
  });

  test("a score above the instrument's maximum is refused with the field's path", async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/events`, {
      as: 'coordinator',
      body: { type: 'measurement-recorded', instrument: 'PHQ-9', score: 40 },
    });
    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: ['score'] })]);
  });

  test('an admission sent as an event is refused, pointing at the episodes route', async () => {
    const answer = await api.call('POST', `/v1/clients/${uniqueClientId('x')}/events`, {
      as: 'coordinator',
      body: { type: 'admitted', ...admission() },
    });
    expectProblem(answer, 400, 'invalid-request');
    expect(JSON.stringify(answer.body.issues)).toContain('/episodes');
  });

  test('malformed JSON and a wrong media type', async () => {
    const clientId = await admitted();
    expectProblem(
      await api.call('POST', `/v1/clients/${clientId}/discharge`, { as: 'coordinator', body: '{"kind":' }),
      400,
      'ctp-invalid-json-body',
    );
    const text = await api.call('POST', `/v1/clients/${clientId}/discharge`, {
      as: 'coordinator',
      headers: { 'content-type': 'application/xml' },
      body: '<discharge/>',
    });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('an invalid client id in the path', async () => {
    expectProblem(await api.call('GET', '/v1/clients/has%20space', { as: 'viewer' }), 400, 'invalid-request');
  });
});

describe('unknown clients and closed episodes', () => {
  test.each([
    ['GET', '', undefined],
    ['GET', '/history', undefined],
    ['POST', '/events', { type: 'milestone-completed', milestoneId: 'plan-signed' }],
    ['POST', '/transitions', { targetLevel: 'php', reasonCode: 'needs-more-structure' }],
    ['POST', '/proposals/p-1/approve', undefined],
    ['POST', '/discharge', { kind: 'administrative', reasonCode: 'client-request' }],
  ])('%s %s of a client never admitted is 404', async (method, suffix, body) => {
    const answer = await api.call(method, `/v1/clients/${uniqueClientId('never')}${suffix}`, {
      as: 'coordinator',
      body,
    });
    expectProblem(answer, 404, 'unknown-client');
  });

  test('an event for a discharged client is 409: readmit first', async () => {
    const clientId = await admitted();
    const discharge = await api.call('POST', `/v1/clients/${clientId}/discharge`, {
      as: 'coordinator',
      body: { kind: 'administrative', reasonCode: 'client-request' },
    });
    expect(discharge.status).toBe(200);
    expect(discharge.body.state.status).toBe('discharged');
    const answer = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'coordinator',
      body: { type: 'milestone-completed', milestoneId: 'plan-signed' },
    });
    // Refused by the journey while it hands over its last effects, by Temporal once it has closed.
    expect(answer.status).toBe(409);
    expect(['urn:carepath:problem:episode-not-active', 'urn:carepath:problem:no-open-episode']).toContain(
      answer.body.type,
    );
    expect((await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' })).body.status).toBe(
      'discharged',
    );
  });
});

describe('refusals by the care rules', () => {
  test('a second admission while an episode is open is 409', async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
      as: 'coordinator',
      body: admission(),
    });
    expectProblem(answer, 409, 'episode-already-open');
  });

  test('an admission the program refuses is 422 with the reason and what would be accepted', async () => {
    const answer = await api.call('POST', `/v1/clients/${uniqueClientId('x')}/episodes`, {
      as: 'coordinator',
      body: admission({ programId: 'step-down-iop', recommendedLevel: 'php' }),
    });
    expectProblem(answer, 422, 'admission-refused');
    expect(answer.body).toMatchObject({ reason: 'not-an-entry-level', accepted: ['iop'] });
  });

  test('an unknown program is 422 listing the known ones', async () => {
    const answer = await api.call('POST', `/v1/clients/${uniqueClientId('x')}/episodes`, {
      as: 'coordinator',
      body: admission({ programId: 'no-such-program' }),
    });
    expectProblem(answer, 422, 'unknown-program');
    expect(answer.body.knownProgramIds).toContain('full-continuum');
  });

  test('an admission backdated beyond the program limit is 422 saying to correct the date', async () => {
    const clientId = uniqueClientId('errors');
    const answer = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
      as: 'coordinator',
      body: admission({ occurredAt: '1970-01-01T00:00:00.000Z' }),
    });
    expectProblem(answer, 422, 'admission-refused');
    expect(answer.body).toMatchObject({
      reason: 'backdated-too-far',
      detail: expect.stringMatching(/correct its date/),
    });
  });

  test('an event dated before the admission is 422, an event id reused for other content 409', async () => {
    const clientId = await admitted();
    const record = (body: Record<string, unknown>) =>
      api.call('POST', `/v1/clients/${clientId}/events?wait=true`, { as: 'coordinator', body });
    const session = { type: 'session-attended', eventId: `${clientId}-s-1`, sessionId: 's-1', kind: 'group' };
    const early = await record({
      ...session,
      hours: 3,
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expectProblem(early, 422, 'event-before-admission');
    expect((await record({ ...session, hours: 3 })).status).toBe(200);
    expectProblem(await record({ ...session, hours: 2 }), 409, 'event-id-conflict');
  });

  test('a step-down before the minimum stay is 409 with the allowed targets, and nothing changes', async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/transitions`, {
      as: 'coordinator',
      body: { targetLevel: 'outpatient', reasonCode: 'milestones-met' },
    });
    expectProblem(answer, 409, 'transition-refused');
    expect(answer.body).toMatchObject({
      refusal: 'TransitionRefused',
      reason: 'minimum-stay-not-served',
      allowedTargets: ['detox', 'residential', 'php'],
    });
    expect(
      (await api.call('GET', `/v1/clients/${clientId}/history`, { as: 'viewer' })).body.history,
    ).toHaveLength(1);
  });

  test("a milestone of no plan at the client's level is 422 naming the planned ones, and nothing changes", async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'coordinator',
      body: { type: 'milestone-completed', milestoneId: 'withdrawal-completed' },
    });
    expectProblem(answer, 422, 'milestone-not-in-plan');
    expect(answer.body).toMatchObject({
      refusal: 'MilestoneNotInPlan',
      milestoneId: 'withdrawal-completed',
      level: 'iop',
      plannedMilestoneIds: expect.arrayContaining(['attendance-stable']),
    });
    expect((await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' })).body.milestones).toEqual([]);
  });

  test('a step-down before a typical stay is 409 until it names an override reason', async () => {
    const clientId = uniqueClientId('typical');
    const admittedB = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
      as: 'coordinator',
      body: admission({ programId: 'milestone-tapered-iop' }),
    });
    expect(admittedB.status).toBe(201);
    const request = { targetLevel: 'outpatient', reasonCode: 'milestones-met' };
    const refused = await api.call('POST', `/v1/clients/${clientId}/transitions`, {
      as: 'coordinator',
      body: request,
    });
    expectProblem(refused, 409, 'transition-refused');
    expect(refused.body).toMatchObject({ reason: 'typical-stay-override-needed' });
    const overridden = await api.call('POST', `/v1/clients/${clientId}/transitions`, {
      as: 'coordinator',
      body: { ...request, overrideReasonCode: 'client-request' },
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.state.level).toBe('outpatient');
  });

  test('an unknown proposal is 404 listing the pending ones', async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/proposals/p-404/approve`, {
      as: 'coordinator',
    });
    expectProblem(answer, 404, 'proposal-not-found');
    expect(answer.body.pendingProposalIds).toEqual([]);
  });

  test("a clinician whose clinical role may not decide the proposal gets the rules' 403", async () => {
    const clientId = await admitted();
    const relapse = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'coordinator',
      body: { type: 'relapse-reported', withdrawalRisk: false },
    });
    const proposalId = relapse.body.state.pendingProposals[0].proposalId;
    const answer = await api.call('POST', `/v1/clients/${clientId}/proposals/${proposalId}/approve`, {
      as: 'counsellor',
    });
    expectProblem(answer, 403, 'approval-not-permitted');
    expect(answer.body.allowedRoles).toEqual(['care-coordinator', 'clinical-supervisor']);
  });
});

describe('Idempotency-Key', () => {
  test('a repeated admission returns the first answer', async () => {
    const clientId = uniqueClientId('idem');
    const send = () =>
      api.call('POST', `/v1/clients/${clientId}/episodes`, {
        as: 'coordinator',
        body: admission(),
        headers: { 'idempotency-key': 'admit-1' },
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  });

  test('a repeated transition changes the level once, also when sent concurrently', async () => {
    const clientId = await admitted();
    const send = () =>
      api.call('POST', `/v1/clients/${clientId}/transitions`, {
        as: 'coordinator',
        body: { targetLevel: 'php', reasonCode: 'needs-more-structure' },
        headers: { 'idempotency-key': 'step-up-1' },
      });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const history = await api.call('GET', `/v1/clients/${clientId}/history`, { as: 'viewer' });
    expect(history.body.history.map((e: { to: string }) => e.to)).toEqual(['iop', 'php']);
  });

  test('the id derived from the key makes the journey ignore a repeat that another API process answers', async () => {
    const clientId = await admitted();
    const body = { type: 'session-attended', sessionId: 's-1', kind: 'group', hours: 3 };
    const send = (server: { call: typeof api.call }) =>
      server.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
        as: 'coordinator',
        body,
        headers: { 'idempotency-key': 'attended-1' },
      });
    const first = await send(api);
    expect(first.status).toBe(200);
    const other = await serveApi({ client: api.client, connection: api.connection, journeys: api.journeys });
    try {
      const again = await send(other);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(again.body.state.week.attendedHours).toBe(first.body.state.week.attendedHours);
      expect(again.body.effects).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('the same key for a different request is 422', async () => {
    const clientId = await admitted();
    const send = (reasonCode: string) =>
      api.call('POST', `/v1/clients/${clientId}/discharge`, {
        as: 'coordinator',
        body: { kind: 'administrative', reasonCode },
        headers: { 'idempotency-key': 'discharge-1' },
      });
    expect((await send('client-request')).status).toBe(200);
    expectProblem(await send('no-contact'), 422, 'idempotency-key-reused');
  });
});

describe('the caseload', () => {
  test('filters by level, program, risk and status, a page at a time', async () => {
    const ours = new Set<string>();
    for (let i = 0; i < 3; i++) ours.add(await admitted());
    const listed = new Map<string, { level: string; programId: string; status: string }>();
    for (let attempt = 0; attempt < 50 && [...ours].some((id) => !listed.has(id)); attempt++) {
      listed.clear();
      let cursor: string | null = null;
      do {
        const page: Answer = await api.call(
          'GET',
          `/v1/clients?level=iop&program=default&status=active&risk=low&pageSize=2${cursor ? `&cursor=${cursor}` : ''}`,
          { as: 'viewer' },
        );
        expect(page.status).toBe(200);
        expect(page.body.clients.length).toBeLessThanOrEqual(2);
        for (const row of page.body.clients) {
          expect(listed.has(row.clientId)).toBe(false);
          listed.set(row.clientId, row);
        }
        cursor = page.body.nextCursor;
      } while (cursor);
      await sleep(100);
    }
    for (const id of ours)
      expect(listed.get(id)).toMatchObject({ level: 'iop', programId: 'default', status: 'active' });
    for (const row of listed.values())
      expect(row).toMatchObject({ level: 'iop', programId: 'default', status: 'active' });
  });

  test('an invalid filter or cursor is 400', async () => {
    expectProblem(await api.call('GET', '/v1/clients?level=rehab', { as: 'viewer' }), 400, 'invalid-request');
    expectProblem(
      await api.call('GET', '/v1/clients?cursor=bm90LWEtY3Vyc29y', { as: 'viewer' }),
      400,
      'invalid-cursor',
    );
  });
});

test('metrics label requests by route template, never by client id', async () => {
  const clientId = await admitted();
  const metrics = await api.call('GET', '/metrics', { as: 'viewer' });
  expect(metrics.status).toBe(200);
  expect(metrics.body).toMatch(
    /carepath_api_requests_total\{method="POST",route="\/v1\/clients\/:clientId\/episodes",status="201"\} \d+/,
  );
  expect(metrics.body).not.toContain(clientId);
});

describe('poison at the edges is a 4xx, never a 5xx', () => {
  const longest = (prefix: string) => `${prefix}-${randomUUID()}`.padEnd(inboundIdentifierMaxLength, 'x');
  const inYears = (years: number) => new Date(Date.now() + years * 365 * 86_400_000).toISOString();

  test.each(['constructor', 'hasownproperty', 'valueof'])(
    'an admission to program %s is 422 unknown-program, not a property of every object',
    async (programId) => {
      const answer = await api.call('POST', `/v1/clients/${uniqueClientId('proto')}/episodes`, {
        as: 'coordinator',
        body: admission({ programId }),
      });
      expectProblem(answer, 422, 'unknown-program');
    },
  );

  test('__proto__ as a program, as a client id or as a body member is 400', async () => {
    const asProgram = await api.call('POST', `/v1/clients/${uniqueClientId('proto')}/episodes`, {
      as: 'coordinator',
      body: admission({ programId: '__proto__' }),
    });
    expectProblem(asProgram, 400, 'invalid-request');
    expectProblem(await api.call('GET', '/v1/clients/__proto__', { as: 'viewer' }), 400, 'invalid-request');
    const asMember = await api.call('POST', `/v1/clients/${uniqueClientId('proto')}/episodes`, {
      as: 'coordinator',
      body: `{"__proto__": {"programId": "default"}, ${JSON.stringify(admission()).slice(1)}`,
    });
    expect(asMember.status).toBe(400);
    expect(asMember.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('ids one over the bound are 400 naming the field, however long; ids at the bound work end to end', async () => {
    for (const tooLong of [`${longest('c')}x`, 'c'.repeat(255), 'c'.repeat(5000)]) {
      const answer = await api.call('GET', `/v1/clients/${tooLong}`, { as: 'viewer' });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const overBound = await api.call('POST', `/v1/clients/${longest('c')}x/episodes`, {
      as: 'coordinator',
      body: admission(),
    });
    expectProblem(overBound, 400, 'invalid-request');
    expect(overBound.body.issues).toEqual([
      expect.objectContaining({ location: 'params', path: ['clientId'] }),
    ]);
    const longEventId = await api.call('POST', `/v1/clients/${uniqueClientId('ids')}/episodes`, {
      as: 'coordinator',
      body: admission({ eventId: `${longest('e')}x` }),
    });
    expectProblem(longEventId, 400, 'invalid-request');
    expect(longEventId.body.issues).toEqual([expect.objectContaining({ path: ['eventId'] })]);

    // The longest client id and admission event id: the episode's derived ids (effects, the
    // proposal, its timer) still fit, and the proposal can be reached and approved by its id.
    const clientId = longest('client');
    const admitted = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
      as: 'coordinator',
      body: admission({ eventId: longest('admission') }),
    });
    expect(admitted.status).toBe(201);
    expect((await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' })).status).toBe(200);
    const longCommandId = await api.call('POST', `/v1/clients/${clientId}/transitions`, {
      as: 'coordinator',
      body: { commandId: `${longest('command')}x`, targetLevel: 'php', reasonCode: 'needs-more-structure' },
    });
    expectProblem(longCommandId, 400, 'invalid-request');
    const relapse = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'counsellor',
      body: { type: 'relapse-reported', withdrawalRisk: false, eventId: longest('relapse') },
    });
    expect(relapse.status).toBe(200);
    const proposalId: string = relapse.body.state.pendingProposals[0].proposalId;
    expect(proposalId.length).toBeGreaterThan(100);
    const approved = await api.call('POST', `/v1/clients/${clientId}/proposals/${proposalId}/approve`, {
      as: 'coordinator',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.state.level).toBe('php');
  });

  test('an array of thousands of elements is 400 with the first problems listed', async () => {
    const answer = await api.call('POST', `/v1/clients/${uniqueClientId('array')}/episodes`, {
      as: 'coordinator',
      body: admission({
        intake: adultIntake({
          standAloneIndications: Array.from({ length: 20_000 }, () => 'not-an-indication') as never,
        }),
      }),
    });
    expectProblem(answer, 400, 'invalid-request');
    expect(answer.body.issues.length).toBeLessThanOrEqual(20);
  });

  test('an event two years ahead of the clock is 422 event-in-future and changes nothing', async () => {
    const clientId = await admitted();
    const answer = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'counsellor',
      body: {
        type: 'session-attended',
        sessionId: 's-future',
        kind: 'group',
        hours: 3,
        occurredAt: inYears(2),
      },
    });
    expectProblem(answer, 422, 'event-in-future');
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: ['occurredAt'] })]);
    const future = await api.call('POST', `/v1/clients/${uniqueClientId('future')}/episodes`, {
      as: 'coordinator',
      body: admission({ occurredAt: inYears(2) }),
    });
    expectProblem(future, 422, 'event-in-future');
    const state = await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' });
    expect(state.body.week.attendedSessions).toBe(0);
    // A sender's clock a little ahead is tolerated.
    const slightlyAhead = new Date(Date.now() + 60_000).toISOString();
    const near = await api.call('POST', `/v1/clients/${clientId}/events`, {
      as: 'counsellor',
      body: { type: 'milestone-completed', milestoneId: 'plan-signed', occurredAt: slightlyAhead },
    });
    expect(near.status).toBe(202);
  });
});

test('/healthz says degraded (still 200) while the bridge retries a message; /metrics carries its counts', async () => {
  const monitor = new BridgeMonitor({ stallMs: 60_000 });
  const withBridge = await serveApi({ ...api, bridge: monitor });
  try {
    expect((await withBridge.call('GET', '/healthz')).body).toMatchObject({
      status: 'ok',
      checks: { bridge: { ok: true } },
    });
    monitor.began(1, '5');
    monitor.retrying(1, '5', 'delivery to Temporal', 'temporal-unavailable', 2);
    monitor.deadLettered('event-in-future');
    const degraded = await withBridge.call('GET', '/healthz');
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({
      status: 'degraded',
      checks: {
        temporal: { ok: true },
        bridge: { ok: false, detail: expect.stringContaining('partition 1 offset 5') },
      },
    });
    const metrics = await withBridge.call('GET', '/metrics', { as: 'viewer' });
    expect(metrics.body).toContain('carepath_bridge_dead_letters_total{reason="event-in-future"} 1');
    expect(metrics.body).toContain('carepath_api_requests_total');
  } finally {
    await withBridge.close();
  }
});

describe('random bodies at every write route never cause a 5xx', () => {
  const writeRoutes = [
    '/episodes',
    '/events',
    '/events?wait=true',
    '/transitions',
    '/proposals/p-1/approve',
    '/proposals/p-1/reject',
    '/discharge',
  ];
  const fieldNames = [
    'type',
    'eventId',
    'occurredAt',
    'programId',
    'intake',
    'recommendedLevel',
    'targetLevel',
    'reasonCode',
    'kind',
    'commandId',
    'sessionId',
    'hours',
    'score',
    'instrument',
    'milestoneId',
  ];
  const bodies = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue()),
    fc.record({
      type: fc.constantFrom(
        'session-attended',
        'measurement-recorded',
        'relapse-reported',
        'discharge-requested',
      ),
      kind: fc.constantFrom('group', 'completed', 'x'),
      hours: fc.oneof(fc.double(), fc.integer()),
      score: fc.integer(),
      targetLevel: fc.constantFrom('detox', 'php', 'outpatient', 'nowhere'),
      reasonCode: fc.constantFrom('relapse', 'needs-more-structure', '', 'free text'),
      occurredAt: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
    }),
    fc.string().map((text) => ({ raw: text })),
  );

  test.each(writeRoutes)('POST %s', async (route) => {
    const clientId = await admitted();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const raw =
          typeof body === 'object' && body !== null && 'raw' in body && Object.keys(body).length === 1;
        const answer = await api.call('POST', `/v1/clients/${clientId}${route}`, {
          as: 'coordinator',
          body: raw ? String((body as { raw: unknown }).raw) || '{' : body,
        });
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400)
          expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: 40 },
    );
  });
});
