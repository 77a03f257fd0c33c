import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudEventsOf } from '../../activities/cloud-events';
import { exitCode } from '../../cli/main';
import { importColumns } from '../../cli/import';
import { Journeys } from '../../client/journeys';
import { loadLocalConfig } from '../../config';
import { loadProgramsDirectory, shippedProgramsDir } from '../../programs/load';
import { apiOnDevServer, carepathCli, serveApi, uniqueClientId } from './api-harness';
import { compiledEntryPoint } from '../../testkit/services';
import { intake } from '../../testkit/fixtures';

/**
 * A provider's own programs, from a directory of files (CAREPATH_PROGRAMS_DIR), through the API
 * and the CLI with no code change; their versions; and clients already in care, imported from CSV.
 */

const dir = mkdtempSync(join(tmpdir(), 'carepath-own-programs-'));
const shipped = (name: string) => JSON.parse(readFileSync(join(shippedProgramsDir(), name), 'utf8'));
interface Billing {
  serviceCode: string;
  revenueCode: string;
  unit: string;
}
type ProgramJson = { programId: string; version: number; levels: Record<string, { billing: Billing }> };
// A hand-written program: the default one's rules under the provider's own id and PHP codes.
const myProgram = (version: number, phpServiceCode: string): ProgramJson => {
  const program = shipped('default.json') as ProgramJson;
  program.programId = 'my-program';
  program.version = version;
  program.levels.php!.billing.serviceCode = phpServiceCode;
  return program;
};
writeFileSync(join(dir, 'my-program.json'), JSON.stringify(myProgram(1, 'H0035'), null, 2));
const registryFromDirectory = () =>
  loadProgramsDirectory(loadLocalConfig({ CAREPATH_PROGRAMS_DIR: dir }).programsDir);

let api: Awaited<ReturnType<typeof apiOnDevServer>>;
beforeAll(async () => (api = await apiOnDevServer(registryFromDirectory())));
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const admission = {
  programId: 'my-program',
  recommendedLevel: 'iop',
  intake: intake({ steppingDownFrom: 'detox' }),
};

/** The billing event the client's move to PHP published, as consumers read it. */
async function phpBillingCodes(clientId: string) {
  await api.publisher.effectsWhen(clientId, (effects) => effects.some((e) => e.type === 'level-changed'));
  const batch = api.publisher.sent.find(
    (b) => b.clientId === clientId && b.effects.some((e) => e.type === 'level-changed'),
  );
  const billing = cloudEventsOf('care-events', batch!).find((e) => e.stream === 'billing-events');
  return billing?.event.data as Billing;
}

test("a provider's own program file admits a client through the API, and the API lists it", async () => {
  const clientId = uniqueClientId('own');
  const admitted = await api.call('POST', `/v1/clients/${clientId}/episodes`, {
    as: 'coordinator',
    body: admission,
  });
  expect(admitted.status).toBe(201);
  expect(admitted.body).toMatchObject({ programId: 'my-program', level: 'iop' });

  const list = await api.call('GET', '/v1/programs', { as: 'viewer' });
  expect(list.body.programs).toEqual([
    expect.objectContaining({ programId: 'my-program', latestVersion: 1, versions: [1] }),
  ]);
  expect((await api.call('GET', '/v1/programs/my-program', { as: 'viewer' })).body.versions).toHaveLength(1);
  // Shipped programs are not in this directory, and Object's own properties are no programs.
  for (const id of ['default', 'constructor'])
    expect((await api.call('GET', `/v1/programs/${id}`, { as: 'viewer' })).status).toBe(404);
  const listed = await carepathCli(api, ['program', 'list'], 'viewer');
  expect(listed.out).toMatch(/my-program\s+1\s+1\s+/);
});

