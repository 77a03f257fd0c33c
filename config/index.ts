import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { readSettingsSchema, type ReadSettings } from '../client/query-limiter';
import { shippedProgramsDir } from '../programs/load';
import { roleChoiceSchema, type RoleChoice } from './service-roles';
import {
  kafkaConnectionVariables,
  kafkaSecretVariables,
  loadKafkaConnection,
  type KafkaConnectionSettings,
} from './kafka-connection';
import type { OidcSettings } from './oidc';
import { booleanVariable, setVariable, type ConfigProblem } from './secret-files';
import { loadServeTls, serveTlsVariables, type ServeTls } from './serve-tls';
import {
  loadTemporalConnection,
  temporalConnectionVariables,
  temporalSecretVariables,
  type TemporalConnectionSettings,
} from './temporal-connection';

/**
 * carepath's whole runtime configuration, read from environment variables.
 * Each key of `environmentSchema` is the variable's name, so a validation error names
 * exactly the variable an operator must fix.
 */

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'expected host:port, e.g. 127.0.0.1:7233', abort: true })
  .refine((value) => Number(value.split(':')[1]) <= 65535, 'port must be 1-65535');

const port = z.coerce
  .number({ message: 'expected a TCP port number (1-65535)' })
  .int('expected a TCP port number (1-65535)')
  .min(1, 'expected a TCP port number (1-65535)')
  .max(65535, 'expected a TCP port number (1-65535)');

const identifier = (example: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `expected letters, digits, '.', '_' or '-', e.g. ${example}`);

const claimName = z
  .string()
  .regex(/^[A-Za-z0-9_:./-]{1,200}$/, 'expected the name of a claim of the access token, e.g. carepath_role');

/** Memory for remembered idempotent answers when nothing else is configured. */
export const defaultIdempotencyMaxBytes = 64 * 1024 * 1024;

export const modeSchema = z.enum(['local', 'production'], { message: "expected 'local' or 'production'" });
export type CarepathMode = z.infer<typeof modeSchema>;

const readDefaults = readSettingsSchema.parse({});

