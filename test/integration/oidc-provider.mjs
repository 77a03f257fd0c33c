// A real OpenID Provider (the `oidc-provider` package) for the sign-in tests, run as a child process
// because the package is ES modules only. Each client is one staff member: client_credentials grants
// it a JWT access token for the resource it names, carrying the claims given in CLIENTS (JSON:
// { clientId: { secret, claims, ttlSeconds? } }). Prints the issuer URL once it listens.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const clients = JSON.parse(process.env.CLIENTS ?? '{}');
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  jwks: {
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-signing', use: 'sig', alg: 'RS256' }],
  },
  clients: Object.entries(clients).map(([clientId, client]) => ({
    client_id: clientId,
    client_secret: client.secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: 'carepath',
  })),
  scopes: ['openid', 'carepath'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: async (_ctx, resource, client) => ({
        scope: 'carepath',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: clients[client.clientId]?.ttlSeconds ?? 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  extraTokenClaims: async (_ctx, token) => clients[token.clientId]?.claims,
});
server.on('request', provider.callback());
process.stdout.write(`${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
