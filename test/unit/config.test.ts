import { join } from 'node:path';
import { ConfigError, configVariables, loadConfig, loadLocalConfig } from '../../config';

describe('loadLocalConfig', () => {
  test('defaults describe the local stack on loopback', () => {
    const config = loadLocalConfig({ HOME: '/home/coordinator' }, '/repo');
    expect(config).toEqual({
      mode: 'local',
      role: 'all',
      health: { host: '127.0.0.1', port: 8235 },
      drainDelaySeconds: 0,
      temporal: {
        address: '127.0.0.1:7233',
        namespace: 'default',
        taskQueue: 'carepath-journeys',
        maxCachedWorkflows: 500,
        uiPort: 8233,
        connection: { tls: false, metadata: {} },
      },
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'carepath',
        controllerPort: 9093,
        consumerGroup: 'carepath-bridge',
        topicPartitions: 6,
        maxInboundMessageBytes: 65536,
        maxRecordBytes: 1048576,
        connection: { ssl: false },
      },
      inbound: {
        maxEventClockSkewSeconds: 300,
        bridgeStallSeconds: 60,
        bridgeConcurrency: 16,
        integrationId: 'local-integration',
      },
      reads: { maxConcurrentQueries: 8, maxQueuedQueries: 256 },
      api: { host: '127.0.0.1', port: 3000, idempotencyMaxBytes: 64 * 1024 * 1024 },
      payloadKeys: {},
      codec: {
        host: '127.0.0.1',
        port: 8234,
        corsOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'],
      },
      programsDir: join(__dirname, '..', '..', 'programs'),
      dataDir: '/repo/.data',
      cacheDir: expect.stringMatching(/\/\.cache\/carepath$/),
    });
  });

  test('programs come from CAREPATH_PROGRAMS_DIR, relative to the working directory', () => {
    expect(loadLocalConfig({ CAREPATH_PROGRAMS_DIR: 'my-programs' }, '/repo').programsDir).toBe(
      '/repo/my-programs',
    );
  });

  test('the cache follows CAREPATH_CACHE_DIR, else XDG_CACHE_HOME', () => {
    expect(loadLocalConfig({ XDG_CACHE_HOME: '/xdg' }, '/repo').cacheDir).toBe('/xdg/carepath');
    expect(loadLocalConfig({ XDG_CACHE_HOME: '/xdg', CAREPATH_CACHE_DIR: 'cache' }, '/repo').cacheDir).toBe(
      '/repo/cache',
    );
  });

  test('the allowed clock skew of inbound events is configurable', () => {
    expect(loadLocalConfig({ CAREPATH_MAX_CLOCK_SKEW_SECONDS: '30' }).inbound.maxEventClockSkewSeconds).toBe(
      30,
    );
  });

  test("the bound on a process's queries of open journeys is read from the environment", () => {
    expect(
      loadLocalConfig({ CAREPATH_MAX_CONCURRENT_QUERIES: '4', CAREPATH_MAX_QUEUED_QUERIES: '0' }).reads,
    ).toEqual({ maxConcurrentQueries: 4, maxQueuedQueries: 0 });
  });

  test('several brokers are read from a comma-separated list', () => {
    expect(loadLocalConfig({ KAFKA_BROKERS: 'a:9092, b:9093' }).kafka.brokers).toEqual(['a:9092', 'b:9093']);
  });

  test.each([
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS="localhost": expected host:port/],
    ['KAFKA_BROKERS', '127.0.0.1:9092,oops', /KAFKA_BROKERS="127.0.0.1:9092,oops": expected host:port/],
    ['CAREPATH_API_PORT', '70000', /CAREPATH_API_PORT="70000": expected a TCP port number \(1-65535\)/],
    ['TEMPORAL_UI_PORT', 'eighty', /TEMPORAL_UI_PORT="eighty": expected a TCP port number/],
    ['TEMPORAL_MAX_CACHED_WORKFLOWS', '1', /TEMPORAL_MAX_CACHED_WORKFLOWS="1": expected a whole number/],
    ['CAREPATH_MODE', 'staging', /CAREPATH_MODE="staging": expected 'local' or 'production'/],
    ['TEMPORAL_TASK_QUEUE', 'has space', /TEMPORAL_TASK_QUEUE="has space": expected letters, digits/],
    ['CAREPATH_HEALTH_PORT', '0', /CAREPATH_HEALTH_PORT="0": expected a TCP port number/],
    [
      'CAREPATH_DRAIN_DELAY_SECONDS',
      '1h',
      /CAREPATH_DRAIN_DELAY_SECONDS="1h": expected a whole number of seconds/,
    ],
    [
      'CAREPATH_IDEMPOTENCY_MAX_BYTES',
      '1024',
      /CAREPATH_IDEMPOTENCY_MAX_BYTES="1024": expected a size in bytes \(65536-1073741824\)/,
    ],
    [
      'CAREPATH_MAX_CONCURRENT_QUERIES',
      '0',
      /CAREPATH_MAX_CONCURRENT_QUERIES="0": expected a whole number of queries \(1-1000\)/,
    ],
    [
      'CAREPATH_MAX_CLOCK_SKEW_SECONDS',
      '-5',
      /CAREPATH_MAX_CLOCK_SKEW_SECONDS="-5": expected a whole number of seconds/,
    ],
  ])('a bad %s stops start-up naming the variable and what is allowed', (variable, value, message) => {
    expect(() => loadLocalConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadLocalConfig({ [variable]: value })).toThrow(message);
  });

  test('every bad variable is reported at once', () => {
    try {
      loadLocalConfig({ TEMPORAL_ADDRESS: 'x', CAREPATH_API_PORT: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
        'CAREPATH_API_PORT',
        'TEMPORAL_ADDRESS',
      ]);
    }
  });

  test('lists the variables it reads', () => {
    expect(configVariables).toEqual(
      expect.arrayContaining(['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'CAREPATH_API_PORT']),
    );
  });
});

