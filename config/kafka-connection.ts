import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { booleanVariable, readNamedFile, Secret, type ConfigProblem } from './secret-files';

/** The SASL mechanisms kafkajs speaks, by the names carepath's variable accepts. */
export const kafkaSaslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number];

const file = (what: string) => z.string().min(1, `expected the path of ${what}`);

/** The variables' formats; which combinations make sense, and the files' contents, are checked below. */
const kafkaConnectionEnvironment = z.object({
  KAFKA_SSL: booleanVariable.optional(),
  KAFKA_SSL_CA_FILE: file("a PEM file of the brokers' CA certificates").optional(),
  KAFKA_SSL_CERT_FILE: file("a PEM file of carepath's client certificate").optional(),
  KAFKA_SSL_KEY_FILE: file("a PEM file of the client certificate's key").optional(),
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(kafkaSaslMechanisms, { message: `expected one of ${kafkaSaslMechanisms.join(', ')}` }))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_SASL_PASSWORD_FILE: file('a file holding the SASL password').optional(),
  KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: file('a file holding the current bearer token').optional(),
});
type KafkaConnectionEnvironment = z.infer<typeof kafkaConnectionEnvironment>;

export const kafkaConnectionVariables = Object.keys(kafkaConnectionEnvironment.shape);

/** The variables above whose values are credentials. */
export const kafkaSecretVariables = [
  'KAFKA_SASL_PASSWORD',
] as const satisfies readonly (keyof KafkaConnectionEnvironment)[];

/** How carepath authenticates to the brokers and protects the traffic; kafkajs-free (activities/kafka maps it). */
export interface KafkaConnectionSettings {
  /** Off, or TLS: brokers checked against `ca` (else the system's roots); a client pair for mTLS. */
  ssl: false | { ca?: string; cert?: string; key?: Secret };
  sasl?:
    | { mechanism: Exclude<KafkaSaslMechanism, 'oauthbearer'>; username: string; password: Secret }
    /** The token file is read again at each authentication, so whatever renews it needs no restart. */
    | { mechanism: 'oauthbearer'; tokenFile: string };
}

/** `present` is set without `missing`, which it needs. */
const requiredWith = (missing: string, present: string, why: string): ConfigProblem => ({
  variable: missing,
  value: undefined,
  message: `required with ${present}: ${why}`,
});

/**
 * The Kafka connection from the environment: SSL, and SASL with a password or a bearer token file.
 * Problems name the variable to fix and never a credential's value.
 */
export function loadKafkaConnection(
  env: NodeJS.ProcessEnv,
  cwd: string,
  mode: 'local' | 'production',
): { settings: KafkaConnectionSettings; problems: ConfigProblem[] } {
  const input = Object.fromEntries(
    kafkaConnectionVariables.map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = kafkaConnectionEnvironment.safeParse(input);
  if (!parsed.success)
    return {
      settings: { ssl: false },
      problems: parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        return {
          variable,
          value: env[variable],
          message: issue.message,
        };
      }),
    };
  const e = parsed.data;
  const problems: ConfigProblem[] = [];
  const read = (variable: keyof KafkaConnectionEnvironment, what: string) =>
    readNamedFile(env, variable, cwd, problems, what);
  const sslFiles = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).filter(
    (name) => e[name] !== undefined,
  );
  if (e.KAFKA_SSL === false && sslFiles.length > 0)
    problems.push({
      variable: 'KAFKA_SSL',
      value: env.KAFKA_SSL,
      message: `is false, but ${sslFiles.join(', ')} only apply with SSL: remove them or set KAFKA_SSL=true`,
    });
  const mtls = 'mTLS needs the client certificate and its private key';
  if (e.KAFKA_SSL_CERT_FILE !== undefined && e.KAFKA_SSL_KEY_FILE === undefined)
    problems.push(requiredWith('KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE', mtls));
  if (e.KAFKA_SSL_KEY_FILE !== undefined && e.KAFKA_SSL_CERT_FILE === undefined)
    problems.push(requiredWith('KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', mtls));
  const sslOn = e.KAFKA_SSL ?? sslFiles.length > 0;
  let ssl: KafkaConnectionSettings['ssl'] = false;
  if (sslOn) {
    const ca = read('KAFKA_SSL_CA_FILE', "a PEM file of the brokers' CA certificates");
    const cert = read('KAFKA_SSL_CERT_FILE', "a PEM file of carepath's client certificate");
    const key = read('KAFKA_SSL_KEY_FILE', "a PEM file of the client certificate's key");
    ssl = {
      ...(ca !== undefined && { ca }),
      ...(cert !== undefined && { cert }),
      ...(key !== undefined && { key: new Secret(key) }),
    };
  }
  const sasl = loadSasl(e, cwd, read, problems);
  if (e.KAFKA_SASL_MECHANISM !== undefined && !sslOn && mode !== 'local')
    problems.push({
      variable: 'KAFKA_SSL',
      value: env.KAFKA_SSL,
      message: 'SASL credentials would cross the network in clear: set KAFKA_SSL=true (SASL_SSL listener)',
    });
  return { settings: { ssl, ...(sasl !== undefined && { sasl }) }, problems };
}

