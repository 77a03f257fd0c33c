import { OidcSignIn } from '../../api/oidc';
import { loadLocalConfig } from '../../config';
import { adultIntake } from '../../testkit/fixtures';
import { apiOnDevServer, uniqueClientId } from './api-harness';
import { startOidcProvider } from './oidc-harness';

/**
 * Staff sign-in through a real OpenID Provider started here: its JWT access tokens, obtained over
 * HTTP with client_credentials, are checked against its published keys and their claims decide role,
 * clinical role and programs; the tokens file works beside it.
 */

const audience = 'urn:carepath:api';

let provider: Awaited<ReturnType<typeof startOidcProvider<Name>>>;
let api: Awaited<ReturnType<typeof apiOnDevServer>>;

type Name = 'coordinator' | 'clinician' | 'programViewer' | 'nurse' | 'shortLived';
const clients: Record<Name, { claims: Record<string, unknown>; ttlSeconds?: number }> = {
  coordinator: { claims: { carepath_role: 'coordinator' } },
  clinician: { claims: { carepath_role: 'clinician', carepath_staff_role: 'clinical-supervisor' } },
  programViewer: { claims: { carepath_role: 'viewer', carepath_programs: ['full-continuum'] } },
  nurse: { claims: { carepath_role: 'nurse' } },
  shortLived: { claims: { carepath_role: 'viewer' }, ttlSeconds: 1 },
};

beforeAll(async () => {
  provider = await startOidcProvider(clients);
  // As the API's start-up configures it, from the variables, with no clock slack so expiry shows at once.
  const { oidc } = loadLocalConfig({
    CAREPATH_OIDC_ISSUER: provider.issuer,
    CAREPATH_OIDC_AUDIENCE: audience,
    CAREPATH_OIDC_CLOCK_TOLERANCE_SECONDS: '0',
  }).api;
  if (!oidc) throw new Error('the OIDC variables did not configure sign-in');
  api = await apiOnDevServer(undefined, { oidc: new OidcSignIn(oidc) });
});
afterAll(async () => {
  await api?.close();
  await provider?.close();
});

const bearer = (name: Name) => provider.accessToken(name, audience);

async function admit(programId: 'default' | 'full-continuum', token: string): Promise<string> {
  const clientId = uniqueClientId(`oidc-${programId}`);
  const answer = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
    token,
    body: { programId, intake: adultIntake(), recommendedLevel: 'iop' },
  });
  expect(answer.status).toBe(201);
  return clientId;
}

test("the provider's claims name the staff member, API role, clinical role and programs", async () => {
  expect((await api.call('GET', '/v1/session', { token: await bearer('clinician') })).body).toEqual({
    staffId: 'clinician',
    role: 'clinician',
    staffRole: 'clinical-supervisor',
    programs: null,
  });
  expect((await api.call('GET', '/v1/session', { token: await bearer('programViewer') })).body).toEqual({
    staffId: 'programViewer',
    role: 'viewer',
    staffRole: 'case-manager',
    programs: ['full-continuum'],
  });
});

test("a coordinator signed in admits; a scoped viewer sees only its program's client", async () => {
  const coordinator = await bearer('coordinator');
  const outside = await admit('default', coordinator);
  const inside = await admit('full-continuum', coordinator);
  const viewer = await bearer('programViewer');
  expect((await api.call('GET', `/v1/clients/${inside}`, { token: viewer })).status).toBe(200);
  const hidden = await api.call('GET', `/v1/clients/${outside}`, { token: viewer });
  expect({ status: hidden.status, type: hidden.body.type }).toEqual({
    status: 404,
    type: 'urn:carepath:problem:unknown-client',
  });
  // The admission was recorded as the signed-in coordinator's.
  const history = await api.call('GET', `/v1/clients/${inside}/history`, { token: coordinator });
  expect(JSON.stringify(history.body)).toContain('"staffId":"coordinator"');
});

test('a clinician signed in reads but cannot discharge', async () => {
  const clientId = await admit('default', await bearer('coordinator'));
  const clinician = await bearer('clinician');
  expect((await api.call('GET', `/v1/clients/${clientId}`, { token: clinician })).status).toBe(200);
  const discharge = await api.call('POST', `/v1/clients/${clientId}/discharge`, {
    token: clinician,
    body: { kind: 'administrative', reasonCode: 'client-request' },
  });
  expect({ status: discharge.status, type: discharge.body.type }).toEqual({
    status: 403,
    type: 'urn:carepath:problem:forbidden',
  });
  expect((await api.call('GET', `/v1/clients/${clientId}`, { token: clinician })).body.status).toBe('active');
});

test('a token for another audience, an expired one and a tampered one are 401; an unknown role 403', async () => {
  const elsewhere = await api.call('GET', '/v1/session', {
    token: await provider.accessToken('coordinator', 'urn:another:api'),
  });
  expect({ status: elsewhere.status, reason: elsewhere.body.reason }).toEqual({
    status: 401,
    reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  });
  expect(elsewhere.headers.get('www-authenticate')).toContain('invalid_token');

  const shortLived = await bearer('shortLived');
  expect((await api.call('GET', '/v1/session', { token: shortLived })).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const expired = await api.call('GET', '/v1/session', { token: shortLived });
  expect({ status: expired.status, reason: expired.body.reason }).toEqual({
    status: 401,
    reason: 'ERR_JWT_EXPIRED',
  });

  // The viewer's token with its claims raised to coordinator: the signature no longer matches.
  const [header, payload, signature] = (await bearer('programViewer')).split('.') as [string, string, string];
  const raised = {
    ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
    carepath_role: 'coordinator',
  };
  const tampered = `${header}.${Buffer.from(JSON.stringify(raised)).toString('base64url')}.${signature}`;
  expect((await api.call('GET', '/v1/session', { token: tampered })).status).toBe(401);

  const nurse = await api.call('GET', '/v1/session', { token: await bearer('nurse') });
  expect({ status: nurse.status, type: nurse.body.type, claim: nurse.body.claim }).toEqual({
    status: 403,
    type: 'urn:carepath:problem:sign-in-role-unknown',
    claim: 'carepath_role',
  });
  expect(nurse.body.detail).toMatch(/'nurse'.*coordinator, clinician, viewer/);
});

test('the tokens file still signs staff in beside the provider', async () => {
  expect((await api.call('GET', '/v1/session', { as: 'programViewer' })).body.staffId).toBe('staff-viewer-2');
  expect((await api.call('GET', '/v1/session', { token: 'cpt_not-a-known-token' })).status).toBe(401);
});
