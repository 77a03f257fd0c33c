import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { shippedProgramsDir } from '../programs/load';

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

export const modeSchema = z.enum(['local', 'production'], { message: "expected 'local' or 'production'" });
export type CarepathMode = z.infer<typeof modeSchema>;

export const environmentSchema = z.object({
  // No default here: the caller names it (loadConfig fails closed to production, loadLocalConfig is for local tools).
  CAREPATH_MODE: modeSchema,
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: identifier('default').default('default'),
  TEMPORAL_TASK_QUEUE: identifier('carepath-journeys').default('carepath-journeys'),
  TEMPORAL_UI_PORT: port.default(8233),
  // Bounds the journeys the worker holds in memory (about 0.4 MB each since zod is shared, measured by
  // `npm run bench`, scale); the SDK's default sizes the cache by heap limit, not by a memory budget.
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
  CAREPATH_API_HOST: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1'),
  CAREPATH_API_PORT: port.default(3000),
  CAREPATH_API_TOKENS_FILE: z
    .string()
    .min(1, 'expected the path of a JSON file of hashed API tokens')
    .optional(),
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

/** Variables whose values are secrets: an error about one names it and the problem, never the value. */
export const secretVariables: ReadonlySet<keyof z.input<typeof environmentSchema>> = new Set([
  'CAREPATH_PAYLOAD_KEYS',
]);

/** The integration id of local mode, when CAREPATH_INTEGRATION_ID is unset. */
export const localIntegrationId = 'local-integration';

/** The environment variables carepath reads; docker-compose and docs must agree with this list. */
export const configVariables = Object.keys(environmentSchema.shape) as (keyof z.input<
  typeof environmentSchema
>)[];

export interface CarepathConfig {
  mode: CarepathMode;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** Journeys the worker keeps in memory between their events. */
    maxCachedWorkflows: number;
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
  };
  /** Limits on what the API and the inbound bridge accept. */
  inbound: {
    /** How far an event's occurredAt may be ahead of carepath's clock (clocks drift). */
    maxEventClockSkewSeconds: number;
    /** A message in the bridge's hands longer than this makes /healthz report it degraded. */
    bridgeStallSeconds: number;
    /**
     * The integration the inbound topic's producers authenticate as: the recorded author of every
     * event read from it (workers/inbound/identity.ts), whatever the message claims.
     */
    integrationId: string;
  };
  api: {
    host: string;
    port: number;
    /**
     * Absolute path of the JSON file of sha256-hashed bearer tokens. Required outside local mode;
     * unset in local mode, the API keeps its own file with a development token in the data dir.
     */
    tokensFile?: string;
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
  };
  /** Absolute path of the directory of program files the services load at start (programs/load.ts). */
  programsDir: string;
  /** Absolute path of the git-ignored directory holding the local stack's databases and logs. */
  dataDir: string;
  /** Absolute path of the cache (outside the clone) holding installed Temporal and Kafka binaries. */
  cacheDir: string;
}

/** A bad variable: its value is kept (and shown) only when it is not a secret. */
export interface ConfigProblem {
  variable: string;
  /** The value as given; undefined when unset or when the variable holds a secret. */
  value: string | undefined;
  /** Whether the variable was set (a secret's value is never kept, only that it was set). */
  set: boolean;
  message: string;
}

const shownValue = (p: ConfigProblem) =>
  !p.set ? '(unset)' : p.value === undefined ? '(set; a secret, not shown)' : JSON.stringify(p.value);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(
      'Invalid configuration — fix these environment variables and start again:\n' +
        problems.map((p) => `  ${p.variable}=${shownValue(p)}: ${p.message}`).join('\n'),
    );
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
    anyOf: ['CAREPATH_API_TOKENS_FILE'],
    message:
      'required outside local mode: the JSON file of hashed API tokens (create entries with `carepath token`, see README, "Coordinator API")',
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

function parseConfig(env: NodeJS.ProcessEnv, cwd: string, defaultMode: CarepathMode): CarepathConfig {
  const given: Partial<Record<(typeof configVariables)[number], string>> = Object.fromEntries(
    configVariables.map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const input = { ...given, CAREPATH_MODE: given.CAREPATH_MODE ?? defaultMode };
  const parsed = environmentSchema
    .refine((e) => e.CAREPATH_PAYLOAD_KEYS === undefined || e.CAREPATH_PAYLOAD_KEYS_FILE === undefined, {
      path: ['CAREPATH_PAYLOAD_KEYS_FILE'],
      message: 'set either CAREPATH_PAYLOAD_KEYS or CAREPATH_PAYLOAD_KEYS_FILE, not both',
    })
    .safeParse(input);
  // Checked on the raw input, so a start that also has a bad variable still names every missing one.
  const missing =
    input.CAREPATH_MODE === 'production'
      ? productionRequirements
          .filter((r) => r.anyOf.every((name) => input[name] === undefined))
          .map((r) => ({ path: [r.anyOf[0]], message: r.message }))
      : [];
  if (!parsed.success || missing.length > 0) {
    const issues = [...(parsed.success ? [] : parsed.error.issues), ...missing];
    throw new ConfigError(
      issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        const value = env[variable] === '' ? undefined : env[variable];
        const secret = (secretVariables as ReadonlySet<string>).has(variable);
        return {
          variable,
          value: secret ? undefined : value,
          set: value !== undefined,
          message: issue.message,
        };
      }),
    );
  }
  const e = parsed.data;
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  return {
    mode: e.CAREPATH_MODE,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      controllerPort: e.KAFKA_CONTROLLER_PORT,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      maxInboundMessageBytes: e.KAFKA_MAX_INBOUND_MESSAGE_BYTES,
      maxRecordBytes: e.KAFKA_MAX_RECORD_BYTES,
    },
    inbound: {
      maxEventClockSkewSeconds: e.CAREPATH_MAX_CLOCK_SKEW_SECONDS,
      bridgeStallSeconds: e.CAREPATH_BRIDGE_STALL_SECONDS,
      integrationId: e.CAREPATH_INTEGRATION_ID ?? localIntegrationId,
    },
    api: {
      host: e.CAREPATH_API_HOST,
      port: e.CAREPATH_API_PORT,
      ...(e.CAREPATH_API_TOKENS_FILE !== undefined && { tokensFile: absolute(e.CAREPATH_API_TOKENS_FILE) }),
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
    },
    programsDir:
      e.CAREPATH_PROGRAMS_DIR === undefined ? shippedProgramsDir() : absolute(e.CAREPATH_PROGRAMS_DIR),
    dataDir: absolute(e.CAREPATH_DATA_DIR),
    cacheDir: absolute(
      e.CAREPATH_CACHE_DIR ?? join(e.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'carepath'),
    ),
  };
}
