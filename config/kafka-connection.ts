import { isAbsolute, resolve } from 'node:path';
import { readBoolean, readNamedFile, Secret, setVariable, type ConfigProblem } from './secret-files';

/** The SASL mechanisms kafkajs speaks, by the names carepath's variable accepts. */
export const kafkaSaslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number];

export const kafkaConnectionVariables = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
  'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE',
] as const;

/** How carepath authenticates to the brokers and protects the traffic; kafkajs-free (activities/kafka maps it). */
export interface KafkaConnectionSettings {
  /** Off, or TLS: brokers checked against `ca` (else the system's roots); a client pair for mTLS. */
  ssl: false | { ca?: string; cert?: string; key?: Secret };
  sasl?:
    | { mechanism: Exclude<KafkaSaslMechanism, 'oauthbearer'>; username: string; password: Secret }
    /** The token file is read again at each authentication, so whatever renews it needs no restart. */
    | { mechanism: 'oauthbearer'; tokenFile: string };
}

/**
 * The Kafka connection from the environment: SSL, and SASL with a password or a bearer token file.
 * Problems name the variable to fix and never a credential's value.
 */
export function loadKafkaConnection(
  env: NodeJS.ProcessEnv,
  cwd: string,
  mode: 'local' | 'production',
): { settings: KafkaConnectionSettings; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const ca = readNamedFile(
    env,
    'KAFKA_SSL_CA_FILE',
    cwd,
    problems,
    "a PEM file of the brokers' CA certificates",
  );
  const cert = readNamedFile(
    env,
    'KAFKA_SSL_CERT_FILE',
    cwd,
    problems,
    "a PEM file of carepath's client certificate",
  );
  const key = readNamedFile(
    env,
    'KAFKA_SSL_KEY_FILE',
    cwd,
    problems,
    "a PEM file of the client certificate's key",
  );
  const sslFlag = readBoolean(env, 'KAFKA_SSL', problems);
  const filesGiven = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'].filter(
    (name) => setVariable(env, name) !== undefined,
  );
  if (sslFlag === false && filesGiven.length > 0)
    problems.push({
      variable: 'KAFKA_SSL',
      value: env.KAFKA_SSL,
      message: `is false, but ${filesGiven.join(', ')} only apply with SSL: remove them or set KAFKA_SSL=true`,
    });
  const certHalves = [
    ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'],
    ['KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE'],
  ] as const;
  for (const [present, missing] of certHalves)
    if (setVariable(env, present) !== undefined && setVariable(env, missing) === undefined)
      problems.push({
        variable: missing,
        value: undefined,
        message: `required with ${present}: mTLS needs the client certificate and its private key`,
      });
  const sslOn = sslFlag ?? filesGiven.length > 0;
  const ssl: KafkaConnectionSettings['ssl'] = sslOn
    ? {
        ...(ca !== undefined && { ca }),
        ...(cert !== undefined && { cert }),
        ...(key !== undefined && { key: new Secret(key) }),
      }
    : false;
  const sasl = loadSasl(env, cwd, problems);
  if (sasl !== undefined && !sslOn && mode !== 'local')
    problems.push({
      variable: 'KAFKA_SSL',
      value: env.KAFKA_SSL,
      message: 'SASL credentials would cross the network in clear: set KAFKA_SSL=true (SASL_SSL listener)',
    });
  return {
    settings: { ssl, ...(sasl !== undefined && { sasl }) },
    problems: problems.map((p) => (p.variable === 'KAFKA_SASL_PASSWORD' ? { ...p, secret: true } : p)),
  };
}

function loadSasl(
  env: NodeJS.ProcessEnv,
  cwd: string,
  problems: ConfigProblem[],
): KafkaConnectionSettings['sasl'] {
  const mechanismText = setVariable(env, 'KAFKA_SASL_MECHANISM')?.toLowerCase();
  const credentialVariables = [
    'KAFKA_SASL_USERNAME',
    'KAFKA_SASL_PASSWORD',
    'KAFKA_SASL_PASSWORD_FILE',
    'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE',
  ].filter((name) => setVariable(env, name) !== undefined);
  if (mechanismText === undefined) {
    if (credentialVariables.length > 0)
      problems.push({
        variable: 'KAFKA_SASL_MECHANISM',
        value: undefined,
        message: `required with ${credentialVariables.join(', ')}: one of ${kafkaSaslMechanisms.join(', ')}`,
      });
    return undefined;
  }
  const mechanism = kafkaSaslMechanisms.find((m) => m === mechanismText);
  if (mechanism === undefined) {
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      value: env.KAFKA_SASL_MECHANISM,
      message: `expected one of ${kafkaSaslMechanisms.join(', ')}`,
    });
    return undefined;
  }
  if (mechanism === 'oauthbearer') {
    const tokenFile = setVariable(env, 'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE');
    if (tokenFile === undefined) {
      problems.push({
        variable: 'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE',
        value: undefined,
        message: 'required with KAFKA_SASL_MECHANISM=oauthbearer: the file holding the current bearer token',
      });
      return undefined;
    }
    // Read once now, so a wrong path stops start-up rather than the first authentication.
    if (
      readNamedFile(env, 'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE', cwd, problems, 'a bearer token') === undefined
    )
      return undefined;
    return { mechanism, tokenFile: isAbsolute(tokenFile) ? tokenFile : resolve(cwd, tokenFile) };
  }
  const username = setVariable(env, 'KAFKA_SASL_USERNAME');
  if (username === undefined)
    problems.push({
      variable: 'KAFKA_SASL_USERNAME',
      value: undefined,
      message: `required with KAFKA_SASL_MECHANISM=${mechanism}`,
    });
  const inline = setVariable(env, 'KAFKA_SASL_PASSWORD');
  const fromFile = readNamedFile(env, 'KAFKA_SASL_PASSWORD_FILE', cwd, problems, 'the SASL password');
  if (inline !== undefined && setVariable(env, 'KAFKA_SASL_PASSWORD_FILE') !== undefined)
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      value: env.KAFKA_SASL_PASSWORD_FILE,
      message: 'set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    });
  else if (inline === undefined && setVariable(env, 'KAFKA_SASL_PASSWORD_FILE') === undefined)
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      value: undefined,
      message: `required with KAFKA_SASL_MECHANISM=${mechanism} (or KAFKA_SASL_PASSWORD): the file holding the password`,
    });
  // A trailing newline in a secret file is the file's, not the password's.
  const password = inline ?? fromFile?.replace(/\r?\n$/, '');
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