export const environmentSchema = z.object({
  // No default here: the caller names it (loadConfig fails closed to production, loadLocalConfig is for local tools).
  CAREPATH_MODE: modeSchema,
  CAREPATH_ROLE: roleChoiceSchema.default('all'),
  // Production refuses plaintext Temporal and Kafka connections unless this says the network is private.
  CAREPATH_ALLOW_PLAINTEXT: booleanVariable.default(false),
  CAREPATH_HEALTH_HOST: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1'),
  CAREPATH_HEALTH_PORT: port.default(8235),
  // How long a stopping process answers not-ready before it drains, so load balancers and
  // orchestrators stop sending it work first; set it to their readiness probe period.
  CAREPATH_DRAIN_DELAY_SECONDS: z.coerce
    .number({ message: 'expected a whole number of seconds (0-300)' })
    .int('expected a whole number of seconds (0-300)')
    .min(0, 'expected a whole number of seconds (0-300)')
    .max(300, 'expected a whole number of seconds (0-300)')
    .default(0),
  // No defaults here: a Temporal profile file may set them (config/temporal-connection.ts resolves them).
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: identifier('default').optional(),
  TEMPORAL_TASK_QUEUE: identifier('carepath-journeys').default('carepath-journeys'),
  TEMPORAL_UI_PORT: port.default(8233),
  // Bounds the journeys the worker holds in memory (`npm run bench`, scale, reports a journey's share);
  // the SDK's default sizes the cache by heap limit, not by a memory budget.
  // Journeys beyond it are replayed when they next wake.
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ message: 'expected a whole number of journeys (2-100000)' })
    .int('expected a whole number of journeys (2-100000)')
    .min(2, 'expected a whole number of journeys (2-100000)')
    .max(100000, 'expected a whole number of journeys (2-100000)')
    .default(500),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(hostPort).min(1, 'expected at least one broker as host:port')),
  KAFKA_CLIENT_ID: identifier('carepath').default('carepath'),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_CONSUMER_GROUP: identifier('carepath-bridge').default('carepath-bridge'),
  KAFKA_TOPIC_PARTITIONS: z.coerce
    .number({ message: 'expected a whole number of partitions (1-1000)' })
    .int('expected a whole number of partitions (1-1000)')
    .min(1, 'expected a whole number of partitions (1-1000)')
    .max(1000, 'expected a whole number of partitions (1-1000)')
    .default(6),
  KAFKA_MAX_INBOUND_MESSAGE_BYTES: z.coerce
    .number({ message: 'expected a size in bytes (1024-1048576)' })
    .int('expected a size in bytes (1024-1048576)')
    .min(1024, 'expected a size in bytes (1024-1048576)')
    .max(1048576, 'expected a size in bytes (1024-1048576)')
    .default(65536),
  // The broker's message.max.bytes: dead letters leave out what would make them larger.
  KAFKA_MAX_RECORD_BYTES: z.coerce
    .number({ message: 'expected a size in bytes (65536-104857600)' })
    .int('expected a size in bytes (65536-104857600)')
    .min(65536, 'expected a size in bytes (65536-104857600)')
    .max(104857600, 'expected a size in bytes (65536-104857600)')
    .default(1048576),
  CAREPATH_MAX_CLOCK_SKEW_SECONDS: z.coerce
    .number({ message: 'expected a whole number of seconds (0-86400)' })
    .int('expected a whole number of seconds (0-86400)')
    .min(0, 'expected a whole number of seconds (0-86400)')
    .max(86400, 'expected a whole number of seconds (0-86400)')
    .default(300),
  CAREPATH_BRIDGE_STALL_SECONDS: z.coerce
    .number({ message: 'expected a whole number of seconds (1-86400)' })
    .int('expected a whole number of seconds (1-86400)')
    .min(1, 'expected a whole number of seconds (1-86400)')
    .max(86400, 'expected a whole number of seconds (1-86400)')
    .default(60),
  // Queries of open journeys a process sends at once, and how many more wait (client/query-limiter.ts):
  // each is answered in a workflow task slot of a journey worker, which decisions need too.
  CAREPATH_MAX_CONCURRENT_QUERIES: z.coerce
    .number({ message: 'expected a whole number of queries (1-1000)' })
    .int('expected a whole number of queries (1-1000)')
    .min(1, 'expected a whole number of queries (1-1000)')
    .max(1000, 'expected a whole number of queries (1-1000)')
    .default(readDefaults.maxConcurrentQueries),
  CAREPATH_MAX_QUEUED_QUERIES: z.coerce
    .number({ message: 'expected a whole number of queries (0-100000)' })
    .int('expected a whole number of queries (0-100000)')
    .min(0, 'expected a whole number of queries (0-100000)')
    .max(100000, 'expected a whole number of queries (0-100000)')
    .default(readDefaults.maxQueuedQueries),
  // Records of different clients the bridge handles at once; each client's stay in order.
  CAREPATH_BRIDGE_CONCURRENCY: z.coerce
    .number({ message: 'expected a whole number (1-256)' })
    .int('expected a whole number (1-256)')
    .min(1, 'expected a whole number (1-256)')
    .max(256, 'expected a whole number (1-256)')
    .default(16),
  CAREPATH_API_HOST: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1'),
  CAREPATH_API_PORT: port.default(3000),
  // Remembered idempotent answers, measured as their JSON; the oldest go first beyond it.
  CAREPATH_IDEMPOTENCY_MAX_BYTES: z.coerce
    .number({ message: 'expected a size in bytes (65536-1073741824)' })
    .int('expected a size in bytes (65536-1073741824)')
    .min(65536, 'expected a size in bytes (65536-1073741824)')
    .max(1073741824, 'expected a size in bytes (65536-1073741824)')
    .default(defaultIdempotencyMaxBytes),
  CAREPATH_API_TOKENS_FILE: z
    .string()
    .min(1, 'expected the path of a JSON file of hashed API tokens')
    .optional(),
  // Staff sign-in through an OpenID Provider (api/oidc.ts): JWT access tokens for this audience.
  CAREPATH_OIDC_ISSUER: z
    .url({ message: 'expected the issuer URL of the OpenID Provider, e.g. https://login.example.org' })
    .optional(),
  CAREPATH_OIDC_AUDIENCE: z
    .string()
    .min(1, 'expected the audience the access tokens are issued for')
    .optional(),
  // Unset: read from the issuer's .well-known/openid-configuration.
  CAREPATH_OIDC_JWKS_URL: z
    .url({ message: "expected the URL of the provider's JSON Web Key Set" })
    .optional(),
  CAREPATH_OIDC_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform((value) =>
      value
        .split(',')
        .map((alg) => alg.trim())
        .filter((alg) => alg !== ''),
    )
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9]+$/, 'expected JWS algorithm names, e.g. RS256,ES256'))
        .min(1, 'expected at least one JWS algorithm, e.g. RS256'),
    ),
  // Clocks of the provider and the API drift apart; tokens are checked with this much slack.
  CAREPATH_OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce
    .number({ message: 'expected a whole number of seconds (0-300)' })
    .int('expected a whole number of seconds (0-300)')
    .min(0, 'expected a whole number of seconds (0-300)')
    .max(300, 'expected a whole number of seconds (0-300)')
    .default(30),
  CAREPATH_OIDC_STAFF_ID_CLAIM: claimName.default('sub'),
  CAREPATH_OIDC_ROLE_CLAIM: claimName.default('carepath_role'),
  CAREPATH_OIDC_STAFF_ROLE_CLAIM: claimName.default('carepath_staff_role'),
  CAREPATH_OIDC_PROGRAMS_CLAIM: claimName.default('carepath_programs'),
  CAREPATH_PAYLOAD_KEYS: z
    .string()
    .regex(/^\s*[^:,\s]+:[A-Za-z0-9+/=]+\s*(,\s*[^:,\s]+:[A-Za-z0-9+/=]+\s*)*$/, {
      message: 'expected keyId:base64key entries separated by commas, e.g. 2025-01:<openssl rand -base64 32>',
    })
    .optional(),
  CAREPATH_PAYLOAD_KEYS_FILE: z
    .string()
    .min(1, 'expected the path of a file of keyId:base64key lines')
    .optional(),
  CAREPATH_PAYLOAD_KEY_CURRENT: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected the id of one of the payload keys')
    .optional(),
  // The integration producing to the inbound topic: every event read from it is recorded under this id.
  CAREPATH_INTEGRATION_ID: identifier('ehr-feed').optional(),
  CAREPATH_CODEC_HOST: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1'),
  CAREPATH_CODEC_PORT: port.default(8234),
  CAREPATH_CODEC_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) =>
      value === undefined
        ? undefined
        : value
            .split(',')
            .map((origin) => origin.trim())
            .filter((origin) => origin !== ''),
    )
    .pipe(
      z
        .array(z.url({ message: 'expected comma-separated origins, e.g. https://temporal-ui.example.org' }))
        .optional(),
    ),
  CAREPATH_OPERATOR_TOKENS_FILE: z
    .string()
    .min(1, 'expected the path of a JSON file of hashed operator tokens')
    .optional(),
  CAREPATH_PROGRAMS_DIR: z.string().min(1, 'expected the path of a directory of program files').optional(),
  CAREPATH_DATA_DIR: z.string().min(1, 'expected a directory path').default('.data'),
  CAREPATH_CACHE_DIR: z.string().min(1, 'expected a directory path').optional(),
  XDG_CACHE_HOME: z.string().optional(),
});

