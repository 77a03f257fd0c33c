import { z } from 'zod';
import {
  boundedAdmittedEventSchema,
  boundedClientEventSchema,
  codeSchema,
  dischargeCommandSchema,
  effectSchema,
  episodeStateSchema,
  weeksViewSchema,
  identifierSchema,
  inboundIdentifierSchema,
  importedClientFieldsSchema,
  levelSinceInCare,
  levelHistoryEntrySchema,
  levelOfCareSchema,
  programDefinitionSchema,
  proposalSchema,
  reasonCodeSchema,
  riskLevelSchema,
  sessionAttendedEventSchema,
  sessionMissedEventSchema,
  transitionRejectedCommandSchema,
  transitionRequestedCommandSchema,
} from '../schemas';
import { episodeSnapshotSchema } from '../schemas/journey';
import { idempotencyKeySchema } from './idempotency';

/**
 * Request and answer bodies of the coordinator API, built from the domain schemas. The API sets
 * what the caller must not: the client id comes from the path, the actor (`recordedBy`,
 * `issuedBy`) from the bearer token. Ids and instants may be left out: the API makes them.
 */

export const clientParams = z.object({ clientId: identifierSchema });
/** A new client's id is bounded like every id a client sends; existing clients stay reachable by theirs. */
export const admissionParams = z.object({ clientId: boundedAdmittedEventSchema.shape.clientId });
export const proposalParams = z.object({ clientId: identifierSchema, proposalId: identifierSchema });

export const writeHeaders = z.object({ 'idempotency-key': idempotencyKeySchema.optional() });

const optionalEventId = boundedAdmittedEventSchema.shape.eventId
  .optional()
  .describe('Unique per event; derived from Idempotency-Key or generated when left out');
const optionalOccurredAt = boundedAdmittedEventSchema.shape.occurredAt
  .optional()
  .describe("When it happened; the server's clock when left out");
const optionalCommandId = inboundIdentifierSchema
  .optional()
  .describe('Unique per command; derived from Idempotency-Key or generated when left out');

/** An event as the caller sends it: the inbound event without `clientId` and `recordedBy`. */
function eventBody<S extends z.ZodObject>(schema: S) {
  const { clientId: _c, recordedBy: _r, eventId: _e, occurredAt: _o, ...rest } = schema.shape;
  return z.strictObject({ eventId: optionalEventId, occurredAt: optionalOccurredAt, ...rest });
}

export const admissionBody = z
  .strictObject({
    eventId: optionalEventId,
    occurredAt: optionalOccurredAt,
    programId: boundedAdmittedEventSchema.shape.programId,
    intake: boundedAdmittedEventSchema.shape.intake,
    recommendedLevel: boundedAdmittedEventSchema.shape.recommendedLevel,
  })
  .meta({ id: 'Admission' });

/** Every event but the admission, which has its own route (coordinators only). */
const recordableEvents = boundedClientEventSchema.options.filter(
  (option) => option.shape.type.value !== 'admitted',
);

export const eventBodySchema = z
  .discriminatedUnion(
    'type',
    recordableEvents.map(eventBody) as unknown as [
      ReturnType<typeof eventBody>,
      ...ReturnType<typeof eventBody>[],
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `expected type to be one of: ${recordableEvents.map((o) => o.shape.type.value).join(', ')} (admissions go to POST /v1/clients/{clientId}/episodes)`
          : undefined,
    },
  )
  .meta({ id: 'ClientEventBody' });

export const eventQuery = z.object({
  wait: z
    .enum(['true', 'false'])
    .default('false')
    .describe('true: wait for the journey to apply the event and answer 200 with the outcome'),
});

export const transitionBody = z
  .strictObject({
    commandId: optionalCommandId,
    targetLevel: transitionRequestedCommandSchema.shape.targetLevel,
    reasonCode: transitionRequestedCommandSchema.shape.reasonCode,
    overrideReasonCode: transitionRequestedCommandSchema.shape.overrideReasonCode,
  })
  .meta({ id: 'TransitionRequest' });

/** Optional: a bare POST approves (fastify reads an absent body as null). */
export const approvalBody = z.strictObject({ commandId: optionalCommandId }).nullish();

export const rejectionBody = z
  .strictObject({
    commandId: optionalCommandId,
    reasonCode: transitionRejectedCommandSchema.shape.reasonCode,
  })
  .meta({ id: 'Rejection' });

