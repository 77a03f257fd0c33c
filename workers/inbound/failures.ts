import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
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

// gRPC status codes (grpc/grpc: doc/statuscodes.md) under which Temporal is away, not refusing.
const grpcAway = new Map([
  [4, 'DEADLINE_EXCEEDED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [14, 'UNAVAILABLE'],
]);
const grpcNames: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
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
      if (typeof code === 'number' && grpcAway.has(code))
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