const schemaVariables = Object.keys(environmentSchema.shape) as (keyof z.input<typeof environmentSchema>)[];

/** The variables of the schema above whose values are credentials. */
const ownSecretVariables = [
  'CAREPATH_PAYLOAD_KEYS',
] as const satisfies readonly (typeof schemaVariables)[number][];

/**
 * Variables whose values are secrets, each module's own: an error about one names it and the
 * problem, never the value.
 */
export const secretVariables: ReadonlySet<string> = new Set([
  ...ownSecretVariables,
  ...temporalSecretVariables,
  ...kafkaSecretVariables,
]);

/** The integration id of local mode, when CAREPATH_INTEGRATION_ID is unset. */
export const localIntegrationId = 'local-integration';

/** The environment variables carepath reads; docker-compose and docs must agree with this list. */
export const configVariables: readonly string[] = [
  ...schemaVariables,
  // Secure connections (config/*-connection.ts, config/serve-tls.ts): credentials from files or env.
  ...temporalConnectionVariables,
  ...kafkaConnectionVariables,
  ...serveTlsVariables,
];

export interface CarepathConfig {
  mode: CarepathMode;
  /** The roles this process runs unless its command line names one (config/service-roles.ts). */
  role: RoleChoice;
  /** The liveness and readiness listener of a process without the API (the API answers them itself). */
  health: { host: string; port: number };
  /** Seconds a stopping process reports not-ready before it drains. */
  drainDelaySeconds: number;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** Journeys the worker keeps in memory between their events. */
    maxCachedWorkflows: number;
    /** TLS, mTLS, API key and headers toward the frontend (`address` and `namespace` above are its own). */
    connection: TemporalConnectionSettings;
  };
  kafka: {
    brokers: string[];
    clientId: string;
    controllerPort: number;
    /** Consumer group of the inbound bridge. */
    consumerGroup: string;
    /** Partitions of each topic carepath creates when it is missing. */
    topicPartitions: number;
    /** Inbound messages larger than this go to the dead-letter topic unread. */
    maxInboundMessageBytes: number;
    /** The largest record the brokers accept; a dead letter leaves out what would not fit. */
    maxRecordBytes: number;
    /** SSL and SASL toward the brokers. */
    connection: KafkaConnectionSettings;
  };
  /** Limits on what the API and the inbound bridge accept. */
  inbound: {
    /** How far an event's occurredAt may be ahead of carepath's clock (clocks drift). */
    maxEventClockSkewSeconds: number;
    /** A message in the bridge's hands longer than this makes /healthz report it degraded. */
    bridgeStallSeconds: number;
    /** How many records, of different clients, the bridge handles at once over all its partitions. */
    bridgeConcurrency: number;
    /**
     * The integration the inbound topic's producers authenticate as: the recorded author of every
     * event read from it (workers/inbound/identity.ts), whatever the message claims.
     */
    integrationId: string;
  };
  /** Reads of open journeys by this process's API and bridge (client/query-limiter.ts). */
  reads: Pick<ReadSettings, 'maxConcurrentQueries' | 'maxQueuedQueries'>;
  api: {
    host: string;
    port: number;
    /**
     * Absolute path of the JSON file of sha256-hashed bearer tokens. Required outside local mode;
     * unset in local mode, the API keeps its own file with a development token in the data dir.
     */
    tokensFile?: string;
    /** Bytes of remembered idempotent answers this API process keeps. */
    idempotencyMaxBytes: number;
    /** Serve HTTPS with this certificate; plain HTTP when unset (behind a TLS-terminating proxy). */
    tls?: ServeTls;
    /** Staff sign-in through an OpenID Provider, beside the tokens file. */
    oidc?: OidcSettings;
  };
  /** Where the keys that encrypt Temporal payloads come from (codec/key-ring.ts reads them). */
  payloadKeys: {
    /** `keyId:base64key` entries given inline. */
    entries?: string;
    /** Absolute path of a file of `keyId:base64key` lines. */
    file?: string;
    /** The key that encrypts; optional when exactly one key is listed. */
    currentKeyId?: string;
  };
  /** The codec server that lets the Temporal UI decode payloads for operators. */
  codec: {
    host: string;
    port: number;
    /** Browser origins allowed to call it; the local stack's UI when unset. */
    corsOrigins: string[];
    /** Absolute path of the JSON file of hashed operator tokens; in local mode the data dir's when unset. */
    operatorTokensFile?: string;
    /** Serve HTTPS with this certificate; plain HTTP when unset. */
    tls?: ServeTls;
  };
  /** Absolute path of the directory of program files the services load at start (programs/load.ts). */
  programsDir: string;
  /** Absolute path of the git-ignored directory holding the local stack's databases and logs. */
  dataDir: string;
  /** Absolute path of the cache (outside the clone) holding installed Temporal and Kafka binaries. */
  cacheDir: string;
}

