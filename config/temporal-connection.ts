import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import {
  loadClientConfigProfile,
  type ClientConfigProfile,
  type ConfigDataSource,
} from '@temporalio/envconfig';
import { booleanVariable, readNamedFile, Secret, setVariable, type ConfigProblem } from './secret-files';

/**
 * How carepath reaches Temporal: the variables and profile file of Temporal's own tooling
 * (`@temporalio/envconfig`: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
 * TEMPORAL_GRPC_META_*, TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), plus TEMPORAL_API_KEY_FILE so the
 * key can come from a mounted secret rather than the environment.
 */
export const temporalConnectionVariables = [
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_PROFILE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_API_KEY_FILE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
] as const;

/** The variables above whose values are credentials. */
export const temporalSecretVariables = [
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
] as const satisfies readonly (typeof temporalConnectionVariables)[number][];

/** How to reach the frontend at carepath's `temporal.address` (resolved by the same loader). */
export interface TemporalConnectionSettings {
  /** Off, or TLS: the server checked against `serverCaCert` (else the system's roots); mTLS with a client pair. */
  tls: false | { serverName?: string; serverCaCert?: string; clientCert?: string; clientKey?: Secret };
  apiKey?: Secret;
  /** gRPC headers sent on every call (TEMPORAL_GRPC_META_<NAME>), e.g. a proxy's routing header. */
  metadata: Record<string, string>;
}

/** Which variable (or the profile file) a TLS field came from, for error messages. */
function sourceVariable(env: NodeJS.ProcessEnv, field: 'SERVER_CA_CERT' | 'CLIENT_CERT' | 'CLIENT_KEY') {
  for (const kind of ['PATH', 'DATA'] as const) {
    const name = `TEMPORAL_TLS_${field}_${kind}`;
    if (setVariable(env, name) !== undefined) return name;
  }
  return 'TEMPORAL_CONFIG_FILE';
}

