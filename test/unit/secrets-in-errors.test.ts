import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, readTokensFile } from '../../api/tokens';
import { loadKeyRing } from '../../codec/key-ring';
import { loadOperatorTokens } from '../../codec/operator-tokens';
import { loadLocalConfig } from '../../config';

/**
 * Start-up errors about keys and token files say which variable and what is wrong, never a secret:
 * they end up in deployment logs.
 */
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'carepath-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const messageOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}\n${JSON.stringify(error)}`;
  }
  throw new Error('expected start-up to be refused');
};

test('a malformed payload keys file names the variable and the problem, not the key', async () => {
  const shortKey = randomBytes(31).toString('base64');
  const idlessKey = randomBytes(32).toString('base64');
  for (const [content, problem] of [
    [`k1:${shortKey}\n`, 'key k1 is not 32 bytes'],
    [`${idlessKey}\n`, 'does not read keyId:base64key'],
  ] as const) {
    const file = join(dir, 'payload-keys');
    writeFileSync(file, content);
    const message = await messageOf(() =>
      loadKeyRing(loadLocalConfig({ CAREPATH_PAYLOAD_KEYS_FILE: file }, dir)),
    );
    expect(message).toContain(problem);
    expect(message).toContain('CAREPATH_PAYLOAD_KEYS_FILE');
    expect(message).not.toContain(shortKey);
    expect(message).not.toContain(idlessKey);
  }
});

test('an API tokens file holding plain tokens or a token acting as an integration names each problem, not the token', async () => {
  const token = generateToken();
  const file = join(dir, 'api-tokens.json');
  writeFileSync(
    file,
    JSON.stringify({
      tokens: [
        { sha256: token, staffId: 'staff-1', role: 'coordinator' },
        { sha256: 'a'.repeat(64), staffId: 'ehr', role: 'clinician', staffRole: 'integration' },
      ],
    }),
  );
  const message = await messageOf(() => readTokensFile(file));
  expect(message).toContain('CAREPATH_API_TOKENS_FILE');
  expect(message).toContain('tokens.0.sha256: expected the sha256 of the token');
  expect(message).toContain('tokens.1.staffRole');
  expect(message).not.toContain(token);
  expect(message).not.toContain(token.slice(4, 20));
});

test('an operator tokens file that is not JSON names the variable, not its content', async () => {
  const token = generateToken();
  const file = join(dir, 'operators.json');
  writeFileSync(file, `{ "operators": [ ${token} ] }`);
  const message = await messageOf(() =>
    loadOperatorTokens(loadLocalConfig({ CAREPATH_OPERATOR_TOKENS_FILE: file }, dir)),
  );
  expect(message).toContain('CAREPATH_OPERATOR_TOKENS_FILE');
  expect(message).toContain('it is not JSON');
  expect(message).not.toContain(token);
});