/** A problem as kept by ConfigError: a secret's value is dropped, only whether it was set is kept. */
export interface ShownConfigProblem {
  variable: string;
  /** The value as given; undefined when unset or when the variable holds a secret. */
  value: string | undefined;
  /** Whether the variable was set. */
  set: boolean;
  message: string;
}

const shownValue = (p: ShownConfigProblem) =>
  !p.set ? '(unset)' : p.value === undefined ? '(set; a secret, not shown)' : JSON.stringify(p.value);

const withoutSecret = (p: ConfigProblem): ShownConfigProblem => {
  const secret = secretVariables.has(p.variable);
  return {
    variable: p.variable,
    value: secret ? undefined : p.value,
    set: p.value !== undefined,
    message: p.message,
  };
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ShownConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const shown = problems.map(withoutSecret);
    super(
      'Invalid configuration — fix these environment variables and start again:\n' +
        shown.map((p) => `  ${p.variable}=${shownValue(p)}: ${p.message}`).join('\n'),
    );
    this.problems = shown;
  }
}

/**
 * The configuration of a deployment: with CAREPATH_MODE unset it is production, which refuses to
 * start without its keys, tokens and integration id rather than make any up.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): CarepathConfig {
  return parseConfig(env, cwd, 'production');
}

/** The configuration of a local tool (`npm start`, the stack commands, benchmarks, tests): local unless CAREPATH_MODE says otherwise. */
export function loadLocalConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): CarepathConfig {
  return parseConfig(env, cwd, 'local');
}

