import type { ApiRole } from '../../api/roles';
import { adultIntake } from '../../testkit/fixtures';
import { apiOnDevServer, staff, uniqueClientId, type StaffName } from './api-harness';

/**
 * Every route against every role on a real server over the run's Temporal dev server: the allowed
 * roles get their answer, a missing or unknown token 401, a role not allowed 403 (changing nothing).
 */

let api: Awaited<ReturnType<typeof apiOnDevServer>>;
beforeAll(async () => (api = await apiOnDevServer()));
afterAll(() => api.close());

const admission = { programId: 'default', intake: adultIntake(), recommendedLevel: 'iop' };

/** A client admitted to IOP with a relapse reported, so a step-up (to PHP) proposal awaits a decision. */
async function clientWithProposal(): Promise<{ clientId: string; proposalId: string }> {
  const clientId = uniqueClientId('roles');
  expect(
    (await api.call('POST', `/v1/clients/${clientId}/episodes`, { as: 'coordinator', body: admission }))
      .status,
  ).toBe(201);
  // Reported by a counsellor: the four-eyes rule keeps whoever opened a proposal from deciding it.
  const relapse = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
    as: 'counsellor',
    body: { type: 'relapse-reported', withdrawalRisk: false },
  });
  const proposalId = relapse.body.state.pendingProposals[0]?.proposalId as string;
  expect(proposalId).toBeDefined();
  return { clientId, proposalId };
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  allowed: readonly ApiRole[];
  success: number;
  request: (target: { clientId: string; proposalId: string }) => { path: string; body?: unknown };
}

const routes: Route[] = [
  {
    name: 'admit',
    method: 'POST',
    allowed: ['coordinator'],
    success: 201,
    request: () => ({ path: `/v1/clients/${uniqueClientId('admit')}/episodes`, body: admission }),
  },
  {
    name: 'show',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: ({ clientId }) => ({ path: `/v1/clients/${clientId}` }),
  },
  {
    name: 'history',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: ({ clientId }) => ({ path: `/v1/clients/${clientId}/history` }),
  },
  {
    name: 'weeks',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: ({ clientId }) => ({ path: `/v1/clients/${clientId}/weeks` }),
  },
  {
    name: 'caseload',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: () => ({ path: '/v1/clients?level=iop&pageSize=5' }),
  },
  {
    name: 'event',
    method: 'POST',
    allowed: ['coordinator', 'clinician'],
    success: 202,
    request: ({ clientId }) => ({
      path: `/v1/clients/${clientId}/events`,
      body: { type: 'milestone-completed', milestoneId: 'treatment-plan-signed' },
    }),
  },
  {
    name: 'transition',
    method: 'POST',
    allowed: ['coordinator'],
    success: 200,
    request: ({ clientId }) => ({
      path: `/v1/clients/${clientId}/transitions`,
      body: { targetLevel: 'residential', reasonCode: 'needs-more-structure' },
    }),
  },
  {
    name: 'approve',
    method: 'POST',
    allowed: ['coordinator', 'clinician'],
    success: 200,
    request: ({ clientId, proposalId }) => ({
      path: `/v1/clients/${clientId}/proposals/${proposalId}/approve`,
      body: {},
    }),
  },
  {
    name: 'reject',
    method: 'POST',
    allowed: ['coordinator', 'clinician'],
    success: 200,
    request: ({ clientId, proposalId }) => ({
      path: `/v1/clients/${clientId}/proposals/${proposalId}/reject`,
      body: { reasonCode: 'clinical-judgement' },
    }),
  },
  {
    name: 'discharge',
    method: 'POST',
    allowed: ['coordinator'],
    success: 200,
    request: ({ clientId }) => ({
      path: `/v1/clients/${clientId}/discharge`,
      body: { kind: 'administrative', reasonCode: 'client-request' },
    }),
  },
  {
    name: 'programs',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: () => ({ path: '/v1/programs/default' }),
  },
  {
    name: 'import',
    method: 'POST',
    allowed: ['coordinator'],
    success: 201,
    request: () => {
      const clientId = uniqueClientId('imported');
      return {
        path: '/v1/imports/clients',
        body: {
          importId: `import-${clientId}`,
          clientId,
          programId: 'default',
          level: 'outpatient',
          inCareSince: '2025-01-06T09:00:00Z',
          levelSince: '2025-04-07T09:00:00Z',
          ageYears: 41,
          gender: 'male',
          milestonesMet: [],
          sobrietyDate: null,
          authorizations: [],
        },
      };
    },
  },
  {
    name: 'session',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: () => ({ path: '/v1/session' }),
  },
  {
    name: 'approvals',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: () => ({ path: '/v1/approvals' }),
  },
  {
    name: 'transition options',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: ({ clientId }) => ({ path: `/v1/clients/${clientId}/transition-options` }),
  },
  {
    name: 'group attendance',
    method: 'POST',
    allowed: ['coordinator', 'clinician'],
    success: 200,
    request: ({ clientId }) => ({
      path: '/v1/groups/attendance',
      body: {
        sessionId: uniqueClientId('group'),
        kind: 'group',
        occurredAt: new Date().toISOString(),
        hours: 3,
        roster: [{ clientId, status: 'present' }],
      },
    }),
  },
  {
    name: 'metrics',
    method: 'GET',
    allowed: ['coordinator', 'clinician', 'viewer'],
    success: 200,
    request: () => ({ path: '/metrics' }),
  },
];

const staffOfRole: Record<ApiRole, StaffName> = {
  coordinator: 'coordinator',
  clinician: 'clinician',
  viewer: 'viewer',
};
const roles: ApiRole[] = ['coordinator', 'clinician', 'viewer'];

