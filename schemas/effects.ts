import { z } from 'zod';
import { actorSchema, identifierSchema, staffRoleSchema } from './actors';
import {
  billingCodeSchema,
  codeSchema,
  dischargeKindSchema,
  instrumentSchema,
  notificationCodeSchema,
  proposalNotificationCodeSchema,
  reasonCodeSchema,
  ruleIdSchema,
  severitySchema,
} from './codes';
import { levelOfCareSchema } from './levels';
import { proposalSchema } from './proposals';
import { isoDateSchema, isoInstantSchema } from './time';
import { timerKindSchema } from './timers';

/**
 * What a decision asks the outside world to do. Every effect has a deterministic `effectId`
 * (`${episodeId}:${sequence}`, the sequence kept in state) so a replay never mints new ids
 * and consumers can de-duplicate.
 */

const effectBase = { effectId: identifierSchema, at: isoInstantSchema };

export const levelChangedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('level-changed'),
  from: levelOfCareSchema,
  to: levelOfCareSchema,
  reasonCode: reasonCodeSchema,
  rule: ruleIdSchema,
  actor: actorSchema,
});

export const staffNotificationEffectSchema = z.object({
  ...effectBase,
  type: z.literal('staff-notification'),
  recipientRole: staffRoleSchema,
  severity: severitySchema,
  code: z.union([notificationCodeSchema, proposalNotificationCodeSchema]),
});

export const followUpTaskEffectSchema = z.object({
  ...effectBase,
  type: z.literal('follow-up-task'),
  assigneeRole: staffRoleSchema,
  code: z.enum(['no-show-follow-up', 'drug-test-retest']),
  dueAt: isoInstantSchema,
});

/** A billable service day: dates, codes and units only, never the clinical reason behind a level. */
export const billingEffectSchema = z.object({
  ...effectBase,
  type: z.literal('billing'),
  serviceDay: isoDateSchema,
  level: levelOfCareSchema,
  serviceCode: billingCodeSchema,
  revenueCode: billingCodeSchema,
  units: z.number().int().positive(),
  authorizationRef: identifierSchema.nullable(),
});

export const armTimerEffectSchema = z.object({
  ...effectBase,
  type: z.literal('arm-timer'),
  timerId: identifierSchema,
  kind: timerKindSchema,
  fireAt: isoInstantSchema,
});

export const cancelTimerEffectSchema = z.object({
  ...effectBase,
  type: z.literal('cancel-timer'),
  timerId: identifierSchema,
});

export const proposalOpenedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('proposal-opened'),
  proposal: proposalSchema,
});

export const proposalDecidedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('proposal-decided'),
  proposalId: identifierSchema,
  decision: z.enum(['approved', 'rejected', 'superseded']),
  reasonCode: reasonCodeSchema,
  actor: actorSchema,
});

/** An episode began: the admission, its level and who admitted the client. */
export const episodeStartedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('episode-started'),
  level: levelOfCareSchema,
  cohortId: codeSchema.nullable(),
  actor: actorSchema,
});

export const episodeEndedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('episode-ended'),
  dischargeKind: dischargeKindSchema,
  level: levelOfCareSchema,
  reasonCode: reasonCodeSchema,
  rule: ruleIdSchema,
  actor: actorSchema,
});

export const weeklyHoursBelowTargetEffectSchema = z.object({
  ...effectBase,
  type: z.literal('weekly-hours-below-target'),
  level: levelOfCareSchema,
  weekStart: isoInstantSchema,
  attendedHours: z.number().min(0),
  targetHours: z.number().min(0),
  floorHours: z.number().min(0),
  attendedSessions: z.number().int().min(0),
  belowFloor: z.boolean(),
  /** End of the span reviewed (absent from journeys admitted before the clinic's clock). */
  weekEnd: isoInstantSchema.optional(),
  /** Weeks the span covers: several when weeks ended with nothing recorded, summed up once. */
  weekCount: z.number().int().min(1).optional(),
});

/** A week already reviewed changed because attendance was recorded late: its corrected totals. */
export const weeklyHoursCorrectedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('weekly-hours-corrected'),
  level: levelOfCareSchema,
  weekStart: isoInstantSchema,
  weekEnd: isoInstantSchema,
  attendedHours: z.number().min(0),
  attendedSessions: z.number().int().min(0),
  targetHours: z.number().min(0),
  floorHours: z.number().min(0),
  belowTarget: z.boolean(),
  belowFloor: z.boolean(),
});

export const authorizationExpiringEffectSchema = z.object({
  ...effectBase,
  type: z.literal('authorization-expiring'),
  authorizationRef: identifierSchema,
  trigger: z.enum(['units-low', 'end-date-near']),
  remainingUnits: z.number().int().min(0),
  endDate: isoDateSchema,
});

export const measurementPastThresholdEffectSchema = z.object({
  ...effectBase,
  type: z.literal('measurement-past-threshold'),
  instrument: instrumentSchema,
  score: z.number().int().min(0),
  threshold: z.number().int().min(0),
});

export const clinicalReviewRequestedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('clinical-review-requested'),
  reasonCode: reasonCodeSchema,
  level: levelOfCareSchema,
});

export const sobrietyDateResetEffectSchema = z.object({
  ...effectBase,
  type: z.literal('sobriety-date-reset'),
  sobrietyDate: isoDateSchema,
});

export const cohortAssignedEffectSchema = z.object({
  ...effectBase,
  type: z.literal('cohort-assigned'),
  cohortId: codeSchema,
});

export const effectSchema = z.discriminatedUnion('type', [
  levelChangedEffectSchema,
  staffNotificationEffectSchema,
  followUpTaskEffectSchema,
  billingEffectSchema,
  armTimerEffectSchema,
  cancelTimerEffectSchema,
  proposalOpenedEffectSchema,
  proposalDecidedEffectSchema,
  episodeStartedEffectSchema,
  episodeEndedEffectSchema,
  weeklyHoursBelowTargetEffectSchema,
  weeklyHoursCorrectedEffectSchema,
  authorizationExpiringEffectSchema,
  measurementPastThresholdEffectSchema,
  clinicalReviewRequestedEffectSchema,
  sobrietyDateResetEffectSchema,
  cohortAssignedEffectSchema,
]);

export type Effect = z.infer<typeof effectSchema>;
export type EffectType = Effect['type'];
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;