/**
 * What production refuses to start without, rather than make any up: each entry is met when one of
 * its variables is set, and named by the first.
 */
const productionRequirements: readonly {
  anyOf: readonly (keyof z.input<typeof environmentSchema>)[];
  message: string;
}[] = [
  {
    anyOf: ['CAREPATH_API_TOKENS_FILE', 'CAREPATH_OIDC_ISSUER'],
    message:
      'required outside local mode (or CAREPATH_OIDC_ISSUER): the JSON file of hashed API tokens (create entries with `carepath token`, see README, "Coordinator API")',
  },
  {
    anyOf: ['CAREPATH_PAYLOAD_KEYS_FILE', 'CAREPATH_PAYLOAD_KEYS'],
    message:
      'required outside local mode (or CAREPATH_PAYLOAD_KEYS): the keys that encrypt Temporal payloads (see README, "Payload encryption keys")',
  },
  {
    anyOf: ['CAREPATH_OPERATOR_TOKENS_FILE'],
    message:
      'required outside local mode: the JSON file of hashed operator tokens for the codec server (see README, "Payload encryption keys")',
  },
  {
    anyOf: ['CAREPATH_INTEGRATION_ID'],
    message:
      'required outside local mode: the id of the integration producing to the inbound topic, under which its events are recorded (see README, "Identities and permissions")',
  },
];

const plaintextOptOut =
  'or, only behind a private network or service mesh that encrypts it, CAREPATH_ALLOW_PLAINTEXT=true';

/**
 * Production refuses connections that would carry journeys' payloads and credentials in clear,
 * unless the operator states the network is private. A connection whose own variables are wrong is
 * reported for those alone.
 */
function plaintextRefusals(
  env: NodeJS.ProcessEnv,
  input: { CAREPATH_MODE: string; CAREPATH_ALLOW_PLAINTEXT?: string | undefined },
  temporal: { settings: TemporalConnectionSettings; problems: readonly ConfigProblem[] },
  kafka: { settings: KafkaConnectionSettings; problems: readonly ConfigProblem[] },
): ConfigProblem[] {
  if (input.CAREPATH_MODE !== 'production') return [];
  const optOut = booleanVariable.safeParse(input.CAREPATH_ALLOW_PLAINTEXT ?? 'false');
  if (optOut.success && optOut.data) return [];
  const refusals: ConfigProblem[] = [];
  if (temporal.settings.tls === false && temporal.problems.length === 0)
    refusals.push({
      variable: 'TEMPORAL_TLS',
      value: setVariable(env, 'TEMPORAL_TLS'),
      message: `production refuses a plaintext connection to Temporal: set TEMPORAL_TLS=true (with TEMPORAL_TLS_* for a private CA or mTLS), ${plaintextOptOut}`,
    });
  if (kafka.settings.ssl === false && kafka.problems.length === 0)
    refusals.push({
      variable: 'KAFKA_SSL',
      value: setVariable(env, 'KAFKA_SSL'),
      message: `production refuses a plaintext connection to Kafka: set KAFKA_SSL=true (with KAFKA_SSL_* for a private CA or mTLS), ${plaintextOptOut}`,
    });
  return refusals;
}

