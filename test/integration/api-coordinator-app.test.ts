import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../../cli/main';
import { adultIntake } from '../../testkit/fixtures';
import {
  apiOnDevServer,
  carepathCli,
  serveApi,
  uniqueClientId,
  type Answer,
  type StaffName,
} from './api-harness';

/**
 * What the coordinator app reads and writes, on a real server over the run's Temporal dev server:
 * who am I, the sign-in link, the caseload's derived columns and filters, the approvals queue,
 * transition options, group attendance, and tokens scoped to programs.
 */

let api: Awaited<ReturnType<typeof apiOnDevServer>>;
beforeAll(async () => (api = await apiOnDevServer(undefined, { signIn: true })));
afterAll(() => api.close());

async function admit(programId: 'default' | 'full-continuum', label = 'app'): Promise<string> {
  const clientId = uniqueClientId(label);
  const answer = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
    as: 'coordinator',
    body: { programId, intake: adultIntake(), recommendedLevel: 'iop' },
  });
  expect(answer.status).toBe(201);
  return clientId;
}

/** A relapse reported by `reporter` opens a step-up proposal that awaits a decision. */
async function withProposal(reporter: StaffName): Promise<{ clientId: string; proposalId: string }> {
  const clientId = await admit('default', 'approval');
  const relapse = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
    as: reporter,
    body: { type: 'relapse-reported', withdrawalRisk: false },
  });
  expect(relapse.status).toBe(200);
  const proposalId = relapse.body.state.pendingProposals[0]?.proposalId as string;
  expect(proposalId).toBeDefined();
  return { clientId, proposalId };
}

/** Visibility follows a journey's changes shortly after: ask again until `done` holds. */
async function eventually(ask: () => Promise<Answer>, done: (answer: Answer) => boolean): Promise<Answer> {
  let answer = await ask();
  for (let tries = 0; tries < 50 && !done(answer); tries++) {
    await sleep(200);
    answer = await ask();
  }
  return answer;
}

const ids = (answer: Answer): string[] =>
  (answer.body.clients as { clientId: string }[]).map((row) => row.clientId);

describe('session', () => {
  test('names the staff member, API role, clinical role and programs of the token', async () => {
    expect((await api.call('GET', '/v1/session', { as: 'clinician' })).body).toEqual({
      staffId: 'staff-supervisor-1',
      role: 'clinician',
      staffRole: 'clinical-supervisor',
      programs: null,
    });
    expect((await api.call('GET', '/v1/session', { as: 'programViewer' })).body).toEqual({
      staffId: 'staff-viewer-2',
      role: 'viewer',
      staffRole: 'case-manager',
      programs: ['full-continuum'],
    });
    expect((await api.call('GET', '/v1/session')).status).toBe(401);
  });

  test('the one-time sign-in code is traded once for a working token, and a wrong code for nothing', async () => {
    const wrong = await api.call('POST', '/v1/sign-in', { body: { code: 'not-the-code' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toBe('urn:carepath:problem:sign-in-code-invalid');
    const granted = await api.call('POST', '/v1/sign-in', { body: { code: api.signInCode } });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({
      token: api.tokens.coordinator,
      staffId: 'staff-coordinator-1',
      role: 'coordinator',
    });
    expect((await api.call('GET', '/v1/session', { token: granted.body.token })).body.role).toBe(
      'coordinator',
    );
    expect((await api.call('POST', '/v1/sign-in', { body: { code: api.signInCode } })).status).toBe(401);
  });
});

test('a token added or revoked with the CLI counts at once, without restarting the API', async () => {
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'carepath-tokens-')), 'api-tokens.json');
  const live = await serveApi({
    client: api.client,
    connection: api.connection,
    journeys: api.journeys,
    tokensFile,
  });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(['token', ...argv, '--file', tokensFile, '--json'], {
      env: {},
      out: (text) => out.push(text),
      err: () => undefined,
    });
    expect(code).toBe(0);
    return JSON.parse(out.join('\n'));
  };
  try {
    const added = await cli('add', '--staff-id', 'staff-new-1', '--role', 'viewer', '--programs', 'default');
    const session = () => live.call('GET', '/v1/session', { token: added.token as string });
    expect((await eventually(session, (answer) => answer.status === 200)).body).toEqual({
      staffId: 'staff-new-1',
      role: 'viewer',
      staffRole: 'case-manager',
      programs: ['default'],
    });
    await cli('revoke', '--staff-id', 'staff-new-1');
    expect((await eventually(session, (answer) => answer.status === 401)).status).toBe(401);
    // The others' tokens stayed.
    expect((await live.call('GET', '/v1/session', { as: 'viewer' })).status).toBe(200);
  } finally {
    await live.close();
  }
});

