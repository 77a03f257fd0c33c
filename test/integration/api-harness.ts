import { shippedPrograms } from '../../programs';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Connection, type Client } from '@temporalio/client';
import { kafkaClient } from '../../activities/kafka/connection';
import type { BridgeView } from '../../api/context';
import { Health } from '../../api/health';
import { IdempotencyStore } from '../../api/idempotency';
import { ApiMetrics } from '../../api/metrics';
import type { OidcSignIn } from '../../api/oidc';
import type { ApiRole } from '../../api/roles';
import { buildApi } from '../../api/server';
import { SignInCode } from '../../api/sign-in';
import {
  generateToken,
  hashToken,
  TokenRegistry,
  watchTokensFile,
  writeTokensFile,
  type TokenEntry,
} from '../../api/tokens';
import { runCli } from '../../cli/main';
import { Journeys } from '../../client/journeys';
import { loadLocalConfig } from '../../config';
import type { ProgramRegistry } from '../../programs/registry';
import type { StaffRole } from '../../schemas';
import { staff as actors } from '../../testkit/fixtures';
import { devServer } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { journeyHarness, runJourneyWorker } from './journey-harness';

/** The staff the API tests act as; `counsellor` is a clinician with the default clinical role. */
export const staff = {
  coordinator: { staffId: actors.coordinator.staffId, role: 'coordinator' },
  clinician: { staffId: actors.supervisor.staffId, role: 'clinician', staffRole: actors.supervisor.role },
  counsellor: { staffId: actors.counsellor.staffId, role: 'clinician' },
  viewer: { staffId: 'staff-viewer-1', role: 'viewer' },
  /** Scoped to one program: sees and acts on that program's clients only. */
  programViewer: { staffId: 'staff-viewer-2', role: 'viewer', programs: ['full-continuum'] },
  programClinician: { staffId: 'staff-clinician-2', role: 'clinician', programs: ['full-continuum'] },
  programCoordinator: { staffId: 'staff-coordinator-2', role: 'coordinator', programs: ['full-continuum'] },
} as const satisfies Record<
  string,
  { staffId: string; role: ApiRole; staffRole?: StaffRole; programs?: readonly string[] }
>;
export type StaffName = keyof typeof staff;

export interface Answer {
  status: number;
  headers: Headers;
  // Answers are JSON of many shapes; tests read the fields they assert on.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A real HTTP server of the API over a given Temporal client, with one token per test staff member. */
export async function serveApi(opts: {
  client: Client;
  connection: Connection;
  journeys: Journeys;
  maxEventClockSkewSeconds?: number;
  bridge?: BridgeView;
  /** Offer local mode's one-time sign-in code, granting the coordinator's token. */
  signIn?: boolean;
  /** Keep the tokens in this file and re-read it on change, as the services do. */
  tokensFile?: string;
  /** Also take the access tokens of an OpenID Provider. */
  oidc?: OidcSignIn;
}) {
  const tokens = Object.fromEntries(Object.keys(staff).map((name) => [name, generateToken()])) as Record<
    StaffName,
    string
  >;
  const entries: TokenEntry[] = (Object.keys(staff) as StaffName[]).map((name) => {
    const { programs, ...entry } = { programs: undefined, ...staff[name] };
    return { sha256: hashToken(tokens[name]), ...entry, ...(programs && { programs: [...programs] }) };
  });
  if (opts.tokensFile) await writeTokensFile(opts.tokensFile, { tokens: entries });
  const registry = new TokenRegistry({ tokens: entries });
  const watcher = opts.tokensFile
    ? watchTokensFile(opts.tokensFile, registry, (message) => console.warn(message), 100)
    : undefined;
  const kafka = kafkaClient(
    { brokers: testStack().stack.kafka.brokers, connection: { ssl: false } },
    { clientId: 'carepath-api-test', retries: 0 },
  );
  const health = new Health(opts.connection, kafka.admin());
  const metrics = new ApiMetrics();
  const signIn = opts.signIn
    ? new SignInCode({ token: tokens.coordinator, ...staff.coordinator })
    : undefined;
  const app = await buildApi(
    {
      journeys: opts.journeys,
      temporal: opts.client,
      namespace: 'default',
      health,
      idempotency: new IdempotencyStore(),
      metrics,
      now: () => new Date().toISOString(),
      maxEventClockSkewSeconds:
        opts.maxEventClockSkewSeconds ?? loadLocalConfig({}).inbound.maxEventClockSkewSeconds,
      ...(opts.bridge && { bridge: opts.bridge }),
      ...(signIn && { signIn }),
      ...(opts.oidc && { oidc: opts.oidc }),
    },
    registry,
    false,
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function call(
    method: string,
    path: string,
    options: { as?: StaffName; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const token = options.token ?? (options.as ? tokens[options.as] : undefined);
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      headers: response.headers,
      body: json && text ? JSON.parse(text) : text,
    };
  }

  return {
    url,
    tokens,
    signInCode: signIn?.code,
    call,
    async close() {
      watcher?.close();
      await app.close();
      await health.close();
    },
  };
}

/** The API on the run's dev server, with a journey worker of its own (caseload, auth, errors). */
export async function apiOnDevServer(
  programs: ProgramRegistry = shippedPrograms,
  options: { signIn?: boolean; oidc?: OidcSignIn } = {},
) {
  const dev = await devServer();
  const connection = await Connection.connect({ address: testStack().stack.temporal.address });
  const { worker, running, publisher, taskQueue } = await runJourneyWorker(dev.nativeConnection, 'api');
  const journeys = new Journeys(dev.client, taskQueue, programs);
  const api = await serveApi({ client: dev.client, connection, journeys, ...options });
  return {
    ...api,
    client: dev.client,
    connection,
    journeys,
    publisher,
    taskQueue,
    async close() {
      await api.close();
      worker.shutdown();
      await running;
      await connection.close();
      await dev.close();
    },
  };
}

/** The API on a time-skipping server of the file's own, for journeys that last months. */
export async function apiOnTimeSkipping() {
  const harness = await journeyHarness();
  const api = await serveApi({
    client: harness.env.client,
    connection: harness.env.connection,
    journeys: harness.journeys,
    // Journeys here run months ahead of the wall clock, on the time-skipping server's clock.
    maxEventClockSkewSeconds: Number.POSITIVE_INFINITY,
  });
  return {
    ...api,
    env: harness.env,
    publisher: harness.publisher,
    async close() {
      await api.close();
      await harness.close();
    },
  };
}

export const uniqueClientId = (label: string) => `${label}-${randomUUID()}`;

/** Runs a `carepath` command line against a served API as one of the test staff (null: no token). */
export async function carepathCli(
  api: { url: string; tokens: Record<StaffName, string> },
  argv: string[],
  as: StaffName | null = 'coordinator',
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { CAREPATH_API_URL: api.url, ...(as && { CAREPATH_TOKEN: api.tokens[as] }) },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