function parseConfig(env: NodeJS.ProcessEnv, cwd: string, defaultMode: CarepathMode): CarepathConfig {
  const given: Partial<Record<(typeof schemaVariables)[number], string>> = Object.fromEntries(
    schemaVariables.map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const input = { ...given, CAREPATH_MODE: given.CAREPATH_MODE ?? defaultMode };
  const parsed = environmentSchema
    .refine((e) => (e.CAREPATH_OIDC_ISSUER === undefined) === (e.CAREPATH_OIDC_AUDIENCE === undefined), {
      path: ['CAREPATH_OIDC_AUDIENCE'],
      message:
        'set CAREPATH_OIDC_ISSUER and CAREPATH_OIDC_AUDIENCE together (staff sign-in, see README, "Sign-in")',
    })
    // Keys fetched in clear could be swapped on the way, and then any token would pass.
    .refine((e) => e.CAREPATH_MODE === 'local' || !e.CAREPATH_OIDC_ISSUER?.startsWith('http:'), {
      path: ['CAREPATH_OIDC_ISSUER'],
      message: 'expected an https:// issuer outside local mode',
    })
    .refine((e) => e.CAREPATH_MODE === 'local' || !e.CAREPATH_OIDC_JWKS_URL?.startsWith('http:'), {
      path: ['CAREPATH_OIDC_JWKS_URL'],
      message: 'expected an https:// key set URL outside local mode',
    })
    .refine((e) => e.CAREPATH_PAYLOAD_KEYS === undefined || e.CAREPATH_PAYLOAD_KEYS_FILE === undefined, {
      path: ['CAREPATH_PAYLOAD_KEYS_FILE'],
      message: 'set either CAREPATH_PAYLOAD_KEYS or CAREPATH_PAYLOAD_KEYS_FILE, not both',
    })
    .safeParse(input);
  // Checked on the raw input, so a start that also has a bad variable still names every missing one.
  const missing: ConfigProblem[] =
    input.CAREPATH_MODE === 'production'
      ? productionRequirements
          .filter((r) => r.anyOf.every((name) => input[name] === undefined))
          .map((r) => ({ variable: r.anyOf[0] ?? 'environment', value: undefined, message: r.message }))
      : [];
  const problems: ConfigProblem[] = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const variable = String(issue.path[0] ?? 'environment');
          return {
            variable,
            value: env[variable] === '' ? undefined : env[variable],
            message: issue.message,
          };
        })),
    ...missing,
  ];
  // Secure connections: read beside the schema so every problem is reported at once.
  const temporalConnection = loadTemporalConnection(env, cwd, {
    address: '127.0.0.1:7233',
    namespace: 'default',
  });
  const kafkaConnection = loadKafkaConnection(
    env,
    cwd,
    parsed.success ? parsed.data.CAREPATH_MODE : 'production',
  );
  const apiTls = loadServeTls(env, cwd, 'CAREPATH_API');
  const codecTls = loadServeTls(env, cwd, 'CAREPATH_CODEC');
  problems.push(
    ...temporalConnection.problems,
    ...kafkaConnection.problems,
    ...plaintextRefusals(env, input, temporalConnection, kafkaConnection),
    ...apiTls.problems,
    ...codecTls.problems,
  );
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  return {
    mode: e.CAREPATH_MODE,
    role: e.CAREPATH_ROLE,
    health: { host: e.CAREPATH_HEALTH_HOST, port: e.CAREPATH_HEALTH_PORT },
    drainDelaySeconds: e.CAREPATH_DRAIN_DELAY_SECONDS,
    temporal: {
      address: temporalConnection.address,
      namespace: temporalConnection.namespace,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
      connection: temporalConnection.settings,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      controllerPort: e.KAFKA_CONTROLLER_PORT,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      maxInboundMessageBytes: e.KAFKA_MAX_INBOUND_MESSAGE_BYTES,
      maxRecordBytes: e.KAFKA_MAX_RECORD_BYTES,
      connection: kafkaConnection.settings,
    },
    inbound: {
      maxEventClockSkewSeconds: e.CAREPATH_MAX_CLOCK_SKEW_SECONDS,
      bridgeStallSeconds: e.CAREPATH_BRIDGE_STALL_SECONDS,
      bridgeConcurrency: e.CAREPATH_BRIDGE_CONCURRENCY,
      integrationId: e.CAREPATH_INTEGRATION_ID ?? localIntegrationId,
    },
    reads: {
      maxConcurrentQueries: e.CAREPATH_MAX_CONCURRENT_QUERIES,
      maxQueuedQueries: e.CAREPATH_MAX_QUEUED_QUERIES,
    },
    api: {
      host: e.CAREPATH_API_HOST,
      port: e.CAREPATH_API_PORT,
      idempotencyMaxBytes: e.CAREPATH_IDEMPOTENCY_MAX_BYTES,
      ...(e.CAREPATH_API_TOKENS_FILE !== undefined && { tokensFile: absolute(e.CAREPATH_API_TOKENS_FILE) }),
      ...(apiTls.tls !== undefined && { tls: apiTls.tls }),
      ...(e.CAREPATH_OIDC_ISSUER !== undefined &&
        e.CAREPATH_OIDC_AUDIENCE !== undefined && {
          oidc: {
            issuer: e.CAREPATH_OIDC_ISSUER,
            audience: e.CAREPATH_OIDC_AUDIENCE,
            ...(e.CAREPATH_OIDC_JWKS_URL !== undefined && { jwksUrl: e.CAREPATH_OIDC_JWKS_URL }),
            algorithms: e.CAREPATH_OIDC_ALGORITHMS,
            clockToleranceSeconds: e.CAREPATH_OIDC_CLOCK_TOLERANCE_SECONDS,
            claims: {
              staffId: e.CAREPATH_OIDC_STAFF_ID_CLAIM,
              role: e.CAREPATH_OIDC_ROLE_CLAIM,
              staffRole: e.CAREPATH_OIDC_STAFF_ROLE_CLAIM,
              programs: e.CAREPATH_OIDC_PROGRAMS_CLAIM,
            },
          },
        }),
    },
    payloadKeys: {
      ...(e.CAREPATH_PAYLOAD_KEYS !== undefined && { entries: e.CAREPATH_PAYLOAD_KEYS }),
      ...(e.CAREPATH_PAYLOAD_KEYS_FILE !== undefined && { file: absolute(e.CAREPATH_PAYLOAD_KEYS_FILE) }),
      ...(e.CAREPATH_PAYLOAD_KEY_CURRENT !== undefined && { currentKeyId: e.CAREPATH_PAYLOAD_KEY_CURRENT }),
    },
    codec: {
      host: e.CAREPATH_CODEC_HOST,
      port: e.CAREPATH_CODEC_PORT,
      corsOrigins: e.CAREPATH_CODEC_CORS_ORIGINS ?? [
        `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
        `http://localhost:${e.TEMPORAL_UI_PORT}`,
      ],
      ...(e.CAREPATH_OPERATOR_TOKENS_FILE !== undefined && {
        operatorTokensFile: absolute(e.CAREPATH_OPERATOR_TOKENS_FILE),
      }),
      ...(codecTls.tls !== undefined && { tls: codecTls.tls }),
    },
    programsDir:
      e.CAREPATH_PROGRAMS_DIR === undefined ? shippedProgramsDir() : absolute(e.CAREPATH_PROGRAMS_DIR),
    dataDir: absolute(e.CAREPATH_DATA_DIR),
    cacheDir: absolute(
      e.CAREPATH_CACHE_DIR ?? join(e.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'carepath'),
    ),
  };
}
