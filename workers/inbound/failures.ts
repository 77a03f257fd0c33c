import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { google } from '@temporalio/proto';
import { ReadsBusy } from '../../client/errors';
import { kafkaAway } from '../../activities/kafka/errors';
import type { DeadLetterReason } from '../../schemas/contract';

/**
 * What a failure in the bridge means for the message in hand. Only infrastructure being away is
 * waited out without limit: it stops every message alike, and the message is fine. Anything else
 * (a refusal, a defect) would fail the same way forever, so after a few attempts the message is
 * set aside as a dead letter and the partition moves on.
 */
export type Failure =
  | { kind: 'infrastructure-away'; cause: 'temporal-unavailable' | 'kafka-unavailable' }
  | {
      kind: 'permanent';
      reason: Extract<DeadLetterReason, 'temporal-refused' | 'internal-error'>;
      /** An error name or status code: never a message, which may quote the input. */
      code: string;
    };

export type PermanentFailure = Extract<Failure, { kind: 'permanent' }>;

/** Attempts at a message whose failure is not infrastructure being away, before it is a dead letter. */
export const maxPermanentAttempts = 3;

// gRPC status codes (grpc/grpc: doc/statuscodes.md) under which Temporal is away, not refusing:
// CANCELLED is a call the server gave up on (its context cancelled), as it does when overloaded.
const grpcAway = new Map([
  [1, 'CANCELLED'],
  [4, 'DEADLINE_EXCEEDED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [14, 'UNAVAILABLE'],
]);
const grpcNames: Readonly<Record<number, string>> = {
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

const failedPrecondition = 9;
/**
 * Temporal's answer while a workflow task of the journey is being retried: it timed out (its worker
 * busy, starved of CPU or restarting). Queries and updates are refused until a worker completes one;
 * the event itself is fine. A task failing for a defect in the workflow is answered alike: the event
 * then waits, with the bridge degraded, until the journey's workflow is fixed, and is not lost.
 */
const workflowNotReady = 'temporal.api.errordetails.v1.WorkflowNotReadyFailure';
/** Temporal's answer to a query when no worker has polled the journeys' task queue for a while. */
const noPollerSeen = /no poller seen for task queue/i;

/** The types of the details a gRPC status carries (`grpc-status-details-bin`, a google.rpc.Status). */
function statusDetailTypes(error: unknown): string[] {
  const metadata = (error as { metadata?: { get?: (key: string) => unknown[] } }).metadata;
  const [encoded] = typeof metadata?.get === 'function' ? metadata.get('grpc-status-details-bin') : [];
  if (!(encoded instanceof Uint8Array)) return [];
  try {
    return google.rpc.Status.decode(encoded).details.map((detail) =>
      (detail.type_url ?? '').replace(/^type\.googleapis\.com\//, ''),
    );
  } catch {
    return [];
  }
}

/** A refusal that only says the journey's worker has not answered yet: waited out like an outage. */
function workerNotAnswering(error: unknown, code: number): boolean {
  if (code !== failedPrecondition) return false;
  const details = (error as { details?: unknown }).details;
  return (
    statusDetailTypes(error).includes(workflowNotReady) ||
    (typeof details === 'string' && noPollerSeen.test(details))
  );
}

/** The error and the errors it wraps (`cause`, kafkajs' `originalError`), outermost first. */
function chainOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    const next = current as Error & { originalError?: unknown };
    current = next.cause ?? next.originalError;
  }
  return chain.length === 0 ? [error] : chain;
}

export function classifyFailure(error: unknown): Failure {
  const chain = chainOf(error);
  for (const link of chain) {
    if (isGrpcServiceError(link)) {
      const code = (link as { code?: unknown }).code;
      if (typeof code === 'number' && (grpcAway.has(code) || workerNotAnswering(link, code)))
        return { kind: 'infrastructure-away', cause: 'temporal-unavailable' };
      return {
        kind: 'permanent',
        reason: 'temporal-refused',
        code: typeof code === 'number' ? (grpcNames[code] ?? `grpc-${code}`) : 'grpc',
      };
    }
    // Reads of open journeys at this process's bound: the journey worker is busy, not the event wrong.
    if (link instanceof WorkflowUpdateRPCTimeoutOrCancelledError || link instanceof ReadsBusy)
      return { kind: 'infrastructure-away', cause: 'temporal-unavailable' };
    if (kafkaAway(link)) return { kind: 'infrastructure-away', cause: 'kafka-unavailable' };
  }
  const outer = chain[0];
  if (outer instanceof ServiceError)
    return { kind: 'permanent', reason: 'temporal-refused', code: outer.name };
  const kafkaType = chain.find(
    (link): link is Error & { type: string } =>
      link instanceof Error && typeof (link as { type?: unknown }).type === 'string',
  );
  return {
    kind: 'permanent',
    reason: 'internal-error',
    code: kafkaType?.type ?? (outer instanceof Error ? outer.name : typeof outer),
  };
}
