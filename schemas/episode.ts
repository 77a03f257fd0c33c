import { z } from 'zod';
import { actorSchema, identifierSchema } from './actors';
import { deadLetterReasonSchema } from './contract/dead-letters';
import {
  codeSchema,
  dischargeKindSchema,
  instrumentSchema,
  reasonCodeSchema,
  riskFlagSchema,
  riskLevelSchema,
  ruleIdSchema,
} from './codes';
import { levelOfCareSchema } from './levels';
import { proposalSchema } from './proposals';
import { isoDateSchema, isoInstantSchema } from './time';
import { timerSchema } from './timers';

/**
 * An episode of care as plain JSON: it is a Temporal payload carried across continue-as-new,
 * so no Date, Map, Set or class instances.
 */

/** One entry of the append-only level-of-care history; `from` is null for the admission. */
export const levelHistoryEntrySchema = z.object({
  from: levelOfCareSchema.nullable(),
  to: levelOfCareSchema,
  at: isoInstantSchema,
  reasonCode: reasonCodeSchema,
  rule: ruleIdSchema,
  actor: actorSchema,
});
export type LevelHistoryEntry = z.infer<typeof levelHistoryEntrySchema>;

export const authorizationSchema = z.object({
  authorizationRef: identifierSchema,
  payerLevel: levelOfCareSchema,
  unit: z.enum(['days', 'sessions']),
  unitsAuthorized: z.number().int().min(0),
  remainingUnits: z.number().int().min(0),
  startDate: isoDateSchema,
  endDate: isoDateSchema,
  /** The low-units reminder goes out once per authorization. */
  unitsReminderSent: z.boolean(),
});
export type Authorization = z.infer<typeof authorizationSchema>;

/** Attendance in the current week of the current level, against the level's (tapered) target. */
export const weekSchema = z.object({
  start: isoInstantSchema,
  /** Absent in journeys admitted before the clinic's clock, whose weeks last 7 days from `start`. */
  end: isoInstantSchema.optional(),
  attendedHours: z.number().min(0),
  attendedSessions: z.number().int().min(0),
  scheduledHours: z.number().min(0),
  /** Absent until a session is scheduled in journeys admitted before the clinic's clock. */
  scheduledSessions: z.number().int().min(0).optional(),
  /** Null at 24-hour levels, where hours are not counted. */
  targetHours: z.number().min(0).nullable(),
  floorHours: z.number().min(0).nullable(),
});
export type Week = z.infer<typeof weekSchema>;

/** A week that has ended, kept for the correction window so late attendance still counts in it. */
export const pastWeekSchema = weekSchema.required({ end: true }).extend({
  level: levelOfCareSchema,
  /**
   * `reviewed`: checked against its target when it ended; `level-change`: cut short by a change of
   * level, so never reviewed against a target.
   */
  closedBy: z.enum(['reviewed', 'level-change']),
  belowTarget: z.boolean(),
  belowFloor: z.boolean(),
  /** How many late events changed it after it ended. */
  corrections: z.number().int().min(0),
});
export type PastWeek = z.infer<typeof pastWeekSchema>;

/** A met milestone, tied to the stay at a level (`levelSince`) whose plan it counts toward. */
export const completedMilestoneSchema = z.object({
  milestoneId: codeSchema,
  level: levelOfCareSchema,
  levelSince: isoInstantSchema,
  at: isoInstantSchema,
});

export const dischargeSchema = z.object({
  kind: dischargeKindSchema,
  at: isoInstantSchema,
  reasonCode: reasonCodeSchema,
  rule: ruleIdSchema,
  actor: actorSchema,
});

/** A coordinator moved the episode to a newer version of its program: who, when, why (audited). */
export const programVersionChangeSchema = z.object({
  commandId: identifierSchema,
  fromVersion: z.number().int().positive(),
  toVersion: z.number().int().positive(),
  at: isoInstantSchema,
  reasonCode: reasonCodeSchema,
  actor: actorSchema,
});
export type ProgramVersionChange = z.infer<typeof programVersionChangeSchema>;

export const episodeStateSchema = z.object({
  episodeId: identifierSchema,
  clientId: identifierSchema,
  programId: codeSchema,
  status: z.enum(['active', 'discharged']),
  admittedAt: isoInstantSchema,
  level: levelOfCareSchema,
  levelSince: isoInstantSchema,
  cohortId: codeSchema.nullable(),
  /** Fixed at admission: selects the level's adolescent hour minimums. */
  adolescent: z.boolean(),
  week: weekSchema,
  /**
   * Weeks ended within the program's correction window, oldest first. Absent in journeys admitted
   * before the clinic's clock.
   */
  recentWeeks: z.array(pastWeekSchema).optional(),
  milestones: z.array(completedMilestoneSchema),
  sobrietyDate: isoDateSchema.nullable(),
  riskFlags: z.array(riskFlagSchema),
  riskLevel: riskLevelSchema,
  attendance: z.object({
    lastContactAt: isoInstantSchema,
    consecutiveUnexcused: z.number().int().min(0),
    /** Unexcused misses inside the program's review window (older ones are pruned). */
    unexcusedMissedAt: z.array(isoInstantSchema),
  }),
  /** Instruments whose latest score is at or above the program's threshold. */
  instrumentsPastThreshold: z.array(instrumentSchema),
  /** Positive tests inside the program's relapse window (older ones are pruned). */
  positiveTestsAt: z.array(isoInstantSchema),
  authorizations: z.array(authorizationSchema),
  /** Service days already billed at the current level, so a day billed per day is billed once. */
  billedServiceDays: z.array(isoDateSchema),
  pendingProposals: z.array(proposalSchema),
  /** Timers the workflow has armed; a fired timer not listed here is stale and ignored. */
  timers: z.array(timerSchema),
  history: z.array(levelHistoryEntrySchema).min(1),
  /**
   * Moves to newer program versions, oldest first. Absent in episodes that never moved, and in
   * states carried from before moves existed.
   */
  programVersionChanges: z.array(programVersionChangeSchema).optional(),
  discharge: dischargeSchema.nullable(),
  recentEventIds: z.array(identifierSchema),
  /**
   * The revision of the care rules the episode was admitted under (see `pathway/revision.ts`); it
   * keeps them for its whole run. Absent: revision 1, before the field existed.
   */
  rulesRevision: z.number().int().positive().optional(),
  /** Weekly hours prescribed for the admission level's stay, in place of its target; absent in older episodes. */
  prescribedWeeklyHours: z.number().positive().nullable().optional(),
  /** When the last family workshop was scheduled for; absent in episodes started before cadences. */
  lastFamilyWorkshopAt: isoInstantSchema.nullable().optional(),
  /**
   * Content digests of the remembered event ids, to tell a redelivery from an id reused for other
   * content. Absent in states from before digests were kept.
   */
  recentEventDigests: z.record(identifierSchema, z.string()).optional(),
  /**
   * Why each remembered event id that was refused, not applied, was refused, so reading the event
   * again refuses it again (see `pathway/dedup.ts`). Absent in states from before refusals were kept.
   */
  refusedEvents: z.record(identifierSchema, deadLetterReasonSchema).optional(),
  /** Last effect sequence number; effect ids are `${episodeId}:${sequence}`. */
  effectSequence: z.number().int().min(0),
});
export type EpisodeState = z.infer<typeof episodeStateSchema>;