test('a running episode keeps the billing codes of its version until a coordinator moves it to a newer one', async () => {
  const [before, mover] = [uniqueClientId('billing-v1'), uniqueClientId('billing-moved')];
  for (const clientId of [before, mover])
    expect(
      (await api.call('POST', `/v1/clients/${clientId}/episodes`, { as: 'coordinator', body: admission }))
        .status,
    ).toBe(201);

  // Version 2 changes the PHP service code; the services restart with the directory as it now is.
  writeFileSync(join(dir, 'my-program@2.json'), JSON.stringify(myProgram(2, 'S9480'), null, 2));
  const restarted = await serveApi({
    client: api.client,
    connection: api.connection,
    journeys: new Journeys(api.client, api.taskQueue, registryFromDirectory()),
  });
  try {
    const after = uniqueClientId('billing-v2');
    expect(
      (await restarted.call('POST', `/v1/clients/${after}/episodes`, { as: 'coordinator', body: admission }))
        .status,
    ).toBe(201);
    const moved = await carepathCli(restarted, ['program', 'move', mover, '--reason', 'clinical-judgement']);
    expect(moved).toMatchObject({
      code: exitCode.ok,
      out: expect.stringContaining('now follows version 2 (was 1)'),
    });
    const again = await restarted.call('POST', `/v1/clients/${mover}/program-version`, {
      as: 'coordinator',
      body: { version: 1, reasonCode: 'clinical-judgement' },
    });
    expect(again).toMatchObject({ status: 409, body: { refusal: 'ProgramVersionRefused' } });
    const audited = await restarted.call('GET', `/v1/clients/${mover}`, { as: 'viewer' });
    expect(audited.body.programVersionChanges).toEqual([
      expect.objectContaining({
        fromVersion: 1,
        toVersion: 2,
        reasonCode: 'clinical-judgement',
        actor: expect.objectContaining({ staffId: 'staff-coordinator-1' }),
      }),
    ]);
    for (const clientId of [before, after, mover]) {
      const moved = await restarted.call('POST', `/v1/clients/${clientId}/transitions`, {
        as: 'coordinator',
        body: { targetLevel: 'php', reasonCode: 'needs-more-structure' },
      });
      expect(moved.body.state?.level).toBe('php');
    }
    expect(await phpBillingCodes(before)).toMatchObject({ serviceCode: 'H0035', to: 'php' });
    expect(await phpBillingCodes(after)).toMatchObject({ serviceCode: 'S9480', to: 'php' });
    expect(await phpBillingCodes(mover)).toMatchObject({ serviceCode: 'S9480', to: 'php' });
    expect((await restarted.call('GET', '/v1/programs/my-program', { as: 'viewer' })).body).toMatchObject({
      latestVersion: 2,
      versions: [{ version: 1 }, { version: 2 }],
    });
  } finally {
    await restarted.close();
  }
});

test('carepath program validate explains a broken copy line by line, and passes a good one', async () => {
  const broken = myProgram(1, 'H0035') as ProgramJson & { noContact?: unknown };
  broken.levels.php!.billing.serviceCode = 'h-35';
  delete broken.noContact;
  const file = join(dir, 'my-program.broken.json');
  writeFileSync(file, JSON.stringify(broken, null, 2));
  const refused = await carepathCli(api, ['program', 'validate', file], null);
  expect(refused.code).toBe(exitCode.refused);
  expect(refused.err.split('\n')).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /my-program\.broken\.json:\d+: levels\.php\.billing\.serviceCode: expected an upper-case billing code/,
      ),
      expect.stringMatching(/my-program\.broken\.json:1: noContact: /),
    ]),
  );
  const ok = await carepathCli(api, ['program', 'validate', join(dir, 'my-program.json')], null);
  expect(ok).toMatchObject({
    code: exitCode.ok,
    out: expect.stringMatching(/^OK: .* my-program, version 1/),
  });
});

