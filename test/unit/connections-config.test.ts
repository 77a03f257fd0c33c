import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig, loadLocalConfig, secretVariables } from '../../config';
import { describeKafkaConnection, kafkaSecretVariables } from '../../config/kafka-connection';
import {
  describeTemporalConnection,
  temporalConnectOptions,
  temporalSecretVariables,
} from '../../config/temporal-connection';

const dir = mkdtempSync(join(tmpdir(), 'carepath-connections-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const keyText = '-----BEGIN PRIVATE KEY-----\nclient-key-material\n-----END PRIVATE KEY-----\n';
const key = file('client.key', keyText);
const apiKey = 'tmprl-api-key-0123456789';
const apiKeyFile = file('temporal-api-key', `${apiKey}\n`);
const password = 'scram-password-9876';
const passwordFile = file('kafka-password', `${password}\n`);

/** Every problem the configuration reports, as the message an operator reads. */
const failure = (env: NodeJS.ProcessEnv, load = loadLocalConfig): ConfigError => {
  try {
    load(env, dir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};
const variablesOf = (error: ConfigError) => error.problems.map((p) => p.variable).sort();

describe('the Temporal connection (the variables of Temporal’s own tooling)', () => {
  test('mTLS with the server’s CA and a server name, from files', () => {
    const config = loadLocalConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    });
    const options = temporalConnectOptions(config.temporal);
    expect(options.address).toBe('temporal.internal:7233');
    expect(options.tls).toEqual({
      serverNameOverride: 'frontend.temporal.internal',
      serverRootCACertificate: Buffer.from('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n'),
      clientCertPair: {
        crt: Buffer.from('-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n'),
        key: Buffer.from(keyText),
      },
    });
    expect(describeTemporalConnection(config.temporal.connection)).toEqual({ tls: 'mtls', apiKey: false });
  });

  test('an API key from a file is sent by the SDK and turns TLS on, as Temporal Cloud needs', () => {
    const config = loadLocalConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_API_KEY_FILE: apiKeyFile,
    });
    const options = temporalConnectOptions(config.temporal);
    expect(options.apiKey).toBe(apiKey);
    expect(options.tls).toEqual({});
    expect(describeTemporalConnection(config.temporal.connection)).toEqual({ tls: 'tls', apiKey: true });
  });

  test('TEMPORAL_TLS=false keeps an API key on a plain connection; nothing set is plain too', () => {
    expect(
      temporalConnectOptions(loadLocalConfig({ TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS: 'false' }).temporal)
        .tls,
    ).toBe(false);
    expect(variablesOf(failure({ TEMPORAL_TLS: 'yes' }))).toEqual(['TEMPORAL_TLS']);
    expect(variablesOf(failure({ KAFKA_SSL: 'on' }))).toEqual(['KAFKA_SSL']);
    expect(temporalConnectOptions(loadLocalConfig({}).temporal)).toEqual({
      address: '127.0.0.1:7233',
      tls: false,
      metadata: {},
    });
  });

  test('a profile file chosen by TEMPORAL_PROFILE, with the environment overriding it', () => {
    const profiles = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "127.0.0.1:7233"',
        '[profile.prod]',
        'address = "prod.acct.tmprl.cloud:7233"',
        'namespace = "prod.acct"',
        `api_key = "${apiKey}"`,
        '[profile.prod.grpc_meta]',
        'x-clinic = "north"',
        '',
      ].join('\n'),
    );
    const fromFile = loadLocalConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'prod' });
    expect(fromFile.temporal.address).toBe('prod.acct.tmprl.cloud:7233');
    expect(fromFile.temporal.namespace).toBe('prod.acct');
    expect(temporalConnectOptions(fromFile.temporal)).toMatchObject({
      apiKey,
      tls: {},
      metadata: { 'x-clinic': 'north' },
    });
    const overridden = loadLocalConfig({
      TEMPORAL_CONFIG_FILE: profiles,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'staging',
    });
    expect(overridden.temporal.namespace).toBe('staging');
    expect(variablesOf(failure({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'nope' }))).toEqual([
      'TEMPORAL_PROFILE',
    ]);
  });

  test('the default profile file is read only when asked for', () => {
    const home = mkdtempSync(join(tmpdir(), 'carepath-home-'));
    const configDir = join(home, '.config', 'temporalio');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'temporal.toml'), '[profile.default]\naddress = "cloud.example:7233"\n');
    expect(loadLocalConfig({ HOME: home }).temporal.address).toBe('127.0.0.1:7233');
    expect(loadLocalConfig({ HOME: home, TEMPORAL_PROFILE: 'default' }).temporal.address).toBe(
      'cloud.example:7233',
    );
  });

  test('a client certificate without its key, or an unreadable file, names the variable and no secret', () => {
    const error = failure({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing-ca.pem'),
      TEMPORAL_API_KEY: apiKey,
      TEMPORAL_API_KEY_FILE: apiKeyFile,
    });
    expect(variablesOf(error)).toEqual([
      'TEMPORAL_API_KEY_FILE',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    ]);
    expect(error.message).toMatch(
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH=".*missing-ca\.pem": cannot read the file \(ENOENT\)/,
    );
    expect(error.message).toMatch(
      /TEMPORAL_TLS_CLIENT_KEY_PATH=\(unset\): required with TEMPORAL_TLS_CLIENT_CERT_PATH/,
    );
    expect(error.message).not.toContain(apiKey);
  });
});

