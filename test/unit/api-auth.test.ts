import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentStaffId, ensureDevelopmentToken } from '../../api/development-token';
import { looksLikeJwt, OidcSignIn } from '../../api/oidc';
import { ApiProblem } from '../../api/problem';
import { SignInCode } from '../../api/sign-in';
import {
  generateToken,
  hashToken,
  readTokensFile,
  TokenRegistry,
  TokensFileError,
  watchTokensFile,
} from '../../api/tokens';
import { runCli } from '../../cli/main';
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
      programs: null,
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

  const production = {
    CAREPATH_MODE: 'production',
    TEMPORAL_TLS: 'true',
    KAFKA_SSL: 'true',
    CAREPATH_PAYLOAD_KEYS_FILE: '/etc/carepath/payload-keys',
    CAREPATH_OPERATOR_TOKENS_FILE: '/etc/carepath/operators.json',
    CAREPATH_INTEGRATION_ID: 'ehr-east',
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadLocalConfig(env);
    } catch (error) {
      if (error instanceof ConfigError)
        return error.problems.map(({ variable, message }) => ({ variable, message }));
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  test('sign-in through an OpenID Provider replaces the tokens file in production, with claim names by default', () => {
    const { oidc, tokensFile } = loadLocalConfig({
      ...production,
      CAREPATH_OIDC_ISSUER: 'https://login.example.org/realms/clinic',
      CAREPATH_OIDC_AUDIENCE: 'carepath-api',
    }).api;
    expect(tokensFile).toBeUndefined();
    expect(oidc).toEqual({
      issuer: 'https://login.example.org/realms/clinic',
      audience: 'carepath-api',
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 30,
      claims: {
        staffId: 'sub',
        role: 'carepath_role',
        staffRole: 'carepath_staff_role',
        programs: 'carepath_programs',
      },
    });
    expect(
      loadLocalConfig({
        CAREPATH_OIDC_ISSUER: 'http://127.0.0.1:17900',
        CAREPATH_OIDC_AUDIENCE: 'carepath-api',
        CAREPATH_OIDC_JWKS_URL: 'http://127.0.0.1:17900/jwks',
        CAREPATH_OIDC_ALGORITHMS: 'ES256, RS256',
        CAREPATH_OIDC_ROLE_CLAIM: 'roles',
      }).api.oidc,
    ).toMatchObject({
      jwksUrl: 'http://127.0.0.1:17900/jwks',
      algorithms: ['ES256', 'RS256'],
      claims: { role: 'roles', staffId: 'sub' },
    });
  });

  test('an issuer without its audience, or keys fetched in clear outside local mode, stop start-up', () => {
    expect(problemsOf({ CAREPATH_OIDC_ISSUER: 'https://login.example.org' })).toEqual([
      { variable: 'CAREPATH_OIDC_AUDIENCE', message: expect.stringMatching(/together/) },
    ]);
    expect(
      problemsOf({
        ...production,
        CAREPATH_OIDC_ISSUER: 'http://login.example.org',
        CAREPATH_OIDC_AUDIENCE: 'carepath-api',
        CAREPATH_OIDC_JWKS_URL: 'http://login.example.org/jwks',
      }).map((problem) => problem.variable),
    ).toEqual(['CAREPATH_OIDC_ISSUER', 'CAREPATH_OIDC_JWKS_URL']);
  });

  test('only a bearer shaped as a JWT goes to the provider; a tokens-file token never is one', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeJwt(generateToken())).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(false);
  });

  test('a provider that cannot be reached is a 503 to retry, not a refused token', async () => {
    const { oidc } = loadLocalConfig({
      CAREPATH_OIDC_ISSUER: 'http://127.0.0.1:1',
      CAREPATH_OIDC_AUDIENCE: 'carepath-api',
    }).api;
    const signIn = new OidcSignIn(oidc!);
    const answer = signIn.authenticate('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    await expect(answer).rejects.toBeInstanceOf(ApiProblem);
    await expect(answer).rejects.toMatchObject({ status: 503, slug: 'sign-in-provider-unavailable' });
  });

  test('the tokens file is resolved against the working directory; local mode needs none', () => {
    expect(
      loadLocalConfig({ CAREPATH_API_TOKENS_FILE: 'secrets/tokens.json' }, '/srv/carepath').api.tokensFile,
    ).toBe('/srv/carepath/secrets/tokens.json');
    expect(loadLocalConfig({}).api.tokensFile).toBeUndefined();
  });
});

