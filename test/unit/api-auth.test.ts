import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentStaffId, ensureDevelopmentToken } from '../../api/development-token';
import { generateToken, hashToken, readTokensFile, TokenRegistry, TokensFileError } from '../../api/tokens';
import { ConfigError, loadLocalConfig } from '../../config';

const dir = () => mkdtempSync(join(tmpdir(), 'carepath-api-auth-'));

describe('bearer tokens', () => {
  test('are stored as sha256 and map to a staff id, an API role and a clinical role', () => {
    const coordinator = generateToken();
    const supervisor = generateToken();
    const registry = new TokenRegistry({
      tokens: [
        { sha256: hashToken(coordinator), staffId: 'staff-1', role: 'coordinator' },
        {
          sha256: hashToken(supervisor),
          staffId: 'staff-2',
          role: 'clinician',
          staffRole: 'clinical-supervisor',
        },
      ],
    });
    expect(registry.authenticate(coordinator)).toEqual({
      role: 'coordinator',
      actor: { staffId: 'staff-1', role: 'care-coordinator' },
    });
    expect(registry.authenticate(supervisor)?.actor.role).toBe('clinical-supervisor');
    expect(registry.authenticate(hashToken(coordinator))).toBeUndefined();
    expect(registry.authenticate(`${coordinator}x`)).toBeUndefined();
  });

  test('generated tokens differ and carry 256 bits', () => {
    const a = generateToken();
    expect(a).toMatch(/^cpt_[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  test.each([
    ['missing', null, /ENOENT/],
    ['not JSON', '{tokens', /not JSON/],
    [
      'a plain token instead of a hash',
      JSON.stringify({ tokens: [{ sha256: 'secret', staffId: 's', role: 'viewer' }] }),
      /tokens\.0\.sha256: expected the sha256/,
    ],
    [
      'an unknown role',
      JSON.stringify({ tokens: [{ sha256: 'a'.repeat(64), staffId: 's', role: 'admin' }] }),
      /tokens\.0\.role/,
    ],
    [
      'a hash listed twice',
      JSON.stringify({
        tokens: [1, 2].map((n) => ({ sha256: 'a'.repeat(64), staffId: `s${n}`, role: 'viewer' })),
      }),
      /listed twice/,
    ],
  ])('a tokens file that is %s stops start-up naming the file', async (_label, content, message) => {
    const file = join(dir(), 'tokens.json');
    if (content !== null) writeFileSync(file, content);
    const read = readTokensFile(file);
    await expect(read).rejects.toThrow(TokensFileError);
    await expect(readTokensFile(file)).rejects.toThrow(message);
    await expect(readTokensFile(file)).rejects.toThrow(file);
  });
});

describe('the local development token', () => {
  test('is made once into the data dir, stored hashed, and reused on the next start', async () => {
    const dataDir = join(dir(), '.data');
    const first = await ensureDevelopmentToken(dataDir);
    const again = await ensureDevelopmentToken(dataDir);
    expect(again).toEqual(first);
    const file = JSON.parse(readFileSync(first.tokensFile, 'utf8'));
    expect(file.tokens).toEqual([
      { sha256: hashToken(first.token), staffId: developmentStaffId, role: 'coordinator' },
    ]);
    expect(readFileSync(first.tokensFile, 'utf8')).not.toContain(first.token);
    expect(statSync(first.tokensFile).mode & 0o077).toBe(0);
  });

  test("keeps the developer's own entries and replaces a development token whose plain text is gone", async () => {
    const dataDir = dir();
    const viewer = { sha256: hashToken('viewer-token'), staffId: 'local-viewer', role: 'viewer' };
    writeFileSync(join(dataDir, 'api-tokens.json'), JSON.stringify({ tokens: [viewer] }));
    const made = await ensureDevelopmentToken(dataDir);
    writeFileSync(join(dataDir, 'api-development-token'), 'forgotten\n');
    const remade = await ensureDevelopmentToken(dataDir);
    expect(remade.token).not.toBe(made.token);
    const registry = new TokenRegistry(await readTokensFile(remade.tokensFile));
    expect(registry.authenticate('viewer-token')?.actor.staffId).toBe('local-viewer');
    expect(registry.authenticate(remade.token)?.role).toBe('coordinator');
    expect(registry.authenticate(made.token)).toBeUndefined();
  });
});

describe('API auth configuration', () => {
  test('outside local mode, a missing CAREPATH_API_TOKENS_FILE stops start-up', () => {
    try {
      loadLocalConfig({ CAREPATH_MODE: 'production' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toContainEqual(
        expect.objectContaining({
          variable: 'CAREPATH_API_TOKENS_FILE',
          message: expect.stringMatching(/required outside local mode/),
        }),
      );
    }
  });

  test('the tokens file is resolved against the working directory; local mode needs none', () => {
    expect(
      loadLocalConfig({ CAREPATH_API_TOKENS_FILE: 'secrets/tokens.json' }, '/srv/carepath').api.tokensFile,
    ).toBe('/srv/carepath/secrets/tokens.json');
    expect(loadLocalConfig({}).api.tokensFile).toBeUndefined();
  });
});
