import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Journeys } from '../client/journeys';
import type { ReadinessAnswer } from '../schemas/readiness';
import type { Health } from './health';
import type { IdempotencyStore } from './idempotency';
import type { ApiMetrics } from './metrics';
import type { OidcSignIn } from './oidc';
import type { SignInCode } from './sign-in';

/** The inbound bridge running beside the API: whether it keeps up, and its metrics. */
export interface BridgeView {
  health(): { ok: boolean; detail?: string };
  readonly registry: Registry;
}

/** What the routes work with; tests hand in a time-skipping server's client and a fixed clock. */
export interface ApiContext {
  journeys: Journeys;
  temporal: Client;
  namespace: string;
  health: Health;
  idempotency: IdempotencyStore;
  metrics: ApiMetrics;
  /** The instant an event is recorded at when the caller leaves `occurredAt` out. */
  now: () => string;
  /** How far ahead of `now` an event's occurredAt may be (CAREPATH_MAX_CLOCK_SKEW_SECONDS). */
  maxEventClockSkewSeconds: number;
  /** The bridge of this process, when it runs one. */
  bridge?: BridgeView;
  /** The readiness of every role of this process (workers/readiness.ts); without it, the API's alone. */
  readiness?: { report(): ReadinessAnswer };
  /** Local mode: the one-time code of the sign-in link `npm start` prints. */
  signIn?: SignInCode;
  /** Staff sign-in through an OpenID Provider (CAREPATH_OIDC_*), beside the tokens file. */
  oidc?: OidcSignIn;
}