describe('the Kafka connection', () => {
  test('SASL_SSL with SCRAM-SHA-512, the password from a file and the brokers’ CA', () => {
    const config = loadLocalConfig({
      CAREPATH_MODE: 'local',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'carepath',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    const { connection } = config.kafka;
    expect(connection.ssl).toEqual({ ca: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n' });
    expect(connection.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'carepath' });
    expect(connection.sasl?.mechanism !== 'oauthbearer' && connection.sasl?.password.reveal()).toBe(password);
    expect(describeKafkaConnection(connection)).toEqual({ ssl: 'tls', sasl: 'scram-sha-512' });
  });

  test('OAUTHBEARER reads its token from a file; a client certificate alone turns SSL on', () => {
    const token = file('token', 'eyJ.token.sig\n');
    const config = loadLocalConfig(
      {
        KAFKA_SSL_CERT_FILE: cert,
        KAFKA_SSL_KEY_FILE: key,
        KAFKA_SASL_MECHANISM: 'oauthbearer',
        KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: 'token',
      },
      dir,
    );
    expect(config.kafka.connection.sasl).toEqual({ mechanism: 'oauthbearer', tokenFile: token });
    expect(describeKafkaConnection(config.kafka.connection)).toEqual({ ssl: 'mtls', sasl: 'oauthbearer' });
  });

  test('missing credentials are named; a password never appears in the message', () => {
    expect(variablesOf(failure({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256' }))).toEqual([
      'KAFKA_SASL_PASSWORD_FILE',
      'KAFKA_SASL_USERNAME',
    ]);
    expect(variablesOf(failure({ KAFKA_SASL_MECHANISM: 'gssapi' }))).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(variablesOf(failure({ KAFKA_SASL_USERNAME: 'carepath' }))).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(variablesOf(failure({ KAFKA_SSL_CERT_FILE: cert }))).toEqual(['KAFKA_SSL_KEY_FILE']);
    const both = failure({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'carepath',
      KAFKA_SASL_PASSWORD: password,
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(variablesOf(both)).toEqual(['KAFKA_SASL_PASSWORD_FILE']);
    expect(both.message).not.toContain(password);
  });

  test('outside local mode, SASL without SSL is refused: the credentials would cross the network in clear', () => {
    const error = failure({
      CAREPATH_MODE: 'production',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'carepath',
      KAFKA_SASL_PASSWORD: password,
    });
    expect(variablesOf(error)).toContain('KAFKA_SSL');
    expect(error.message).not.toContain(password);
  });
});

describe('production refuses plaintext connections', () => {
  /** Everything else production needs, so only the connections are in question. */
  const production = {
    CAREPATH_API_TOKENS_FILE: '/etc/carepath/api-tokens.json',
    CAREPATH_PAYLOAD_KEYS_FILE: '/etc/carepath/payload-keys',
    CAREPATH_OPERATOR_TOKENS_FILE: '/etc/carepath/operators.json',
    CAREPATH_INTEGRATION_ID: 'ehr-east',
  };
  const productionFailure = (env: NodeJS.ProcessEnv) => failure({ ...production, ...env }, loadConfig);

  test('plaintext Temporal and Kafka stop start-up, each naming the variable that turns encryption on and the opt-out', () => {
    const error = productionFailure({});
    expect(variablesOf(error)).toEqual(['KAFKA_SSL', 'TEMPORAL_TLS']);
    expect(error.message).toMatch(
      /TEMPORAL_TLS=\(unset\): production refuses a plaintext connection to Temporal: set TEMPORAL_TLS=true/,
    );
    expect(error.message).toMatch(
      /KAFKA_SSL=\(unset\): production refuses a plaintext connection to Kafka: set KAFKA_SSL=true/,
    );
    expect(error.message).toContain('only behind a private network or service mesh');
    expect(error.message).toContain('CAREPATH_ALLOW_PLAINTEXT=true');
    // Turned off explicitly is refused the same way, with the value shown.
    expect(productionFailure({ TEMPORAL_TLS: 'true', KAFKA_SSL: 'false' }).message).toContain(
      'KAFKA_SSL="false": production refuses',
    );
  });

  test('each encrypted side passes on its own; both encrypted, production starts', () => {
    expect(variablesOf(productionFailure({ TEMPORAL_TLS: 'true' }))).toEqual(['KAFKA_SSL']);
    expect(variablesOf(productionFailure({ KAFKA_SSL_CA_FILE: ca }))).toEqual(['TEMPORAL_TLS']);
    // An API key turns TLS on, as Temporal's tooling does.
    const config = loadConfig({ ...production, TEMPORAL_API_KEY_FILE: apiKeyFile, KAFKA_SSL: 'true' }, dir);
    expect(config.temporal.connection.tls).toEqual({});
    expect(config.kafka.connection.ssl).toEqual({});
  });

  test('CAREPATH_ALLOW_PLAINTEXT=true lets production run in clear, except SASL credentials', () => {
    const config = loadConfig({ ...production, CAREPATH_ALLOW_PLAINTEXT: 'true' }, dir);
    expect(config.temporal.connection.tls).toBe(false);
    expect(config.kafka.connection.ssl).toBe(false);
    const sasl = productionFailure({
      CAREPATH_ALLOW_PLAINTEXT: 'true',
      TEMPORAL_TLS: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'carepath',
      KAFKA_SASL_PASSWORD: password,
    });
    expect(variablesOf(sasl)).toEqual(['KAFKA_SSL']);
    expect(sasl.message).toContain('SASL credentials would cross the network in clear');
    expect(variablesOf(productionFailure({ CAREPATH_ALLOW_PLAINTEXT: 'yes' }))).toEqual([
      'CAREPATH_ALLOW_PLAINTEXT',
      'KAFKA_SSL',
      'TEMPORAL_TLS',
    ]);
  });

  test('local mode is unaffected: plaintext on loopback, as the local stack runs', () => {
    const config = loadLocalConfig({}, dir);
    expect(config.temporal.connection.tls).toBe(false);
    expect(config.kafka.connection.ssl).toBe(false);
    expect(loadConfig({ CAREPATH_MODE: 'local' }, dir).kafka.connection.ssl).toBe(false);
  });
});

test('the secret variables of every connection module are hidden by the one redaction', () => {
  for (const variable of [...temporalSecretVariables, ...kafkaSecretVariables, 'CAREPATH_PAYLOAD_KEYS']) {
    expect(secretVariables.has(variable)).toBe(true);
    const error = new ConfigError([{ variable, value: 'credential-value-42', message: 'is wrong' }]);
    expect(error.message).toContain(`${variable}=(set; a secret, not shown): is wrong`);
    expect(JSON.stringify(error.problems)).not.toContain('credential-value-42');
  }
  expect(
    new ConfigError([{ variable: 'KAFKA_SASL_USERNAME', value: 'carepath', message: 'x' }]).message,
  ).toContain('KAFKA_SASL_USERNAME="carepath"');
});

describe('HTTPS for the API and the codec server', () => {
  test('both files give a certificate; one alone names the other', () => {
    const config = loadLocalConfig({ CAREPATH_API_TLS_CERT_FILE: cert, CAREPATH_API_TLS_KEY_FILE: key });
    expect(config.api.tls?.key.reveal()).toBe(keyText);
    expect(config.codec.tls).toBeUndefined();
    expect(variablesOf(failure({ CAREPATH_CODEC_TLS_KEY_FILE: key }))).toEqual([
      'CAREPATH_CODEC_TLS_CERT_FILE',
    ]);
  });
});

test('a configuration with every credential prints none of them', () => {
  const config = loadLocalConfig({
    TEMPORAL_API_KEY: apiKey,
    TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: key,
    KAFKA_SSL: 'true',
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: 'carepath',
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    CAREPATH_API_TLS_CERT_FILE: cert,
    CAREPATH_API_TLS_KEY_FILE: key,
  });
  for (const printed of [
    JSON.stringify(config),
    inspect(config, { depth: 10 }),
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a careless String() is what this guards against
    String(config.kafka.connection.sasl),
  ]) {
    expect(printed).not.toContain(apiKey);
    expect(printed).not.toContain(password);
    expect(printed).not.toContain('client-key-material');
  }
});

test('a bad inline payload key is reported without its value', () => {
  const error = failure({ CAREPATH_PAYLOAD_KEYS: 'k1:not base64!' });
  expect(error.message).toContain('CAREPATH_PAYLOAD_KEYS=(set; a secret, not shown)');
  expect(error.message).not.toContain('not base64!');
});