describe('tokens scoped to programs', () => {
  test("a scoped viewer sees its program's clients only; another program's client is 404 on every read", async () => {
    const outside = await admit('default', 'outside');
    const inside = await admit('full-continuum', 'inside');
    for (const path of ['', '/history', '/weeks', '/transition-options']) {
      const answer = await api.call('GET', `/v1/clients/${outside}${path}`, { as: 'programViewer' });
      expect({ path, status: answer.status, type: answer.body.type }).toEqual({
        path,
        status: 404,
        type: 'urn:carepath:problem:unknown-client',
      });
      expect((await api.call('GET', `/v1/clients/${inside}${path}`, { as: 'programViewer' })).status).toBe(
        200,
      );
      const never = uniqueClientId('never-admitted');
      const unknown = await api.call('GET', `/v1/clients/${never}${path}`, { as: 'programViewer' });
      expect(answer.body.detail.replace(outside, '<id>')).toBe(unknown.body.detail.replace(never, '<id>'));
    }
    const caseload = await eventually(
      () => api.call('GET', '/v1/clients?status=active&pageSize=100', { as: 'programViewer' }),
      (answer) => ids(answer).includes(inside),
    );
    expect(ids(caseload)).toContain(inside);
    expect(ids(caseload)).not.toContain(outside);
    expect(new Set((caseload.body.clients as { programId: string }[]).map((c) => c.programId))).toEqual(
      new Set(['full-continuum']),
    );
  });

  test("a write to another program's client is 404 and changes nothing; admitting into it is 403", async () => {
    const outside = await admit('default', 'outside');
    const inside = await admit('full-continuum', 'inside');
    const before = await api.journeys.state(outside);
    const milestone = { type: 'milestone-completed', milestoneId: 'treatment-plan-signed' };
    const refused = await api.call('POST', `/v1/clients/${outside}/events`, {
      as: 'programClinician',
      body: milestone,
    });
    expect(refused.status).toBe(404);
    expect(refused.body.type).toBe('urn:carepath:problem:unknown-client');
    // Word for word what a client never admitted gets: nothing tells the caller the client exists.
    const never = uniqueClientId('never-admitted');
    const unknown = await api.call('POST', `/v1/clients/${never}/events`, {
      as: 'programClinician',
      body: milestone,
    });
    expect(refused.body.detail.replace(outside, '<id>')).toBe(unknown.body.detail.replace(never, '<id>'));
    expect(await api.journeys.state(outside)).toEqual(before);
    expect(
      (await api.call('POST', `/v1/clients/${inside}/events`, { as: 'programClinician', body: milestone }))
        .status,
    ).toBe(202);
    const roster = await api.call('POST', '/v1/groups/attendance', {
      as: 'programClinician',
      body: {
        sessionId: uniqueClientId('group-session'),
        kind: 'group',
        occurredAt: new Date().toISOString(),
        hours: 2,
        roster: [
          { clientId: outside, status: 'present' },
          { clientId: inside, status: 'present' },
        ],
      },
    });
    expect(roster.body.results).toMatchObject([
      { clientId: outside, outcome: 'refused', problem: { type: 'urn:carepath:problem:unknown-client' } },
      { clientId: inside, outcome: 'recorded' },
    ]);
    expect(await api.journeys.state(outside)).toEqual(before);
    const admission = await api.call('POST', `/v1/clients/${uniqueClientId('outside')}/episodes`, {
      as: 'programCoordinator',
      body: { programId: 'default', intake: adultIntake(), recommendedLevel: 'iop' },
    });
    expect(admission.status).toBe(403);
    expect(admission.body.type).toBe('urn:carepath:problem:program-not-in-scope');
  });
});