export const dischargeBody = z
  .strictObject({
    commandId: optionalCommandId,
    kind: dischargeCommandSchema.shape.kind,
    reasonCode: dischargeCommandSchema.shape.reasonCode,
  })
  .meta({ id: 'Discharge' });

export const episodeState = episodeStateSchema.meta({ id: 'EpisodeState' });

export const admissionAnswer = z.object({
  clientId: identifierSchema,
  eventId: identifierSchema,
  programId: codeSchema,
  level: levelOfCareSchema,
  workflowId: z.string(),
  runId: z.string(),
});

export const eventAccepted = z.object({
  clientId: identifierSchema,
  eventId: identifierSchema,
  status: z.literal('accepted'),
});

/** The episode after a command, without its growing parts (the state and history reads give those). */
export const episodeSnapshot = episodeSnapshotSchema.meta({ id: 'EpisodeSnapshot' });

export const outcomeAnswer = z
  .object({ state: episodeSnapshot, effects: z.array(effectSchema) })
  .meta({ id: 'CommandOutcome' });

export const transitionAnswer = z.object({
  state: episodeSnapshot,
  effects: z.array(effectSchema),
  proposal: proposalSchema
    .nullable()
    .describe('The proposal awaiting approval when the program does not change the level at once'),
});

export const historyAnswer = z.object({
  clientId: identifierSchema,
  history: z.array(levelHistoryEntrySchema),
});

export const weeksAnswer = weeksViewSchema.meta({ id: 'Weeks' });

const flagQuery = (what: string) =>
  z.enum(['true', 'false']).optional().describe(`true: only clients ${what}; false: only the others`);

export const caseloadSorts = ['levelSince', 'clientId', 'risk'] as const;

export const caseloadQuery = z.object({
  level: levelOfCareSchema.optional(),
  program: codeSchema.optional(),
  risk: riskLevelSchema.optional(),
  status: episodeStateSchema.shape.status.optional(),
  awaitingApproval: flagQuery('with a proposal awaiting approval'),
  belowFloor: flagQuery("whose hours so far this clinic week are below the week's floor"),
  sort: z
    .enum(caseloadSorts)
    .optional()
    .describe('Order the whole caseload by this field (ties by client id); unsorted pages follow Temporal'),
  order: z.enum(['asc', 'desc']).default('asc'),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'expected the nextCursor of a previous page')
    .optional(),
});
export type CaseloadQuery = z.infer<typeof caseloadQuery>;

export const caseloadWeek = z
  .object({
    hours: z.number().min(0).describe('Hours attended so far this clinic week'),
    target: z.number().min(0),
    floor: z.number().min(0),
    belowFloor: z.boolean().describe('hours < floor'),
  })
  .meta({ id: 'CaseloadWeek' });

export const caseloadEntry = z
  .object({
    clientId: identifierSchema,
    programId: codeSchema,
    level: levelOfCareSchema,
    status: episodeStateSchema.shape.status,
    riskLevel: riskLevelSchema,
    levelSince: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    daysAtLevel: z
      .number()
      .int()
      .min(0)
      .describe('Whole days since levelSince (until discharge for a discharged episode)'),
    week: caseloadWeek
      .nullable()
      .describe("This clinic week in the program's time zone; null at 24-hour levels and after discharge"),
    pendingApprovals: z.number().int().min(0),
  })
  .meta({ id: 'CaseloadEntry' });
export type CaseloadEntry = z.infer<typeof caseloadEntry>;

export const caseloadAnswer = z
  .object({
    clients: z.array(caseloadEntry),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'Pass as `cursor` for the next page; null on the last page. With awaitingApproval or belowFloor a page may hold fewer than pageSize clients',
      ),
  })
  .meta({ id: 'Caseload' });

export const healthAnswer = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({
    temporal: z.object({ ok: z.boolean(), detail: z.string().optional() }),
    kafka: z.object({ ok: z.boolean(), detail: z.string().optional() }),
    bridge: z
      .object({ ok: z.boolean(), detail: z.string().optional() })
      .optional()
      .describe(
        'The inbound bridge beside this API: not ok while it retries a message or holds one too long',
      ),
  }),
});

export const programParams = z.object({ programId: codeSchema });

export const programSummary = z
  .object({
    programId: codeSchema,
    latestVersion: programDefinitionSchema.shape.version.describe(
      'The version new admissions are admitted under',
    ),
    versions: z.array(programDefinitionSchema.shape.version).describe('Every version loaded, oldest first'),
    levels: z.array(levelOfCareSchema).describe('Levels of care the latest version offers'),
    entryLevels: z.array(levelOfCareSchema).describe('Levels the latest version admits to'),
  })
  .meta({ id: 'ProgramSummary' });

