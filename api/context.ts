import type { Client } from '@temporalio/client';
import type { Journeys } from '../client/journeys';
import type { Health } from './health';
import type { IdempotencyStore } from './idempotency';
import type { ApiMetrics } from './metrics';

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
}
