import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { kafkaClient } from '../activities/kafka/connection';
import { Journeys } from '../client/journeys';
import type { CarepathConfig } from '../config';
import { temporalConnectOptions } from '../config/temporal-connection';
import type { ApiContext, BridgeView } from './context';
import type { ProgramRegistry } from '../programs/registry';
import { ensureDevelopmentToken } from './development-token';
import { Health } from './health';
import { IdempotencyStore, MemoryAnswerStore } from './idempotency';
import { ApiMetrics } from './metrics';
import { buildApi } from './server';
import { developmentStaffId } from './development-token';
import { OidcSignIn } from './oidc';
import { SignInCode } from './sign-in';
import { readTokensFile, TokenRegistry, watchTokensFile } from './tokens';
import { logLine } from '../workers/log';
import { tracingClientInterceptors, type Tracing } from '../workers/tracing';

export interface RunningApi {
  url: string;
  /** The local development token to print; null when the tokens come from CAREPATH_API_TOKENS_FILE. */
  developmentToken: string | null;
  /** Local mode: this start's one-time code for the coordinator app's sign-in link. */
  signInCode: string | null;
  close(): Promise<void>;
}

/**
 * The configured tokens file; none when staff sign in through an OpenID Provider only; or in local
 * mode only, the data dir's file with a development token.
 */
async function apiTokens(
  config: CarepathConfig,
): Promise<{ file: string | null; tokens: TokenRegistry; developmentToken: string | null }> {
  if (config.api.tokensFile)
    return {
      file: config.api.tokensFile,
      tokens: new TokenRegistry(await readTokensFile(config.api.tokensFile)),
      developmentToken: null,
    };
  if (config.mode !== 'local' && config.api.oidc)
    return { file: null, tokens: new TokenRegistry({ tokens: [] }), developmentToken: null };
  if (config.mode !== 'local')
    throw new Error(
      'CAREPATH_API_TOKENS_FILE (or CAREPATH_OIDC_ISSUER) is required outside local mode: no default token exists there.',
    );
  const { tokensFile, token } = await ensureDevelopmentToken(config.dataDir);
  return {
    file: tokensFile,
    tokens: new TokenRegistry(await readTokensFile(tokensFile)),
    developmentToken: token,
  };
}

/**
 * The coordinator API on the configured address, over the configured Temporal and Kafka, with the
 * services' payload data converter and programs (the key ring and program files are read once, by the
 * caller); `bridge` is the inbound bridge of the same process, whose health and metrics the API reports,
 * `readiness` that of every role of the process, for /readyz, and `tracing` whether the process traces.
 */
export async function startApi(
  config: CarepathConfig,
  dataConverter: DataConverter,
  programs: ProgramRegistry,
  bridge?: BridgeView,
  readiness?: ApiContext['readiness'],
  tracing?: Tracing,
): Promise<RunningApi> {
  const { file, tokens, developmentToken } = await apiTokens(config);
  const watcher = file === null ? null : watchTokensFile(file, tokens, (message) => logLine('warn', message));
  const signIn = developmentToken
    ? new SignInCode({ token: developmentToken, staffId: developmentStaffId, role: 'coordinator' })
    : undefined;
  const connection = await Connection.connect(temporalConnectOptions(config.temporal));
  const temporal = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter,
    // Each request's trace goes on into the journey with the start, update or query it causes.
    ...(tracing && { interceptors: tracingClientInterceptors() }),
  });
  const kafka = kafkaClient(config.kafka, {
    clientId: `${config.kafka.clientId}-api`,
    // Health checks answer within seconds rather than wait out the client's retries.
    quick: { connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
  });
  const health = new Health(connection, kafka.admin());
  const app = await buildApi(
    {
      journeys: new Journeys(temporal, config.temporal.taskQueue, programs, {}, config.reads),
      temporal,
      namespace: config.temporal.namespace,
      health,
      idempotency: new IdempotencyStore({ store: new MemoryAnswerStore(config.api.idempotencyMaxBytes) }),
      metrics: new ApiMetrics(),
      now: () => new Date().toISOString(),
      maxEventClockSkewSeconds: config.inbound.maxEventClockSkewSeconds,
      ...(bridge && { bridge }),
      ...(readiness && { readiness }),
      ...(signIn && { signIn }),
      ...(config.api.oidc && { oidc: new OidcSignIn(config.api.oidc) }),
    },
    tokens,
    undefined,
    config.api.tls,
  );
  await app.listen({ host: config.api.host, port: config.api.port });
  const { address, port } = app.server.address() as AddressInfo;
  return {
    url: `${config.api.tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`,
    developmentToken,
    signInCode: signIn?.code ?? null,
    async close() {
      watcher?.close();
      await app.close();
      await health.close();
      await connection.close();
    },
  };
}