export const programListAnswer = z.object({ programs: z.array(programSummary) });

export const programAnswer = z.object({
  programId: codeSchema,
  latestVersion: programDefinitionSchema.shape.version,
  versions: z
    .array(programDefinitionSchema.meta({ id: 'ProgramDefinition' }))
    .describe(
      'Every version loaded, oldest first; a running episode keeps the version it was admitted under',
    ),
});

export const importBody = importedClientFieldsSchema
  .omit({ importedBy: true })
  .strict()
  .refine(...levelSinceInCare)
  .meta({ id: 'ClientImport' });

export const importAnswer = z.object({
  clientId: identifierSchema,
  importId: identifierSchema,
  episodeId: identifierSchema,
  workflowId: z.string(),
  outcome: z
    .enum(['imported', 'already-imported'])
    .describe('already-imported: this import id made the episode before; nothing changed'),
});

export const programVersionBody = z
  .strictObject({
    commandId: optionalCommandId,
    version: programDefinitionSchema.shape.version
      .optional()
      .describe('The version to move to; the latest loaded when left out'),
    reasonCode: reasonCodeSchema,
  })
  .meta({ id: 'ProgramVersionChange' });

export const transitionOptionsAnswer = z
  .object({
    clientId: identifierSchema,
    level: levelOfCareSchema.describe('The level the client is at now'),
    options: z.array(
      z.object({
        level: levelOfCareSchema,
        allowed: z
          .boolean()
          .describe('Whether POST …/transitions to this level, without an override, is accepted now'),
        refusal: z
          .object({
            code: z
              .string()
              .describe('The problem slug POST …/transitions answers with, e.g. transition-refused'),
            reason: z
              .string()
              .optional()
              .describe(
                'Why the care rules refuse, e.g. minimum-stay-not-served or typical-stay-override-needed',
              ),
            message: z.string().describe('The words POST …/transitions answers with'),
          })
          .optional(),
      }),
    ),
  })
  .meta({ id: 'TransitionOptions' });

export const approvalsAnswer = z
  .object({
    proposals: z.array(
      z
        .object({
          clientId: identifierSchema,
          programId: codeSchema,
          proposalId: identifierSchema,
          rule: proposalSchema.shape.rule,
          reasonCode: proposalSchema.shape.reasonCode,
          action: proposalSchema.shape.action,
          openedBy: proposalSchema.shape.openedBy,
          openedAt: proposalSchema.shape.openedAt,
          deadline: proposalSchema.shape.deadline,
          escalated: proposalSchema.shape.escalated,
          approverRole: proposalSchema.shape.approverRole,
          decidable: z.boolean().describe('Whether you may approve or reject it'),
          notDecidableReason: z.string().optional().describe('Why not, in words'),
        })
        .meta({ id: 'PendingApproval' }),
    ),
  })
  .meta({ id: 'Approvals' });

export const rosterStatuses = ['present', 'excused', 'unexcused', 'no-show'] as const;
export const maxRosterSize = 100;

export const groupAttendanceBody = z
  .strictObject({
    sessionId: inboundIdentifierSchema.describe(
      'The group session; with each client id it makes the event id',
    ),
    kind: sessionMissedEventSchema.shape.kind,
    occurredAt: boundedAdmittedEventSchema.shape.occurredAt,
    hours: sessionAttendedEventSchema.shape.hours.describe('Hours each present client attended'),
    roster: z
      .array(
        z.strictObject({
          clientId: inboundIdentifierSchema,
          status: z
            .enum(rosterStatuses)
            .describe('present: session-attended; otherwise session-missed with this absence'),
        }),
      )
      .min(1)
      .max(maxRosterSize)
      .refine(
        (roster) => new Set(roster.map((r) => r.clientId)).size === roster.length,
        'a client is listed twice',
      ),
  })
  .meta({ id: 'GroupAttendance' });

export const groupAttendanceAnswer = z
  .object({
    results: z.array(
      z.object({
        clientId: identifierSchema,
        outcome: z
          .enum(['recorded', 'duplicate', 'refused'])
          .describe('duplicate: this session was already recorded for the client; nothing changed'),
        eventId: identifierSchema,
        problem: z
          .object({ type: z.string(), title: z.string(), detail: z.string() })
          .optional()
          .describe('Why the client was refused, as the client events route would answer'),
      }),
    ),
  })
  .meta({ id: 'GroupAttendanceOutcome' });