test('the services do not start on an invalid program file, and name the file, line, path and fix', () => {
  const invalid = join(dir, 'invalid');
  mkdirSync(invalid);
  const broken = myProgram(1, 'H0035');
  broken.levels.php!.billing.unit = 'week';
  writeFileSync(join(invalid, 'my-program.json'), JSON.stringify(broken, null, 2));
  // The programs load before anything connects, so no Temporal or Kafka is needed to see the refusal.
  const run = spawnSync(process.execPath, [compiledEntryPoint('workers/production-entry.js')], {
    env: { ...process.env, CAREPATH_MODE: 'local', CAREPATH_PROGRAMS_DIR: invalid },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /ProgramDirectoryError: The programs directory .*invalid has invalid program files; fix them and start again:\n\s+- .*my-program\.json:\d+: levels\.php\.billing\.unit: /,
  );
});

// 300 rows are measured in the README; the suite imports fewer to stay quick on a shared machine.
const importRows = Number(process.env.CAREPATH_IMPORT_TEST_ROWS ?? 30);

test(`importing ${importRows} clients from CSV reports progress and refusals, and importing again changes nothing`, async () => {
  const run = uniqueClientId('import');
  const header = importColumns.join(',');
  const row = (n: number, overrides: Record<string, string> = {}) => {
    const values: Record<string, string> = {
      importId: `${run}-${n}`,
      clientId: `${run}-client-${n}`,
      programId: 'my-program',
      level: 'iop',
      inCareSince: '2025-01-06T09:00:00Z',
      levelSince: '2025-03-03T09:00:00Z',
      ageYears: '34',
      gender: 'female',
      milestonesMet: 'attendance-stable',
      sobrietyDate: '2024-12-20',
      authorizationRef: `auth-${n}`,
      authorizationLevel: 'iop',
      authorizationUnit: 'days',
      unitsAuthorized: '60',
      unitsRemaining: '20',
      authorizationStart: '2025-03-01',
      authorizationEnd: '2099-12-31',
      ...overrides,
    };
    return importColumns.map((c) => (values[c]!.includes(',') ? `"${values[c]}"` : values[c])).join(',');
  };
  const rows = Array.from({ length: importRows }, (_, i) => row(i + 1));
  rows[3] = row(4, { milestonesMet: 'no-such-milestone' });
  rows[7] = row(8, { level: 'sober-living' });
  const file = join(dir, 'clients.csv');
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`);

  const first = await carepathCli(api, ['import', file]);
  expect(first.code).toBe(exitCode.refused);
  expect(first.err).toContain(`import: ${importRows}/${importRows}`);
  expect(first.out).toContain(
    `${importRows} rows; imported ${importRows - 2}, already imported 0, refused 2.`,
  );
  expect(first.out).toMatch(new RegExp(`\\n5\\s+${run}-4\\s+.*milestone-not-in-plan`));
  expect(first.out).toMatch(new RegExp(`\\n9\\s+${run}-8\\s+.*level`));

  const second = await carepathCli(api, ['import', file]);
  expect(second.out).toContain(
    `${importRows} rows; imported 0, already imported ${importRows - 2}, refused 2.`,
  );

  const another = await api.call('POST', '/v1/imports/clients', {
    as: 'coordinator',
    body: {
      importId: `${run}-other`,
      clientId: `${run}-client-1`,
      programId: 'my-program',
      level: 'outpatient',
      inCareSince: '2025-01-06T09:00:00Z',
      levelSince: '2025-05-05T09:00:00Z',
      ageYears: 34,
      gender: 'female',
      milestonesMet: [],
      sobrietyDate: null,
      authorizations: [],
    },
  });
  expect(another).toMatchObject({ status: 409, body: { type: 'urn:carepath:problem:episode-already-open' } });

  const state = await api.call('GET', `/v1/clients/${run}-client-1`, { as: 'viewer' });
  expect(state.body).toMatchObject({
    level: 'iop',
    levelSince: '2025-03-03T09:00:00Z',
    status: 'active',
    milestones: [{ milestoneId: 'attendance-stable' }],
    authorizations: [{ authorizationRef: 'auth-1', remainingUnits: 20 }],
  });
  // Nothing from the months before the import reached staff.
  expect(api.publisher.effectsOf(`${run}-client-1`).map((e) => e.type)).toEqual(['episode-started']);
});