describe('fail-closed start-up', () => {
  /** The ConfigError a production start with this environment stops on. */
  const problemsOf = (env: NodeJS.ProcessEnv): ConfigError => {
    let refusal: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    return refusal as ConfigError;
  };
  const secret = 'k1:c2VjcmV0LXBheWxvYWQta2V5LW5vdC1iYXNlNjQ=!';
  const production = {
    CAREPATH_API_TOKENS_FILE: '/etc/carepath/api-tokens.json',
    CAREPATH_PAYLOAD_KEYS_FILE: '/etc/carepath/payload-keys',
    CAREPATH_OPERATOR_TOKENS_FILE: '/etc/carepath/operators.json',
    CAREPATH_INTEGRATION_ID: 'ehr-east',
    TEMPORAL_TLS: 'true',
    KAFKA_SSL: 'true',
  };

  test('a deployment that sets no mode is production and names every missing credential', () => {
    const error = problemsOf({});
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CAREPATH_API_TOKENS_FILE',
      'CAREPATH_INTEGRATION_ID',
      'CAREPATH_OPERATOR_TOKENS_FILE',
      'CAREPATH_PAYLOAD_KEYS_FILE',
      'KAFKA_SSL',
      'TEMPORAL_TLS',
    ]);
    expect(error.message).toMatch(/CAREPATH_INTEGRATION_ID=\(unset\): required outside local mode/);
  });

  test('a bad variable does not hide what is missing', () => {
    const error = problemsOf({ CAREPATH_PAYLOAD_KEYS: secret, TEMPORAL_ADDRESS: 'nowhere' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CAREPATH_API_TOKENS_FILE',
      'CAREPATH_INTEGRATION_ID',
      'CAREPATH_OPERATOR_TOKENS_FILE',
      'CAREPATH_PAYLOAD_KEYS',
      'KAFKA_SSL',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_TLS',
    ]);
    expect(error.message).not.toContain('c2VjcmV0');
  });

  test('with its credentials it starts as production, recording the inbound topic under the integration id', () => {
    const config = loadConfig(production);
    expect(config.mode).toBe('production');
    expect(config.inbound.integrationId).toBe('ehr-east');
  });

  test('local tools are local unless told otherwise', () => {
    expect(loadLocalConfig({}).mode).toBe('local');
    expect(() => loadLocalConfig({ CAREPATH_MODE: 'production' })).toThrow(/CAREPATH_API_TOKENS_FILE/);
  });

  test('a malformed CAREPATH_PAYLOAD_KEYS is named with its problem, never its value', () => {
    const { CAREPATH_PAYLOAD_KEYS_FILE: _file, ...rest } = production;
    const error = problemsOf({ ...rest, CAREPATH_PAYLOAD_KEYS: secret });
    expect(error.message).toContain(
      'CAREPATH_PAYLOAD_KEYS=(set; a secret, not shown): expected keyId:base64key',
    );
    expect(error.problems).toEqual([
      expect.objectContaining({ variable: 'CAREPATH_PAYLOAD_KEYS', set: true, value: undefined }),
    ]);
    for (const rendered of [error.message, JSON.stringify(error.problems), String(error.stack)])
      expect(rendered).not.toContain('c2VjcmV0');
  });

  test('other variables are shown as given, to help fix them', () => {
    expect(() => loadConfig({ ...production, TEMPORAL_ADDRESS: 'nowhere' })).toThrow(
      'TEMPORAL_ADDRESS="nowhere"',
    );
  });
});
