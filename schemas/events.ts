import { z } from 'zod';
import { identifierSchema, inboundIdentifierSchema, staffActorSchema } from './actors';
import {
  codeSchema,
  dischargeKindSchema,
  genderSchema,
  instrumentMaxScore,
  instrumentSchema,
  reasonCodeSchema,
  sessionKindSchema,
  standAloneIndicationSchema,
} from './codes';
import { levelOfCareSchema } from './levels';
import { isoDateSchema, isoInstantSchema } from './time';

/**
 * The client events the engine accepts, from coordinators and from Kafka alike.
 * Identifiers and codes only: no names, notes or free-text diagnoses (42 CFR Part 2).
 */

const eventBase = {
  /** Unique per event; a repeated eventId is a redelivery and changes nothing. */
  eventId: identifierSchema,
  clientId: identifierSchema,
  occurredAt: isoInstantSchema,
  recordedBy: staffActorSchema,
};

/** The intake assessment's findings that admission criteria and cohort placement read. */
export const intakeSchema = z.object({
  ageYears: z.number().int().min(0).max(130),
  gender: genderSchema,
  withdrawalRisk: z.boolean(),
  coOccurringMentalIllness: z.boolean(),
  standAloneIndications: z.array(standAloneIndicationSchema),
  /** The level the client steps down from (at this or another provider), or null for a first entry. */
  steppingDownFrom: levelOfCareSchema.nullable(),
  drugTestDone: z.boolean(),
  physicalExamDone: z.boolean(),
  sobrietyDate: isoDateSchema.nullable(),
  /**
   * The weekly hours the clinician prescribes at the admission level, within its floor and ceiling
   * (e.g. more structure than the usual 9 h); absent or null: the level's target.
   */
  prescribedWeeklyHours: z.number().positive().max(168).nullable().optional(),
});
export type Intake = z.infer<typeof intakeSchema>;

export const admittedEventSchema = z.object({
  ...eventBase,
  type: z.literal('admitted'),
  /** The program the client is admitted to; its rules govern the whole episode. */
  programId: codeSchema,
  intake: intakeSchema,
  recommendedLevel: levelOfCareSchema,
});

export const assessmentCompletedEventSchema = z.object({
  ...eventBase,
  type: z.literal('assessment-completed'),
  recommendedLevel: levelOfCareSchema,
  withdrawalRisk: z.boolean(),
});

export const sessionScheduledEventSchema = z.object({
  ...eventBase,
  type: z.literal('session-scheduled'),
  sessionId: identifierSchema,
  kind: sessionKindSchema,
  scheduledFor: isoInstantSchema,
  hours: z.number().positive().max(24),
  /** Group sessions run per cohort; null for sessions that are not cohort groups. */
  cohortId: codeSchema.nullable(),
  /** Loved ones invited to a family workshop. */
  guestCount: z.number().int().min(0),
});

export const sessionAttendedEventSchema = z.object({
  ...eventBase,
  type: z.literal('session-attended'),
  sessionId: identifierSchema,
  kind: sessionKindSchema,
  hours: z.number().positive().max(24),
});

export const sessionMissedEventSchema = z.object({
  ...eventBase,
  type: z.literal('session-missed'),
  sessionId: identifierSchema,
  kind: sessionKindSchema,
  /** `no-show`: unexcused and without notice, which also creates a follow-up task. */
  absence: z.enum(['excused', 'unexcused', 'no-show']),
});

export const milestoneCompletedEventSchema = z.object({
  ...eventBase,
  type: z.literal('milestone-completed'),
  milestoneId: codeSchema,
});

export const drugTestResultedEventSchema = z.object({
  ...eventBase,
  type: z.literal('drug-test-resulted'),
  testId: identifierSchema,
  result: z.enum(['negative', 'positive', 'dilute', 'invalid']),
});

export const relapseReportedEventSchema = z.object({
  ...eventBase,
  type: z.literal('relapse-reported'),
  withdrawalRisk: z.boolean(),
});

