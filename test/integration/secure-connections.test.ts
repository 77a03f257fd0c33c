import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { kafkaClient } from '../../activities/kafka/connection';
import type { KafkaProducer } from '../../activities/kafka/producer';
import { hashToken, generateToken } from '../../api/tokens';
import { inboundRecord, onTopic, SyntheticClient } from '../../testkit/inbound';
import { compiledEntryPoint, startServicesProcess, type ServicesProcess } from '../../testkit/services';
import { outboundTopics, Tap } from '../../testkit/tap';
import { loadLocalConfig } from '../../config';
import { temporalConnectOptions } from '../../config/temporal-connection';
import { ensureInstalled } from '../../infra/install';
import { startKafkaBroker, waitForKafka } from '../../infra/kafka-broker';
import { freePort } from '../../infra/ports';
import { stopServer, type ServerProcess } from '../../infra/processes';
import { carepathTopics } from '../../schemas/contract';
import { testStack } from '../stack/test-stack';
import { makeTestCertificates, startTlsFrontend, type TestCertificates } from './tls-harness';

jest.setTimeout(240_000);

/**
 * `node lib/workers/production-entry.js` configured by environment variables and secret files only,
 * against a Temporal frontend that requires mTLS and a Kafka listener that requires SASL_SSL (SCRAM),
 * both started here with real certificates; the API and codec server answer over HTTPS.
 */