const cases = routes.flatMap((route) =>
  roles.map((role) => ({ route, role, allowed: route.allowed.includes(role) })),
);

test.each(cases)('$route.method $route.name as $role', async ({ route, role, allowed }) => {
  const target = await clientWithProposal();
  const before = await api.journeys.state(target.clientId);
  const { path, body } = route.request(target);
  const answer = await api.call(route.method, path, { as: staffOfRole[role], body });
  if (allowed) {
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: route.success,
      body: expect.anything(),
    });
    return;
  }
  expect(answer.status).toBe(403);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: 'urn:carepath:problem:forbidden',
    role,
    allowedRoles: route.allowed,
  });
  expect(await api.journeys.state(target.clientId)).toEqual(before);
});

test.each(
  routes.flatMap((route) =>
    [
      ['no token', undefined],
      ['an unknown token', 'Bearer cpt_not-a-token-anyone-was-given'],
      ['a basic-auth header', 'Basic c3RhZmY6cGFzc3dvcmQ='],
    ].map(([label, authorization]) => ({ route, label, authorization })),
  ),
)('$route.method $route.name with $label is refused with 401', async ({ route, authorization }) => {
  const { path, body } = route.request({ clientId: uniqueClientId('nobody'), proposalId: 'p-1' });
  const answer = await api.call(route.method, path, {
    body,
    headers: authorization === undefined ? {} : { authorization },
  });
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="carepath"');
  expect(answer.body).toMatchObject({ type: 'urn:carepath:problem:unauthenticated', status: 401 });
});

describe('open routes', () => {
  test('GET /healthz needs no token and reports Temporal and Kafka', async () => {
    const answer = await api.call('GET', '/healthz');
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { temporal: { ok: true }, kafka: { ok: true } } },
    });
  });

  test('GET /livez and GET /readyz need no token, for probes', async () => {
    expect(await api.call('GET', '/livez')).toMatchObject({ status: 200, body: { status: 'alive' } });
    expect(await api.call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', roles: { api: 'ready' } },
    });
  });

  test('GET /openapi.json describes every /v1 route with bearer auth', async () => {
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toMatch(/^3\./);
    expect(Object.keys(answer.body.paths).sort()).toEqual([
      '/healthz',
      '/livez',
      '/metrics',
      '/readyz',
      '/v1/approvals',
      '/v1/clients',
      '/v1/clients/{clientId}',
      '/v1/clients/{clientId}/discharge',
      '/v1/clients/{clientId}/episodes',
      '/v1/clients/{clientId}/events',
      '/v1/clients/{clientId}/history',
      '/v1/clients/{clientId}/program-version',
      '/v1/clients/{clientId}/proposals/{proposalId}/approve',
      '/v1/clients/{clientId}/proposals/{proposalId}/reject',
      '/v1/clients/{clientId}/transition-options',
      '/v1/clients/{clientId}/transitions',
      '/v1/clients/{clientId}/weeks',
      '/v1/groups/attendance',
      '/v1/imports/clients',
      '/v1/programs',
      '/v1/programs/{programId}',
      '/v1/session',
      '/v1/sign-in',
    ]);
    expect(answer.body.components.schemas).toEqual(
      expect.objectContaining({ ProgramDefinition: expect.any(Object), ClientImport: expect.any(Object) }),
    );
    // The coordinator app generates its client from these names.
    for (const name of [
      'Session',
      'SignIn',
      'SignInGranted',
      'Caseload',
      'CaseloadEntry',
      'Approvals',
      'PendingApproval',
      'TransitionOptions',
      'GroupAttendance',
      'GroupAttendanceOutcome',
    ])
      expect({ name, schema: answer.body.components.schemas[name] }).toEqual({
        name,
        schema: expect.any(Object),
      });
    expect(answer.body.paths['/v1/clients/{clientId}/transitions'].post.security).toEqual([
      { bearerAuth: [] },
    ]);
  });

  test('GET /docs serves the Swagger UI', async () => {
    const answer = await api.call('GET', '/docs/');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('swagger');
  });

  test('the staff id of the token is the actor in the history', async () => {
    const { clientId, proposalId } = await clientWithProposal();
    const approved = await api.call('POST', `/v1/clients/${clientId}/proposals/${proposalId}/approve`, {
      as: 'clinician',
    });
    expect(approved.status).toBe(200);
    const history = await api.call('GET', `/v1/clients/${clientId}/history`, { as: 'viewer' });
    expect(history.body.history.map((entry: { actor: unknown }) => entry.actor)).toEqual([
      { staffId: staff.coordinator.staffId, role: 'care-coordinator' },
      { staffId: staff.clinician.staffId, role: 'clinical-supervisor' },
    ]);
    const state = await api.call('GET', `/v1/clients/${clientId}`, { as: 'viewer' });
    expect(state.body.level).toBe('php');
  });
});

describe('the event permission table at the API', () => {
  test('a clinician’s discharge-requested is refused, saying to ask a coordinator or use the discharge route', async () => {
    const { clientId } = await clientWithProposal();
    const before = await api.journeys.state(clientId);
    const discharge = { type: 'discharge-requested', kind: 'administrative', reasonCode: 'client-request' };
    const refused = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'clinician',
      body: discharge,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'urn:carepath:problem:event-not-permitted',
      role: 'clinician',
      eventType: 'discharge-requested',
      allowedRoles: ['coordinator'],
      instead: 'POST /v1/clients/{clientId}/discharge',
    });
    expect(await api.journeys.state(clientId)).toEqual(before);

    const recorded = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'coordinator',
      body: discharge,
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.state.status).toBe('discharged');
  });
});
