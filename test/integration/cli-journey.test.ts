import { exitCode, runCli } from '../../cli/main';
import { apiOnDevServer, carepathCli, staff, uniqueClientId } from './api-harness';

/** The `carepath` CLI against a running API server over the run's Temporal dev server. */

let api: Awaited<ReturnType<typeof apiOnDevServer>>;
beforeAll(async () => (api = await apiOnDevServer()));
afterAll(() => api.close());

const carepath = (argv: string[], as: keyof typeof staff | null = 'coordinator') =>
  carepathCli(api, argv, as);

test('a journey admitted, progressed and discharged from the command line', async () => {
  const clientId = uniqueClientId('cli');
  const admitted = await carepath([
    'admit',
    clientId,
    '--program',
    'default',
    '--level',
    'iop',
    '--age',
    '34',
    '--gender',
    'female',
    '--stepping-down-from',
    'detox',
  ]);
  expect(admitted).toMatchObject({
    code: exitCode.ok,
    out: expect.stringContaining(`Admitted ${clientId} to default at iop`),
  });

  const attended = await carepath(
    ['event', clientId, 'session-attended', 'sessionId=1001', 'kind=group', 'hours=3', '--wait'],
    'counsellor',
  );
  expect(attended.code).toBe(exitCode.ok);
  expect(attended.out).toMatch(/this week\s+3 h attended/);

  const weeks = await carepath(['weeks', clientId], 'viewer');
  expect(weeks.code).toBe(exitCode.ok);
  const weekLines = weeks.out.split('\n');
  expect(weekLines[0]).toBe('Clinic time zone America/Los_Angeles, weeks from monday');
  expect(weekLines.at(-1)).toMatch(/\biop\s+current\s+3 h in 1\s+0 h in 0\s+[\d.]+ h\s+[\d.]+ h\s+-$/);

  const relapse = await carepath(
    ['event', clientId, 'relapse-reported', 'withdrawalRisk=false', '--wait', '--json'],
    'counsellor',
  );
  expect(relapse.code).toBe(exitCode.ok);
  const proposalId: string = JSON.parse(relapse.out).state.pendingProposals[0].proposalId;

  const shown = await carepath(['show', clientId], 'viewer');
  expect(shown.out).toContain('Awaiting approval:');
  expect(shown.out).toContain(proposalId);

  const approved = await carepath(['approve', clientId, proposalId]);
  expect(approved).toMatchObject({ code: exitCode.ok, out: expect.stringMatching(/level\s+php since/) });

  const refused = await carepath(['transition', clientId, 'outpatient', '--reason', 'milestones-met']);
  expect(refused.code).toBe(exitCode.refused);
  expect(refused.err).toContain('Transition refused (HTTP 409)');
  expect(refused.err).toMatch(/allowedTargets: detox, residential/);

  const discharged = await carepath([
    'discharge',
    clientId,
    '--kind',
    'administrative',
    '--reason',
    'client-request',
  ]);
  expect(discharged).toMatchObject({
    code: exitCode.ok,
    out: expect.stringContaining(`Discharged ${clientId}.`),
  });

  const history = await carepath(['history', clientId], 'viewer');
  expect(history.out.split('\n')).toEqual([
    expect.stringMatching(/^AT\s+FROM\s+TO\s+REASON\s+RULE\s+BY$/),
    expect.stringMatching(/ -\s+iop\s+admission\s+admission\s+staff-coordinator-1 \(care-coordinator\)$/),
    expect.stringMatching(
      / iop\s+php\s+relapse\s+relapse-step-up\s+staff-coordinator-1 \(care-coordinator\)$/,
    ),
  ]);

  const listed = await carepath(
    ['list', '--status', 'discharged', '--program', 'default', '--json'],
    'viewer',
  );
  expect(listed.code).toBe(exitCode.ok);
  expect(JSON.parse(listed.out)).toMatchObject({ clients: expect.any(Array) });
});

test('failures exit non-zero with the reason', async () => {
  const unknown = await carepath(['show', uniqueClientId('nobody')], 'viewer');
  expect(unknown).toMatchObject({
    code: exitCode.refused,
    err: expect.stringContaining('Unknown client (HTTP 404)'),
  });

  const anonymous = await carepath(['show', 'c-1'], null);
  expect(anonymous.code).toBe(exitCode.refused);
  expect(anonymous.err).toContain('CAREPATH_TOKEN');

  const viewerWrites = await carepath(
    ['discharge', 'c-1', '--kind', 'administrative', '--reason', 'client-request'],
    'viewer',
  );
  expect(viewerWrites).toMatchObject({ code: exitCode.refused, err: expect.stringContaining('HTTP 403') });

  const invalid = await carepath([
    'event',
    'c-1',
    'session-attended',
    'hours=-1',
    'kind=group',
    'sessionId=s',
  ]);
  expect(invalid.code).toBe(exitCode.refused);
  expect(invalid.err).toMatch(/body\.hours: /);

  expect((await carepath(['transition', 'c-1'])).code).toBe(exitCode.usage);
  expect((await carepath(['event', 'c-1', 'no-such-event'])).code).toBe(exitCode.usage);
  expect((await carepath(['frobnicate'])).code).toBe(exitCode.usage);

  const unreachable = await runCli(['show', 'c-1', '--api', 'http://127.0.0.1:9'], {
    env: {},
    out: () => undefined,
    err: () => undefined,
  });
  expect(unreachable).toBe(exitCode.unavailable);
});

test.each([
  'admit',
  'event',
  'transition',
  'approve',
  'reject',
  'discharge',
  'show',
  'history',
  'weeks',
  'list',
  'token',
])('`carepath %s --help` explains the command', async (command) => {
  const help = await carepath([command, '--help']);
  expect(help.code).toBe(exitCode.ok);
  expect(help.out).toContain(`Usage: carepath ${command}`);
});