const dir = mkdtempSync(join(tmpdir(), 'carepath-secure-'));
const kafkaPassword = randomBytes(18).toString('base64url');
const plainPassword = randomBytes(18).toString('base64url');
const temporalApiKey = `tmprl-${randomBytes(18).toString('base64url')}`;
const apiToken = generateToken();
const secretFile = (name: string, content: string) => {
  const path = join(dir, 'secrets', name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

let certificates: TestCertificates;
let broker: ServerProcess;
let brokers: string[];
let frontend: Awaited<ReturnType<typeof startTlsFrontend>>;
/** The run's plaintext Temporal dev server, behind the TLS frontends. */
let devServer: { host: string; port: number };
let secureEnv: Record<string, string>;

beforeAll(async () => {
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  mkdirSync(join(dir, 'logs'));
  certificates = makeTestCertificates(join(dir, 'certificates'));
  const install = await ensureInstalled(loadLocalConfig().cacheDir, () => undefined);
  const plaintextPort = await freePort();
  const saslSslPort = await freePort();
  broker = startKafkaBroker({
    java: install.java,
    libs: install.kafkaLibs,
    dir: join(dir, 'kafka'),
    port: plaintextPort,
    controllerPort: await freePort(),
    logFile: join(dir, 'logs', 'kafka.log'),
    saslSsl: {
      port: saslSslPort,
      keystorePemFile: certificates.serverKeystoreFile,
      scramUsers: [
        { mechanism: 'SCRAM-SHA-512', name: 'carepath', password: kafkaPassword },
        { mechanism: 'SCRAM-SHA-256', name: 'carepath', password: kafkaPassword },
      ],
      plainUsers: [{ name: 'carepath-plain', password: plainPassword }],
      unsecuredOauthbearer: true,
    },
  });
  brokers = [`127.0.0.1:${saslSslPort}`];
  const [host, port] = testStack().stack.temporal.address.split(':');
  devServer = { host: host ?? '127.0.0.1', port: Number(port) };
  [frontend] = await Promise.all([
    startTlsFrontend({ certificates, upstream: devServer, requireClientCert: true }),
    waitForKafka(broker, [`127.0.0.1:${plaintextPort}`]),
  ]);
  const run = randomUUID().slice(0, 8);
  secureEnv = {
    CAREPATH_MODE: 'production',
    CAREPATH_INTEGRATION_ID: 'ehr-secure',
    TEMPORAL_NAMESPACE: 'default',
    // The run's Temporal is shared with other test files.
    TEMPORAL_TASK_QUEUE: `carepath-secure-${run}`,
    KAFKA_CONSUMER_GROUP: `carepath-secure-${run}`,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caFile,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.clientCertFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.clientKeyFile,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: certificates.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'carepath',
    KAFKA_SASL_PASSWORD_FILE: secretFile('kafka-password', `${kafkaPassword}\n`),
    CAREPATH_API_TLS_CERT_FILE: certificates.serverCertFile,
    CAREPATH_API_TLS_KEY_FILE: certificates.serverKeyFile,
    CAREPATH_CODEC_TLS_CERT_FILE: certificates.serverCertFile,
    CAREPATH_CODEC_TLS_KEY_FILE: certificates.serverKeyFile,
    CAREPATH_API_TOKENS_FILE: secretFile(
      'api-tokens.json',
      JSON.stringify({
        tokens: [{ sha256: hashToken(apiToken), staffId: 'staff-secure-1', role: 'coordinator' }],
      }),
    ),
    CAREPATH_OPERATOR_TOKENS_FILE: secretFile(
      'operator-tokens.json',
      JSON.stringify({ operators: [{ sha256: hashToken(generateToken()), operatorId: 'ops-secure-1' }] }),
    ),
    CAREPATH_PAYLOAD_KEYS_FILE: secretFile('payload-keys', `k1:${randomBytes(32).toString('base64')}\n`),
  };
}, 240_000);

afterAll(async () => {
  await frontend?.close();
  if (broker) await stopServer(broker);
  if (!process.env.CAREPATH_KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
});

/** An HTTPS request that trusts only the test CA. */
function httpsRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, ca: readFileSync(certificates.caFile) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('secure connections', () => {
  let services: ServicesProcess | undefined;
  let producer: KafkaProducer | undefined;
  let tap: Tap | undefined;
  afterEach(async () => {
    await tap?.stop();
    await producer?.disconnect();
    await services?.stop();
  });

  test('the services start from variables and secret files against mTLS Temporal and SASL_SSL Kafka, and carry an admission end to end', async () => {
    services = await startServicesProcess(
      { dataDir: dir, temporalAddress: frontend.address, brokers },
      { name: 'secure-services', env: secureEnv },
    );
    const log = readFileSync(services.logFile, 'utf8');
    const started = log.split('\n').find((line) => line.includes('carepath services started')) ?? '';
    const line = JSON.parse(started) as Record<string, unknown>;
    expect(line).toMatchObject({
      temporalTls: 'mtls',
      temporalApiKey: false,
      kafkaSsl: 'tls',
      kafkaSasl: 'scram-sha-512',
    });
    const api = String(line.apiUrl);
    expect(api).toMatch(/^https:\/\//);
    expect(String(line.codecUrl)).toMatch(/^https:\/\//);
    // carepath's own certificate opened the connections through the mTLS frontend.
    expect(frontend.clients).toContain('carepath');

    const health = await httpsRequest(`${api}/healthz`);
    expect(health.status).toBe(200);

    // The same settings carry the EHR feed's admission in over SASL_SSL and the care events out.
    const config = loadLocalConfig({ ...secureEnv, KAFKA_BROKERS: brokers.join(',') });
    const kafka = kafkaClient(config.kafka, { clientId: 'carepath-secure-test' });
    const outbound = await Tap.start(kafka, outboundTopics());
    tap = outbound;
    const feed = kafka.producer({ idempotent: false });
    producer = feed;
    await feed.connect();
    const client = new SyntheticClient(`secure-${randomUUID().slice(0, 8)}`, 'default');
    await feed.send(onTopic(carepathTopics['client-events'], [inboundRecord(client.admitted())]));

    const deadline = Date.now() + 90_000;
    let state = { status: 0, body: '' };
    while (Date.now() < deadline) {
      state = await httpsRequest(`${api}/v1/clients/${client.clientId}`, {
        headers: { authorization: `Bearer ${apiToken}` },
      });
      if (state.status === 200 && outbound.outboundOf(client.clientId).length > 0) break;
      await sleep(500);
    }
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).toMatchObject({ clientId: client.clientId, status: 'active' });
    expect(outbound.outboundOf(client.clientId).length).toBeGreaterThan(0);

    const codecAnswer = await httpsRequest(`${String(line.codecUrl)}/decode`, { method: 'POST', body: '{}' });
    expect(codecAnswer.status).toBe(401);
  });

  /** Connects an admin client with carepath's settings from `env`; resolves with the brokers it sees. */
  const brokersSeenWith = async (env: Record<string, string>) => {
    const config = loadLocalConfig({
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SSL_CA_FILE: certificates.caFile,
      ...env,
    });
    const admin = kafkaClient(config.kafka, {
      clientId: 'carepath-secure-test',
      retries: 0,
    }).admin();
    await admin.connect();
    try {
      return await admin.brokerCount();
    } finally {
      await admin.disconnect();
    }
  };

  test('every SASL mechanism carepath offers authenticates over SSL; a wrong password is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (claims: object) => Buffer.from(JSON.stringify(claims)).toString('base64url');
    const token = secretFile(
      'oauth-token',
      `${part({ alg: 'none' })}.${part({ sub: 'carepath', iat: now, exp: now + 3600 })}.\n`,
    );
    const scram256 = {
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'carepath',
      KAFKA_SASL_PASSWORD_FILE: secureEnv.KAFKA_SASL_PASSWORD_FILE ?? '',
    };
    expect(await brokersSeenWith(scram256)).toBe(1);
    expect(
      await brokersSeenWith({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'carepath-plain',
        KAFKA_SASL_PASSWORD: plainPassword,
      }),
    ).toBe(1);
    expect(
      await brokersSeenWith({
        KAFKA_SASL_MECHANISM: 'oauthbearer',
        KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: token,
      }),
    ).toBe(1);
    await expect(
      brokersSeenWith({
        ...scram256,
        KAFKA_SASL_PASSWORD_FILE: secretFile('wrong-password', 'not-the-password\n'),
      }),
    ).rejects.toThrow(/SASL .*authentication failed/i);
  });

  test('an API key alone turns TLS on toward the frontend; the mTLS frontend refuses a client without carepath’s certificate', async () => {
    const tlsOnly = await startTlsFrontend({ certificates, upstream: devServer, requireClientCert: false });
    const serverTls = {
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caFile,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    };
    try {
      const config = loadLocalConfig({
        ...serverTls,
        TEMPORAL_ADDRESS: tlsOnly.address,
        TEMPORAL_API_KEY_FILE: secretFile('temporal-api-key', `${temporalApiKey}\n`),
      });
      const client = await Connection.connect(temporalConnectOptions(config.temporal));
      expect((await client.workflowService.getSystemInfo({})).serverVersion).toMatch(/\d/);
      await client.close();
      const worker = await NativeConnection.connect(temporalConnectOptions(config.temporal));
      await worker.close();
      expect(tlsOnly.clients.length).toBeGreaterThanOrEqual(2);
    } finally {
      await tlsOnly.close();
    }
    const withoutCertificate = loadLocalConfig({
      ...serverTls,
      TEMPORAL_ADDRESS: frontend.address,
      TEMPORAL_TLS: 'true',
    });
    const handshakes = frontend.clients.length;
    await expect(
      Connection.connect({ ...temporalConnectOptions(withoutCertificate.temporal), connectTimeout: 5000 }),
    ).rejects.toThrow();
    expect(frontend.clients).toHaveLength(handshakes);
  });

  test('missing credentials stop the same command with their names, and no secret is printed', () => {
    const {
      KAFKA_SASL_PASSWORD_FILE: _password,
      TEMPORAL_TLS_CLIENT_KEY_PATH: _key,
      ...incomplete
    } = secureEnv;
    const result = spawnSync(process.execPath, [compiledEntryPoint(join('workers', 'production-entry.js'))], {
      env: {
        PATH: process.env.PATH ?? '',
        ...incomplete,
        TEMPORAL_ADDRESS: frontend.address,
        TEMPORAL_API_KEY: temporalApiKey,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_SASL_PASSWORD: '',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(1);
    expect(output).toContain(
      'KAFKA_SASL_PASSWORD_FILE=(unset): required with KAFKA_SASL_MECHANISM=scram-sha-512',
    );
    expect(output).toContain(
      'TEMPORAL_TLS_CLIENT_KEY_PATH=(unset): required with TEMPORAL_TLS_CLIENT_CERT_PATH',
    );
    for (const secret of [kafkaPassword, temporalApiKey, apiToken]) expect(output).not.toContain(secret);
    expect(output).not.toContain('PRIVATE KEY');
  });
});
