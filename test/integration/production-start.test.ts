import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../api/tokens';
import { compiledEntryPoint } from '../../testkit/services';

/**
 * The services started without `npm start` (workers/production-entry.js) are a production
 * deployment: missing or malformed credentials stop them before anything connects, with every
 * variable to fix named and no secret printed.
 */

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'carepath-production-start-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The test runner's environment without any carepath setting, as a fresh deployment has it. */
const bareEnvironment = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CAREPATH_')));

const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, [compiledEntryPoint('workers/production-entry.js')], {
    env: {
      ...bareEnvironment(),
      // Never reached: start-up must stop before it connects.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      KAFKA_BROKERS: '127.0.0.1:1',
      CAREPATH_DATA_DIR: join(dir, 'data'),
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });

test('without CAREPATH_MODE it is production: no credentials, no start, each missing one named, no secret printed', () => {
  const secretKey = randomBytes(31).toString('base64');
  const run = start({ CAREPATH_PAYLOAD_KEYS: `k1:${secretKey}!` });
  expect(run.status).toBe(1);
  for (const variable of [
    'CAREPATH_API_TOKENS_FILE',
    'CAREPATH_OPERATOR_TOKENS_FILE',
    'CAREPATH_INTEGRATION_ID',
  ])
    expect(run.stderr).toMatch(new RegExp(`${variable}=\\(unset\\): required outside local mode`));
  expect(run.stderr).toContain('CAREPATH_PAYLOAD_KEYS=(set; a secret, not shown): expected keyId:base64key');
  expect(`${run.stdout}${run.stderr}`).not.toContain(secretKey);
  // Nothing was made up in its place.
  expect(run.stderr).not.toMatch(/development token|payload-keys/);
});

/** Writes production's key and token files (valid unless `files` says otherwise); answers the variables naming them. */
function credentialFiles(files: { keys?: string; operators?: string }): Record<string, string> {
  const written = {
    keys: `k1:${randomBytes(32).toString('base64')}\n`,
    operators: '{"operators": []}',
    ...files,
  };
  writeFileSync(join(dir, 'payload-keys'), written.keys);
  writeFileSync(join(dir, 'operators.json'), written.operators);
  writeFileSync(join(dir, 'api-tokens.json'), '{"tokens": []}');
  return {
    CAREPATH_PAYLOAD_KEYS_FILE: join(dir, 'payload-keys'),
    CAREPATH_OPERATOR_TOKENS_FILE: join(dir, 'operators.json'),
    CAREPATH_API_TOKENS_FILE: join(dir, 'api-tokens.json'),
    CAREPATH_INTEGRATION_ID: 'ehr-east',
  };
}

test.each([
  {
    what: 'a payload key of the wrong length',
    variable: 'CAREPATH_PAYLOAD_KEYS_FILE',
    files: (secret: string) => ({ keys: `k1:${Buffer.from(secret).subarray(0, 20).toString('base64')}\n` }),
    secretOf: (secret: string) => Buffer.from(secret).subarray(0, 20).toString('base64'),
  },
  {
    what: 'an operator tokens file holding a plain token',
    variable: 'CAREPATH_OPERATOR_TOKENS_FILE',
    files: (secret: string) => ({
      operators: `{"operators": [{"sha256": "${secret}", "operatorId": "ops-1"}]}`,
    }),
    secretOf: (secret: string) => secret,
  },
])('$what stops start-up naming $variable, never the secret', ({ variable, files, secretOf }) => {
  const secret = generateToken();
  // Plaintext allowed, so that the file is the one thing wrong.
  const run = start({ ...credentialFiles(files(secret)), CAREPATH_ALLOW_PLAINTEXT: 'true' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(variable);
  expect(`${run.stdout}${run.stderr}`).not.toContain(secretOf(secret));
});

test('with every credential but plaintext Temporal and Kafka it does not start, naming the variables that encrypt them', () => {
  const run = start(credentialFiles({}));
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('TEMPORAL_TLS=(unset): production refuses a plaintext connection to Temporal');
  expect(run.stderr).toContain('KAFKA_SSL=(unset): production refuses a plaintext connection to Kafka');
  expect(run.stderr).toContain('CAREPATH_ALLOW_PLAINTEXT=true');
});