function readSource(
  source: ConfigDataSource | undefined,
  variable: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  problems: ConfigProblem[],
): string | undefined {
  if (source === undefined) return undefined;
  if ('data' in source)
    return typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8');
  if (variable.endsWith('_PATH')) return readNamedFile(env, variable, cwd, problems, 'a PEM file');
  try {
    return readFileSync(isAbsolute(source.path) ? source.path : resolve(cwd, source.path), 'utf8');
  } catch (error) {
    problems.push({
      variable,
      value: setVariable(env, variable),
      message: `the profile names ${source.path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    });
    return undefined;
  }
}

/** The profile of Temporal's tooling: the file only when TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE asks for it. */
function loadProfile(env: NodeJS.ProcessEnv, cwd: string, problems: ConfigProblem[]): ClientConfigProfile {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const file = setVariable(env, 'TEMPORAL_CONFIG_FILE');
  // A developer's ~/.config/temporalio/temporal.toml must not send `npm start` to their cloud namespace.
  const useFile = file !== undefined || setVariable(env, 'TEMPORAL_PROFILE') !== undefined;
  try {
    return loadClientConfigProfile({
      overrideEnvVars,
      disableFile: !useFile,
      configFileStrict: true,
      ...(file !== undefined && { configSource: { path: isAbsolute(file) ? file : resolve(cwd, file) } }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missingProfile = /^Profile '.*' not found/.test((error as Error).message);
    problems.push(
      missingProfile
        ? {
            variable: 'TEMPORAL_PROFILE',
            value: env.TEMPORAL_PROFILE,
            message: 'no such profile in the profile file',
          }
        : {
            variable: 'TEMPORAL_CONFIG_FILE',
            value: file,
            // The parser's own message may quote a line of the file, which can hold an API key.
            message:
              code === undefined
                ? 'not a valid Temporal profile file (TOML with [profile.<name>] tables, see README, "Connections")'
                : `cannot read the file (${code})`,
          },
    );
    return {};
  }
}

/**
 * The Temporal connection from the environment (and the profile file if asked for); problems name
 * the variable to fix and never a credential's value.
 */
export function loadTemporalConnection(
  env: NodeJS.ProcessEnv,
  cwd: string,
  defaults: { address: string; namespace: string },
): { address: string; namespace: string; settings: TemporalConnectionSettings; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  // Temporal's tooling reads any other spelling as false, which would turn TLS off unnoticed.
  const tlsFlag = setVariable(env, 'TEMPORAL_TLS');
  if (tlsFlag !== undefined && !booleanVariable.safeParse(tlsFlag).success)
    problems.push({ variable: 'TEMPORAL_TLS', value: tlsFlag, message: "expected 'true' or 'false'" });
  const profile = loadProfile(env, cwd, problems);
  const keyFromFile = readNamedFile(env, 'TEMPORAL_API_KEY_FILE', cwd, problems, 'the API key');
  if (keyFromFile !== undefined && setVariable(env, 'TEMPORAL_API_KEY') !== undefined)
    problems.push({
      variable: 'TEMPORAL_API_KEY_FILE',
      value: env.TEMPORAL_API_KEY_FILE,
      message: 'set either TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both',
    });
  const apiKeyText = keyFromFile?.trim() ?? profile.apiKey;
  const apiKey = apiKeyText === undefined || apiKeyText === '' ? undefined : new Secret(apiKeyText);
  // As Temporal's tooling does: an API key implies TLS unless TLS is explicitly disabled.
  const tlsOn = profile.tls === undefined ? apiKey !== undefined : profile.tls.disabled !== true;
  let tls: TemporalConnectionSettings['tls'] = false;
  if (tlsOn) {
    const field = (name: 'SERVER_CA_CERT' | 'CLIENT_CERT' | 'CLIENT_KEY', source?: ConfigDataSource) =>
      readSource(source, sourceVariable(env, name), env, cwd, problems);
    const serverCaCert = field('SERVER_CA_CERT', profile.tls?.serverCACert);
    const clientCert = field('CLIENT_CERT', profile.tls?.clientCert);
    const clientKey = field('CLIENT_KEY', profile.tls?.clientKey);
    const pairHalf = (present: string, missing: string) =>
      problems.push({
        variable: missing,
        value: undefined,
        message: `required with ${present}: mTLS needs the client certificate and its private key`,
      });
    if (profile.tls?.clientCert !== undefined && profile.tls.clientKey === undefined)
      pairHalf(sourceVariable(env, 'CLIENT_CERT'), 'TEMPORAL_TLS_CLIENT_KEY_PATH');
    if (profile.tls?.clientKey !== undefined && profile.tls.clientCert === undefined)
      pairHalf(sourceVariable(env, 'CLIENT_KEY'), 'TEMPORAL_TLS_CLIENT_CERT_PATH');
    tls = {
      ...(profile.tls?.serverName !== undefined && { serverName: profile.tls.serverName }),
      ...(serverCaCert !== undefined && { serverCaCert }),
      ...(clientCert !== undefined && { clientCert }),
      ...(clientKey !== undefined && { clientKey: new Secret(clientKey) }),
    };
  }
  return {
    address: profile.address ?? defaults.address,
    namespace: profile.namespace ?? defaults.namespace,
    settings: {
      tls,
      ...(apiKey !== undefined && { apiKey }),
      metadata: profile.grpcMeta ?? {},
    },
    problems,
  };
}

/** Options for `Connection.connect` (client) and `NativeConnection.connect` (worker) alike. */
export function temporalConnectOptions(temporal: {
  address: string;
  connection: TemporalConnectionSettings;
}): {
  address: string;
  tls: TLSConfig | false;
  apiKey?: string;
  metadata: Record<string, string>;
} {
  const settings = temporal.connection;
  const { tls } = settings;
  return {
    address: temporal.address,
    // Explicitly false when off: the SDK would otherwise turn TLS on by itself for an API key.
    tls:
      tls === false
        ? false
        : {
            ...(tls.serverName !== undefined && { serverNameOverride: tls.serverName }),
            ...(tls.serverCaCert !== undefined && { serverRootCACertificate: Buffer.from(tls.serverCaCert) }),
            ...(tls.clientCert !== undefined &&
              tls.clientKey !== undefined && {
                clientCertPair: {
                  crt: Buffer.from(tls.clientCert),
                  key: Buffer.from(tls.clientKey.reveal()),
                },
              }),
          },
    ...(settings.apiKey !== undefined && { apiKey: settings.apiKey.reveal() }),
    metadata: settings.metadata,
  };
}

/** What a start-up log line may say about the connection: no credential, only whether one is used. */
export function describeTemporalConnection(settings: TemporalConnectionSettings) {
  return {
    tls: settings.tls === false ? 'off' : settings.tls.clientCert === undefined ? 'tls' : 'mtls',
    apiKey: settings.apiKey !== undefined,
  };
}