describe('transition options', () => {
  test('say which levels a request would reach now, with the refusal words POST /transitions gives', async () => {
    const clientId = await admit('default');
    const options = await api.call('GET', `/v1/clients/${clientId}/transition-options`, { as: 'viewer' });
    expect(options.status).toBe(200);
    expect(options.body.level).toBe('iop');
    const byLevel = Object.fromEntries(
      (options.body.options as { level: string }[]).map((option) => [option.level, option]),
    );
    expect(byLevel.iop).toBeUndefined();
    // A step up is open at once; a step down waits for the minimum stay of a client admitted today.
    expect(byLevel.php).toEqual({ level: 'php', allowed: true });
    const stepDown = await api.call('POST', `/v1/clients/${clientId}/transitions`, {
      as: 'coordinator',
      body: { targetLevel: 'outpatient', reasonCode: 'milestones-met' },
    });
    expect(stepDown.status).toBe(409);
    expect(byLevel.outpatient).toEqual({
      level: 'outpatient',
      allowed: false,
      refusal: {
        code: 'transition-refused',
        reason: 'minimum-stay-not-served',
        message: stepDown.body.detail,
      },
    });
    expect(byLevel.aftercare).toMatchObject({
      allowed: false,
      refusal: { reason: 'not-allowed-from-level' },
    });
  });
});

describe('approvals queue', () => {
  test('lists pending proposals oldest deadline first, decidable by the care rules own guard', async () => {
    const byCounsellor = await withProposal('counsellor');
    const bySupervisor = await withProposal('clinician');
    const queue = await api.call('GET', '/v1/approvals', { as: 'clinician' });
    expect(queue.status).toBe(200);
    const proposals = queue.body.proposals as { proposalId: string; deadline: string }[];
    const deadlines = proposals.map((p) => Date.parse(p.deadline));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    const find = (answer: Answer, proposalId: string) =>
      (
        answer.body.proposals as { proposalId: string; decidable: boolean; notDecidableReason?: string }[]
      ).find((p) => p.proposalId === proposalId);

    expect(find(queue, byCounsellor.proposalId)).toMatchObject({
      clientId: byCounsellor.clientId,
      programId: 'default',
      openedBy: { staffId: 'staff-counsellor-1' },
      decidable: true,
    });
    // Four eyes: the supervisor who reported the relapse may not decide its proposal, in the words the POST gives.
    const own = find(queue, bySupervisor.proposalId);
    expect(own?.decidable).toBe(false);
    const approve = await api.call(
      'POST',
      `/v1/clients/${bySupervisor.clientId}/proposals/${bySupervisor.proposalId}/approve`,
      { as: 'clinician', body: {} },
    );
    expect(approve.status).toBe(403);
    expect(own?.notDecidableReason).toBe(approve.body.detail);

    const asViewer = await api.call('GET', '/v1/approvals', { as: 'viewer' });
    expect(find(asViewer, byCounsellor.proposalId)).toMatchObject({
      decidable: false,
      notDecidableReason: expect.stringMatching(/role 'viewer' may not decide/),
    });
    // Scoped to another program: none of these proposals.
    const scoped = await api.call('GET', '/v1/approvals', { as: 'programViewer' });
    expect(find(scoped, byCounsellor.proposalId)).toBeUndefined();
  });
});

