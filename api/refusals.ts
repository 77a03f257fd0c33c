import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import {
  EpisodeAlreadyOpen,
  NoOpenEpisode,
  ReadsBusy,
  RequestRefused,
  UnknownClient,
  type JourneyRefusal,
} from '../client/errors';
import { AdmissionRefused, ImportRefused } from '../pathway/errors';
import { UnknownProgram, UnknownProgramVersion } from '../programs/registry';
import { eventInFutureDetail, occurredInFuture } from '../client/event-time';
import { apiRolesSending, maySend, type ClientEventType } from '../schemas/event-permissions';
import type { ApiContext } from './context';
import { ApiProblem } from './problem';
import type { ApiRole } from './roles';

/** Where an event a role may not record can be sent instead, when a route does the same. */
const insteadOf: Partial<Record<ClientEventType, string>> = {
  'discharge-requested': 'POST /v1/clients/{clientId}/discharge',
};

/** A role recording an event type the permission table does not give it: 403, naming who may and how. */
export function refuseEventNotPermitted(role: ApiRole, type: ClientEventType): void {
  if (maySend(role, type)) return;
  const allowedRoles = apiRolesSending(type);
  const instead = insteadOf[type];
  throw new ApiProblem(
    403,
    'event-not-permitted',
    'Event not permitted for your role',
    `Your token's role '${role}' may not record '${type}': ask someone with the role ${allowedRoles.join(' or ')} to record it` +
      (instead ? `, or to use ${instead}.` : '.'),
    { role, eventType: type, allowedRoles, ...(instead && { instead }) },
  );
}

interface RefusalProblem {
  status: number;
  slug: string;
  title: string;
}

/** How each refusal of a journey (the care rules', or invalid input) answers over HTTP. */
const refusalProblems: Readonly<Record<JourneyRefusal, RefusalProblem>> = {
  AdmissionRefused: { status: 422, slug: 'admission-refused', title: 'Admission refused' },
  ImportRefused: { status: 422, slug: 'import-refused', title: 'Import refused' },
  TransitionRefused: { status: 409, slug: 'transition-refused', title: 'Transition refused' },
  ProposalAlreadyPending: {
    status: 409,
    slug: 'proposal-already-pending',
    title: 'Proposal already pending',
  },
  ProposalNotFound: { status: 404, slug: 'proposal-not-found', title: 'No such pending proposal' },
  ApprovalNotPermitted: { status: 403, slug: 'approval-not-permitted', title: 'Approval not permitted' },
  DischargeRefused: { status: 409, slug: 'discharge-refused', title: 'Discharge refused' },
  EpisodeNotActive: { status: 409, slug: 'episode-not-active', title: 'Episode not active' },
  ProgramMismatch: { status: 409, slug: 'program-mismatch', title: 'Program mismatch' },
  LevelNotInProgram: { status: 409, slug: 'level-not-in-program', title: 'Level not in program' },
  PrescriptionOutOfRange: {
    status: 422,
    slug: 'prescription-out-of-range',
    title: 'Prescribed hours out of range',
  },
  MilestoneNotInPlan: { status: 422, slug: 'milestone-not-in-plan', title: 'Milestone not in the plan' },
  LateEventRefused: { status: 422, slug: 'late-event-refused', title: 'Too late to correct that week' },
  ProgramVersionRefused: {
    status: 409,
    slug: 'program-version-refused',
    title: 'Program version refused',
  },
  InvalidInput: { status: 422, slug: 'invalid-input', title: 'Refused as invalid by the journey' },
  EventBeforeAdmission: {
    status: 422,
    slug: 'event-before-admission',
    title: "Event dated before the episode's admission",
  },
  EventIdConflict: { status: 409, slug: 'event-id-conflict', title: 'Event id already used' },
  EventRefusedBefore: { status: 409, slug: 'event-refused-before', title: 'Event refused before' },
};

/** A refusal type no release of this API knows (e.g. from a newer journey): still the caller's to resolve. */
const unknownRefusal: RefusalProblem = { status: 409, slug: 'request-refused', title: 'Request refused' };