describe('staff tokens change without a restart', () => {
  /** Runs `carepath token …` on a file; answers the exit code and what it printed. */
  async function tokenCli(file: string, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['token', ...argv, '--file', file, '--json'], {
      env: {},
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    return { code, json: out.length ? JSON.parse(out.join('\n')) : null, err: err.join('\n') };
  }

  const eventually = async (check: () => boolean) => {
    for (let waited = 0; waited < 10_000 && !check(); waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    return check();
  };

  test('token add, list and revoke edit the file, and a watching registry follows each edit', async () => {
    const file = join(dir(), 'api-tokens.json');
    const first = await tokenCli(
      file,
      'add',
      '--staff-id',
      'staff-9',
      '--role',
      'viewer',
      '--programs',
      'holistic-iop',
    );
    expect(first.code).toBe(0);
    const registry = new TokenRegistry(await readTokensFile(file));
    const warnings: string[] = [];
    const watcher = watchTokensFile(file, registry, (message) => warnings.push(message), 50);
    try {
      expect(registry.authenticate(first.json.token)).toEqual({
        role: 'viewer',
        actor: { staffId: 'staff-9', role: 'case-manager' },
        programs: ['holistic-iop'],
      });
      const second = await tokenCli(file, 'add', '--staff-id', 'staff-10', '--role', 'clinician');
      expect(await eventually(() => registry.authenticate(second.json.token) !== undefined)).toBe(true);

      const listed = await tokenCli(file, 'list');
      expect(
        listed.json.tokens.map((t: { staffId: string; programs: unknown }) => [t.staffId, t.programs]),
      ).toEqual([
        ['staff-9', ['holistic-iop']],
        ['staff-10', null],
      ]);
      expect(JSON.stringify(listed.json)).not.toContain(hashToken(first.json.token));

      expect((await tokenCli(file, 'revoke', '--staff-id', 'staff-9')).code).toBe(0);
      expect(await eventually(() => registry.authenticate(first.json.token) === undefined)).toBe(true);
      expect(registry.authenticate(second.json.token)?.actor.staffId).toBe('staff-10');

      // A broken edit keeps the last good tokens and says which file and what is wrong, never a token.
      writeFileSync(file, JSON.stringify({ tokens: [{ sha256: 'x', staffId: 's', role: 'viewer' }] }));
      expect(await eventually(() => warnings.length > 0)).toBe(true);
      expect(warnings[0]).toContain(file);
      expect(warnings[0]).toMatch(/tokens\.0\.sha256/);
      expect(registry.authenticate(second.json.token)?.actor.staffId).toBe('staff-10');
    } finally {
      watcher.close();
    }
  });

  test('revoking a staff id with no token is a usage error that changes nothing', async () => {
    const file = join(dir(), 'api-tokens.json');
    await tokenCli(file, 'add', '--staff-id', 'staff-1', '--role', 'coordinator');
    const before = readFileSync(file, 'utf8');
    const answer = await tokenCli(file, 'revoke', '--staff-id', 'nobody');
    expect(answer.code).toBe(2);
    expect(answer.err).toMatch(/no token/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('the one-time sign-in code of local mode', () => {
  const grant = { token: 'cpt_dev', staffId: developmentStaffId, role: 'coordinator' as const };

  test('is good once', () => {
    const signIn = new SignInCode(grant);
    expect(() => signIn.redeem(`${signIn.code}x`)).toThrow(/not valid|unknown/);
    expect(signIn.redeem(signIn.code)).toEqual(grant);
    expect(() => signIn.redeem(signIn.code)).toThrow(/already used/);
  });

  test('expires 15 minutes after it was made', () => {
    let now = Date.parse('2027-01-04T09:00:00Z');
    const signIn = new SignInCode(grant, () => now);
    now += 15 * 60 * 1000;
    expect(() => signIn.redeem(signIn.code)).toThrow(/older than 15 minutes/);
  });
});