describe('group attendance and the caseload', () => {
  test('records one event per client, a retry as duplicates, and a refusal without stopping the others', async () => {
    const present = await admit('default', 'group');
    const absent = await admit('default', 'group');
    const stranger = uniqueClientId('never-admitted');
    const roster = {
      sessionId: uniqueClientId('group-session'),
      kind: 'group',
      occurredAt: new Date().toISOString(),
      // More than any week's floor, even a whole week's: this client is never below it.
      hours: 20,
      roster: [
        { clientId: present, status: 'present' },
        { clientId: absent, status: 'excused' },
        { clientId: stranger, status: 'present' },
      ],
    };
    const first = await api.call('POST', '/v1/groups/attendance', { as: 'counsellor', body: roster });
    expect(first.status).toBe(200);
    const outcomes = (answer: Answer) =>
      (answer.body.results as { clientId: string; outcome: string }[]).map((r) => [r.clientId, r.outcome]);
    expect(outcomes(first)).toEqual([
      [present, 'recorded'],
      [absent, 'recorded'],
      [stranger, 'refused'],
    ]);
    expect(first.body.results[2].problem).toMatchObject({ type: 'urn:carepath:problem:unknown-client' });

    const retry = await api.call('POST', '/v1/groups/attendance', { as: 'clinician', body: roster });
    expect(outcomes(retry)).toEqual([
      [present, 'duplicate'],
      [absent, 'duplicate'],
      [stranger, 'refused'],
    ]);
    expect(retry.body.results.map((r: { eventId: string }) => r.eventId)).toEqual(
      first.body.results.map((r: { eventId: string }) => r.eventId),
    );
    const weeks = await api.call('GET', `/v1/clients/${present}/weeks`, { as: 'viewer' });
    expect(weeks.body.weeks.at(-1)).toMatchObject({ attendedSessions: 1, attendedHours: 20 });
    const missed = await api.call('GET', `/v1/clients/${absent}/weeks`, { as: 'viewer' });
    expect(missed.body.weeks.at(-1)).toMatchObject({ attendedSessions: 0, attendedHours: 0 });

    // The caseload shows this week's hours against the floor and filters on it.
    const belowFloor = await eventually(
      () =>
        api.call(
          'GET',
          '/v1/clients?program=default&status=active&belowFloor=true&sort=clientId&pageSize=100',
          { as: 'viewer' },
        ),
      (answer) => ids(answer).includes(absent),
    );
    expect(ids(belowFloor)).toContain(absent);
    expect(ids(belowFloor)).not.toContain(present);
    const row = (belowFloor.body.clients as { clientId: string }[]).find((c) => c.clientId === absent);
    expect(row).toMatchObject({ daysAtLevel: 0, pendingApprovals: 0, week: { hours: 0, belowFloor: true } });
  });

  test('a roster sent again with its Idempotency-Key gets the first answer back', async () => {
    const clientId = await admit('default', 'group');
    const request = {
      as: 'clinician' as const,
      headers: { 'idempotency-key': uniqueClientId('roster-key') },
      body: {
        sessionId: uniqueClientId('group-session'),
        kind: 'group',
        occurredAt: new Date().toISOString(),
        hours: 1.5,
        roster: [{ clientId, status: 'no-show' }],
      },
    };
    const first = await api.call('POST', '/v1/groups/attendance', request);
    const again = await api.call('POST', '/v1/groups/attendance', request);
    expect(first.body.results).toMatchObject([{ clientId, outcome: 'recorded' }]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await api.journeys.state(clientId)).attendance.consecutiveUnexcused).toBe(1);
  });

  test('a roster naming a client twice is refused whole', async () => {
    const clientId = await admit('default', 'group');
    const answer = await api.call('POST', '/v1/groups/attendance', {
      as: 'coordinator',
      body: {
        sessionId: uniqueClientId('group-session'),
        kind: 'group',
        occurredAt: new Date().toISOString(),
        hours: 1.5,
        roster: [
          { clientId, status: 'present' },
          { clientId, status: 'no-show' },
        ],
      },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.issues)).toMatch(/listed twice/);
    expect((await api.journeys.state(clientId)).attendance.unexcusedMissedAt).toEqual([]);
  });

  test('awaitingApproval filters by pending proposals; sort orders the whole caseload, page by page', async () => {
    const waiting = await withProposal('counsellor');
    const calm = await admit('default', 'calm');
    const awaiting = await eventually(
      () =>
        api.call('GET', '/v1/clients?program=default&status=active&awaitingApproval=true', { as: 'viewer' }),
      (answer) => ids(answer).includes(waiting.clientId),
    );
    expect(ids(awaiting)).toContain(waiting.clientId);
    expect(ids(awaiting)).not.toContain(calm);
    expect(
      (awaiting.body.clients as { clientId: string; pendingApprovals: number }[]).find(
        (c) => c.clientId === waiting.clientId,
      )?.pendingApprovals,
    ).toBe(1);

    const cli = await carepathCli(
      api,
      ['list', '--program', 'default', '--status', 'active', '--awaiting-approval'],
      'viewer',
    );
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/APPROVALS/);
    expect(cli.out).toContain(waiting.clientId);
    expect(cli.out).not.toContain(calm);

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await api.call(
        'GET',
        `/v1/clients?program=default&sort=clientId&order=desc&pageSize=3${cursor ? `&cursor=${cursor}` : ''}`,
        { as: 'viewer' },
      );
      expect(page.status).toBe(200);
      expect(page.body.clients.length).toBeLessThanOrEqual(3);
      listed.push(...ids(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toEqual([...listed].sort().reverse());
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining([waiting.clientId, calm]));
  });
});