/** The status, problem slug and title a refusal of this type (a PathwayError's name) answers with. */
export const refusalOf = (type: string): RefusalProblem =>
  Object.hasOwn(refusalProblems, type) ? refusalProblems[type as JourneyRefusal] : unknownRefusal;

const problem = (known: RefusalProblem, detail: string, extensions: Record<string, unknown>) =>
  new ApiProblem(known.status, known.slug, known.title, detail, extensions);

/** The workflow's InvalidInput issues carry no location; over HTTP they are about the body. */
function refusalExtensions(refusal: RequestRefused): Record<string, unknown> {
  const { issues, ...rest } = refusal.details;
  if (!Array.isArray(issues)) return { refusal: refusal.type, ...rest };
  return {
    refusal: refusal.type,
    ...rest,
    issues: (issues as { path: string[]; message: string }[]).map((i) => ({ location: 'body', ...i })),
  };
}

/** A write to a client never admitted. */
export const neverAdmittedToWrite = (clientId: string): ApiProblem =>
  new ApiProblem(
    404,
    'unknown-client',
    'Unknown client',
    `No episode was ever recorded for client ${clientId}: admit the client first.`,
    { clientId },
  );

/**
 * Turns what the journeys client throws into the HTTP answer that tells the caller what to do.
 * `everAdmitted` tells a client never seen (404) from one whose episode is closed (409).
 */
export async function problemFromJourneyError(
  error: unknown,
  everAdmitted: (clientId: string) => Promise<boolean>,
): Promise<ApiProblem | undefined> {
  if (error instanceof ApiProblem) return error;
  if (error instanceof UnknownClient)
    return new ApiProblem(404, 'unknown-client', 'Unknown client', error.message, {
      clientId: error.clientId,
    });
  if (error instanceof NoOpenEpisode)
    return (await everAdmitted(error.clientId))
      ? new ApiProblem(409, 'no-open-episode', 'No open episode', error.message, { clientId: error.clientId })
      : neverAdmittedToWrite(error.clientId);
  if (error instanceof EpisodeAlreadyOpen)
    return new ApiProblem(409, 'episode-already-open', 'Episode already open', error.message, {
      clientId: error.clientId,
    });
  if (error instanceof AdmissionRefused)
    return problem(refusalProblems.AdmissionRefused, error.message, {
      reason: error.reason,
      referTo: error.referTo,
      accepted: error.accepted,
    });
  if (error instanceof ImportRefused)
    return problem(refusalProblems.ImportRefused, error.message, { reason: error.reason });
  if (error instanceof UnknownProgram)
    return new ApiProblem(422, 'unknown-program', 'Unknown program', error.message, {
      knownProgramIds: error.knownProgramIds,
    });
  if (error instanceof UnknownProgramVersion)
    return new ApiProblem(422, 'unknown-program-version', 'Unknown program version', error.message, {
      knownVersions: error.knownVersions,
    });
  if (error instanceof RequestRefused)
    return problem(refusalOf(error.type), error.message, refusalExtensions(error));
  if (error instanceof ReadsBusy)
    return new ApiProblem(
      503,
      'reads-busy',
      'Too many reads waiting',
      error.message,
      { retryAfterSeconds: error.retryAfterSeconds },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  if (
    error instanceof ServiceError ||
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    isGrpcServiceError(error)
  )
    return new ApiProblem(
      503,
      'temporal-unavailable',
      'Temporal unavailable',
      'Temporal did not answer in time: retry with the same Idempotency-Key, and check GET /healthz.',
    );
  return undefined;
}

/** Refuses an event said to happen later than now, beyond the clock skew allowed (422). */
export function refuseEventInFuture(
  ctx: Pick<ApiContext, 'now' | 'maxEventClockSkewSeconds'>,
  occurredAt: string,
): void {
  if (!occurredInFuture(occurredAt, Date.parse(ctx.now()), ctx.maxEventClockSkewSeconds)) return;
  const detail = eventInFutureDetail(ctx.maxEventClockSkewSeconds);
  throw new ApiProblem(422, 'event-in-future', 'Event in the future', detail, {
    maxClockSkewSeconds: ctx.maxEventClockSkewSeconds,
    issues: [{ location: 'body', path: ['occurredAt'], message: detail }],
  });
}