export const measurementRecordedEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('measurement-recorded'),
    instrument: instrumentSchema,
    score: z.number().int().min(0),
  })
  .refine((event) => event.score <= instrumentMaxScore[event.instrument], {
    message: 'score exceeds the instrument maximum',
    path: ['score'],
  });

/** A clinician sets the client's weekly hours at the current level, within its floor and ceiling. */
export const weeklyHoursPrescribedEventSchema = z.object({
  ...eventBase,
  type: z.literal('weekly-hours-prescribed'),
  weeklyHours: z.number().positive().max(168),
});

export const authorizationUpdatedEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('authorization-updated'),
    authorizationRef: identifierSchema,
    payerLevel: levelOfCareSchema,
    unit: z.enum(['days', 'sessions']),
    unitsAuthorized: z.number().int().min(0),
    startDate: isoDateSchema,
    endDate: isoDateSchema,
  })
  .refine((event) => event.startDate <= event.endDate, {
    message: 'endDate is before startDate',
    path: ['endDate'],
  });

export const dischargeRequestedEventSchema = z.object({
  ...eventBase,
  type: z.literal('discharge-requested'),
  kind: dischargeKindSchema,
  reasonCode: reasonCodeSchema,
});

export const clientEventSchema = z.discriminatedUnion('type', [
  admittedEventSchema,
  assessmentCompletedEventSchema,
  sessionScheduledEventSchema,
  sessionAttendedEventSchema,
  sessionMissedEventSchema,
  milestoneCompletedEventSchema,
  drugTestResultedEventSchema,
  relapseReportedEventSchema,
  measurementRecordedEventSchema,
  weeklyHoursPrescribedEventSchema,
  authorizationUpdatedEventSchema,
  dischargeRequestedEventSchema,
]);

export type ClientEvent = z.infer<typeof clientEventSchema>;
export type AdmittedEvent = z.infer<typeof admittedEventSchema>;
export type AssessmentCompletedEvent = z.infer<typeof assessmentCompletedEventSchema>;
export type SessionScheduledEvent = z.infer<typeof sessionScheduledEventSchema>;
export type SessionAttendedEvent = z.infer<typeof sessionAttendedEventSchema>;
export type SessionMissedEvent = z.infer<typeof sessionMissedEventSchema>;
export type MilestoneCompletedEvent = z.infer<typeof milestoneCompletedEventSchema>;
export type DrugTestResultedEvent = z.infer<typeof drugTestResultedEventSchema>;
export type RelapseReportedEvent = z.infer<typeof relapseReportedEventSchema>;
export type MeasurementRecordedEvent = z.infer<typeof measurementRecordedEventSchema>;
export type WeeklyHoursPrescribedEvent = z.infer<typeof weeklyHoursPrescribedEventSchema>;
export type AuthorizationUpdatedEvent = z.infer<typeof authorizationUpdatedEventSchema>;

/** The intake as clients may send it: no more stand-alone indications than there are. */
const boundedIntakeSchema = intakeSchema.safeExtend({
  standAloneIndications: intakeSchema.shape.standAloneIndications.max(
    standAloneIndicationSchema.options.length,
  ),
});

/**
 * An event as clients may send it, on Kafka and through the API: every id bounded to
 * inboundIdentifierMaxLength, so the ids carepath derives from them still fit the contract, and every
 * list bounded. Journeys themselves keep accepting the unbounded events above, so that replaying an
 * episode recorded before the bounds decides as it did.
 */
function bounded<S extends z.ZodObject>(schema: S): S {
  const ids = Object.entries(schema.shape)
    .filter(([, field]) => field === identifierSchema)
    .map(([name]) => [name, inboundIdentifierSchema] as const);
  const intake = 'intake' in schema.shape ? [['intake', boundedIntakeSchema] as const] : [];
  // Same fields and output type, with stricter checks (and the schema's own refinements kept).
  return schema.safeExtend(Object.fromEntries<z.ZodType>([...ids, ...intake])) as unknown as S;
}

export const boundedAdmittedEventSchema = bounded(admittedEventSchema);

export const boundedClientEventSchema = z.discriminatedUnion(
  'type',
  clientEventSchema.options.map(bounded) as unknown as typeof clientEventSchema.options,
);
