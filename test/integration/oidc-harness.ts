import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A staff member as the OpenID Provider knows it: the claims its access tokens carry. */
export interface ProviderClient {
  claims: Record<string, unknown>;
  /** Lifetime of its access tokens; 600 s unless given. */
  ttlSeconds?: number;
}

/**
 * A real OpenID Provider (`oidc-provider`, ES modules only, so in a child process running oidc-provider.mjs) on a free
 * loopback port, with one client_credentials client per staff member.
 */
export async function startOidcProvider<Name extends string>(clients: Record<Name, ProviderClient>) {
  const names = Object.keys(clients) as Name[];
  const secrets = Object.fromEntries(names.map((name) => [name, randomBytes(32).toString('base64url')]));
  const provider = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
    env: {
      ...process.env,
      CLIENTS: JSON.stringify(
        Object.fromEntries(names.map((name) => [name, { ...clients[name], secret: secrets[name] }])),
      ),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  provider.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const lines = createInterface({ input: provider.stdout });
  const [issuer] = (await Promise.race([
    once(lines, 'line'),
    once(provider, 'exit').then(() => {
      throw new Error(`the OpenID Provider did not start: ${errors.join('')}`);
    }),
  ])) as [string];

  return {
    issuer,
    /** A fresh access token for `name`, issued over HTTP for the resource (audience) given. */
    async accessToken(name: Name, resource: string): Promise<string> {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${name}:${secrets[name]}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'carepath' }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || body.access_token === undefined)
        throw new Error(`no access token for ${name}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async close() {
      const exited = once(provider, 'exit');
      provider.kill('SIGTERM');
      await exited;
    },
  };
}