function loadSasl(
  e: KafkaConnectionEnvironment,
  cwd: string,
  read: (variable: keyof KafkaConnectionEnvironment, what: string) => string | undefined,
  problems: ConfigProblem[],
): KafkaConnectionSettings['sasl'] {
  const mechanism = e.KAFKA_SASL_MECHANISM;
  if (mechanism === undefined) {
    const credentials = (
      [
        'KAFKA_SASL_USERNAME',
        'KAFKA_SASL_PASSWORD',
        'KAFKA_SASL_PASSWORD_FILE',
        'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE',
      ] as const
    ).filter((name) => e[name] !== undefined);
    if (credentials.length > 0)
      problems.push(
        requiredWith(
          'KAFKA_SASL_MECHANISM',
          credentials.join(', '),
          `one of ${kafkaSaslMechanisms.join(', ')}`,
        ),
      );
    return undefined;
  }
  if (mechanism === 'oauthbearer') {
    const tokenFile = e.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE;
    if (tokenFile === undefined) {
      problems.push(
        requiredWith(
          'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE',
          'KAFKA_SASL_MECHANISM=oauthbearer',
          'the file holding the current bearer token',
        ),
      );
      return undefined;
    }
    // Read once now, so a wrong path stops start-up rather than the first authentication.
    if (read('KAFKA_SASL_OAUTHBEARER_TOKEN_FILE', 'a bearer token') === undefined) return undefined;
    return { mechanism, tokenFile: isAbsolute(tokenFile) ? tokenFile : resolve(cwd, tokenFile) };
  }
  const username = e.KAFKA_SASL_USERNAME;
  if (username === undefined)
    problems.push(requiredWith('KAFKA_SASL_USERNAME', `KAFKA_SASL_MECHANISM=${mechanism}`, 'the SASL user'));
  if (e.KAFKA_SASL_PASSWORD !== undefined && e.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      value: e.KAFKA_SASL_PASSWORD_FILE,
      message: 'set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    });
    return undefined;
  }
  if (e.KAFKA_SASL_PASSWORD === undefined && e.KAFKA_SASL_PASSWORD_FILE === undefined)
    problems.push(
      requiredWith(
        'KAFKA_SASL_PASSWORD_FILE',
        `KAFKA_SASL_MECHANISM=${mechanism}`,
        'the file holding the password (or KAFKA_SASL_PASSWORD)',
      ),
    );
  // A trailing newline in a secret file is the file's, not the password's.
  const password =
    e.KAFKA_SASL_PASSWORD ?? read('KAFKA_SASL_PASSWORD_FILE', 'the SASL password')?.replace(/\r?\n$/, '');
  if (username === undefined || password === undefined) return undefined;
  return { mechanism, username, password: new Secret(password) };
}

/** What a start-up log line may say about the connection: no credential, only what kind is used. */
export function describeKafkaConnection(settings: KafkaConnectionSettings) {
  return {
    ssl: settings.ssl === false ? 'off' : settings.ssl.cert === undefined ? 'tls' : 'mtls',
    sasl: settings.sasl?.mechanism ?? 'none',
  };
}
