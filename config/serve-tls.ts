import { readNamedFile, Secret, setVariable, type ConfigProblem } from './secret-files';

/** The certificate and key a listener (the API, the codec server) serves HTTPS with. */
export interface ServeTls {
  cert: string;
  key: Secret;
}

/** The listeners that can serve HTTPS, by their variables' prefix. */
const listeners = ['CAREPATH_API', 'CAREPATH_CODEC'] as const;

export const serveTlsVariables = listeners.flatMap((prefix) => [
  `${prefix}_TLS_CERT_FILE`,
  `${prefix}_TLS_KEY_FILE`,
]);

/**
 * HTTPS for a listener when both `<prefix>_TLS_CERT_FILE` and `<prefix>_TLS_KEY_FILE` are set (PEM);
 * unset, it serves plain HTTP, for a TLS-terminating proxy in front or loopback use.
 */
export function loadServeTls(
  env: NodeJS.ProcessEnv,
  cwd: string,
  prefix: (typeof listeners)[number],
): { tls?: ServeTls; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const certVariable = `${prefix}_TLS_CERT_FILE`;
  const keyVariable = `${prefix}_TLS_KEY_FILE`;
  const cert = readNamedFile(env, certVariable, cwd, problems, 'a PEM certificate (chain)');
  const key = readNamedFile(env, keyVariable, cwd, problems, "a PEM file of the certificate's private key");
  const halves = [
    [certVariable, keyVariable],
    [keyVariable, certVariable],
  ] as const;
  for (const [present, missing] of halves)
    if (setVariable(env, present) !== undefined && setVariable(env, missing) === undefined)
      problems.push({
        variable: missing,
        value: undefined,
        message: `required with ${present}: HTTPS needs the certificate and its private key`,
      });
  return {
    ...(cert !== undefined && key !== undefined && { tls: { cert, key: new Secret(key) } }),
    problems,
  };
}
