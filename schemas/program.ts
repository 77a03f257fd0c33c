import { z } from 'zod';
import { defaultMaxBackdateDays } from './engine-defaults';
import { staffRoleSchema } from './actors';
import {
  billingCodeSchema,
  codeSchema,
  dischargeKindSchema,
  genderSchema,
  instrumentMaxScore,
  instrumentSchema,
  notificationCodeSchema,
  policyRuleSchema,
  riskFlagSchema,
  sessionKindSchema,
  sessionKindsList,
  severitySchema,
  standAloneIndicationSchema,
} from './codes';
import { levelOfCareSchema, levelsOfCare, type LevelOfCare } from './levels';
import { clinicClockDefaults, timeZoneSchema, weekdaySchema } from './time';

/**
 * A program definition: every clinical number and policy of a care pathway, as data.
 * Programs differ only here; the decision code reads them and hard-codes none.
 */

const hours = z.number().min(0);
const positiveInt = z.number().int().positive();
const ageRange = z.object({ min: z.number().int().min(0), max: z.number().int().min(0).nullable() });

export const notifySchema = z.object({ recipientRole: staffRoleSchema, severity: severitySchema });

export const weeklyHoursSchema = z
  .object({
    /** The level's minimum (e.g. IOP 9 h, PHP 20 h); tapering never goes below it. */
    floor: hours,
    /** Hours required at entry to the level, before any milestone tapers them. */
    target: hours,
    ceiling: hours,
    /** Lower minimums for adolescents (e.g. IOP 6 h). */
    adolescent: z.object({ floor: hours, target: hours }).optional(),
  })
  .refine((w) => w.floor <= w.target && w.target <= w.ceiling, 'expected floor <= target <= ceiling')
  .refine(
    (w) => !w.adolescent || w.adolescent.floor <= w.adolescent.target,
    'expected adolescent floor <= target',
  );

export const milestoneSchema = z.object({
  milestoneId: codeSchema,
  /** Weekly hours the target drops by once this milestone is met (tapering). */
  taperHours: hours,
});

export const levelPlanSchema = z.object({
  /** Null for 24-hour levels (detox, residential), where weekly hours are not counted. */
  weeklyHours: weeklyHoursSchema.nullable(),
  sessionsPerWeek: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .refine((s) => s.min <= s.max, 'expected min <= max')
    .nullable(),
  weekendSessions: z.boolean(),
  lengthOfStayDays: z
    .object({ min: z.number().int().min(0), max: positiveInt })
    .refine((s) => s.min <= s.max, 'expected min <= max'),
  /**
   * `required`: no step-down before the minimum stay. `typical`: the stay a program describes as usual
   * (e.g. 6-12 months); reaching its ends opens a review, and a coordinator's step-down before the
   * minimum needs an explicit override reason. Absent from programs written before it: `required`.
   */
  lengthOfStayKind: z.enum(['required', 'typical']).default('required'),
  /** The treatment plan: all of them met (and the minimum stay served) completes the level. */
  milestones: z.array(milestoneSchema),
  /** Where a completed level steps down to; null where completion ends the pathway. */
  stepsDownTo: levelOfCareSchema.nullable(),
  /** Levels a coordinator may move a client to from this one. */
  transitionsTo: z.array(levelOfCareSchema),
  /** The shortest session that counts as a treatment day at this level (e.g. about 3 h); null: any length. */
  minimumSessionHours: hours.nullable().default(null),
  /** Overrides the program's no-contact period for this level (e.g. 30 days in outpatient). */
  noContactDays: positiveInt.optional(),
  billing: z.object({
    serviceCode: billingCodeSchema,
    revenueCode: billingCodeSchema,
    unit: z.enum(['day', 'session']),
  }),
});
export type LevelPlan = z.infer<typeof levelPlanSchema>;

export const rulePolicySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('apply') }),
  z.object({
    mode: z.literal('propose'),
    approverRole: staffRoleSchema,
    approvalDeadlineHours: positiveInt,
    escalateTo: staffRoleSchema,
  }),
]);

export const admissionCriteriaSchema = z.object({
  entryLevels: z.array(levelOfCareSchema).min(1),
  ageYears: ageRange,
  requiresDrugTest: z.boolean(),
  requiresPhysicalExam: z.boolean(),
  /** Where someone who cannot get through withdrawal alone must go first. */
  withdrawalRiskLevel: levelOfCareSchema,
  /**
   * Entry levels closed to a co-occurring mental illness, which is stabilised first at `referTo`;
   * a client stepping down from `referTo` has been stabilised there. Null: co-occurring disorders
   * are treated at every entry level.
   */
  coOccurringMentalIllness: z
    .object({ levels: z.array(levelOfCareSchema), referTo: levelOfCareSchema })
    .nullable(),
  /** Entry levels that, entered without stepping down, need one of the indications. */
  standAlone: z
    .object({ levels: z.array(levelOfCareSchema), indications: z.array(standAloneIndicationSchema).min(1) })
    .nullable(),
  /** Entry levels that may only be entered stepping down from one of `from`. */
  stepDownOnly: z
    .object({ levels: z.array(levelOfCareSchema), from: z.array(levelOfCareSchema).min(1) })
    .nullable(),
  /**
   * How many days before it is recorded an admission may be dated. An engine safeguard, not a
   * clinical rule: the first timer reviews every week since the admission date, so a mistyped year
   * would replay years of weeks; a month covers intake paperwork entered late.
   */
  maxBackdateDays: z.number().int().min(0).default(defaultMaxBackdateDays),
});

export const cohortSchema = z.object({
  cohortId: codeSchema,
  genders: z.array(genderSchema).min(1),
  ageYears: ageRange,
});
export type Cohort = z.infer<typeof cohortSchema>;

export const programDefinitionSchema = z
  .object({
    programId: codeSchema,
    version: positiveInt,
    /**
     * The clinic's clock: weeks, weekends and billed service days are calendar days in this zone.
     * Defaults keep a program file written before the clock existed valid.
     */
    timeZone: timeZoneSchema.default(clinicClockDefaults.timeZone),
    /** Weeks run from local midnight of this day. */
    weekStartsOn: weekdaySchema.default(clinicClockDefaults.weekStartsOn),
    /**
     * How long after a week a session attended or missed in it is still applied (EHRs post at the
     * end of the day or week); older ones are refused.
     */
    correctionWindowDays: positiveInt.default(clinicClockDefaults.correctionWindowDays),
    /** Clients up to this age at admission count as adolescents (lower weekly-hour minimums). */
    adolescentMaxAgeYears: z.number().int().min(0),
    levels: z.partialRecord(levelOfCareSchema, levelPlanSchema),
    admission: admissionCriteriaSchema,
    /** Cohort groups (gender/age-specific); the first match places the client. Empty: no cohorts. */
    cohorts: z.array(cohortSchema),
    missedSessions: z.object({
      noShowFollowUp: z.object({ assigneeRole: staffRoleSchema, dueInHours: positiveInt }),
      consecutiveAlert: positiveInt,
      clinicalReview: z.object({
        consecutive: positiveInt,
        /** A review is called when unexcused misses within `windowWeeks` exceed `moreThan`. */
        moreThan: positiveInt,
        windowWeeks: positiveInt,
        action: z.discriminatedUnion('type', [
          z.object({ type: z.literal('step-up') }),
          z.object({ type: z.literal('discharge'), kind: dischargeKindSchema }),
          z.object({ type: z.literal('review-only') }),
        ]),
      }),
    }),
    noContact: z.object({ days: positiveInt, dischargeKind: dischargeKindSchema }),
    drugTests: z.object({
      relapseAfterPositives: positiveInt,
      windowDays: positiveInt,
      /** A dilute or invalid sample proves nothing: staff get a task to retest; null ignores it. */
      inconclusiveRetest: z
        .object({ assigneeRole: staffRoleSchema, dueInHours: positiveInt })
        .nullable()
        .default(null),
    }),
    /**
     * Which attended session kinds count toward the weekly hours and which are billed as a service
     * of the level (support groups such as AA/NA are encouraged, not IOP treatment).
     */
    sessionKinds: z
      .object({ countTowardHours: z.array(sessionKindSchema), billed: z.array(sessionKindSchema) })
      .default({ countTowardHours: [...sessionKindsList], billed: [...sessionKindsList] }),
    measurementThresholds: z.array(
      z.object({ instrument: instrumentSchema, atOrAbove: z.number().int().min(0) }),
    ),
    authorizations: z.object({
      reminderLeadDays: positiveInt,
      remainingUnitsReminder: z.number().int().min(0),
    }),
    aftercare: z.object({ checkInIntervalDays: positiveInt, durationDays: positiveInt }).nullable(),
    familyWorkshop: z
      .object({
        maxGuests: z.number().int().min(0),
        /** Workshops run every this many weeks; one scheduled sooner after the last is flagged. Null: no cadence. */
        everyWeeks: positiveInt.nullable().default(null),
      })
      .nullable(),
    /** A milestone (e.g. a written future plan) that must be met before a discharge of the listed kinds. */
    dischargePlanning: z
      .object({ milestoneId: codeSchema, requiredFor: z.array(dischargeKindSchema).min(1) })
      .nullable(),
    notifications: z.record(notificationCodeSchema, notifySchema.nullable()),
    rulePolicies: z.record(policyRuleSchema, rulePolicySchema),
    risk: z.object({
      /** Any of these flags makes the risk high. */
      highFlags: z.array(riskFlagSchema),
      highFlagCount: positiveInt,
      mediumFlagCount: positiveInt,
    }),
    /**
     * How many recent event ids the episode remembers to drop redeliveries. Bounded because the state
     * is a Temporal payload carried across continue-as-new; it must cover Kafka's redelivery horizon.
     */
    recentEventIdLimit: positiveInt,
  })
  .superRefine((program, ctx) => {
    const offered = new Set(levelsOfCare.filter((level) => program.levels[level] !== undefined));
    const requireOffered = (level: LevelOfCare, path: (string | number)[]) => {
      if (!offered.has(level))
        ctx.addIssue({ code: 'custom', path, message: `level '${level}' is not in levels` });
    };
    if (offered.size === 0)
      ctx.addIssue({ code: 'custom', path: ['levels'], message: 'expected at least one level' });
    program.admission.entryLevels.forEach((level, i) =>
      requireOffered(level, ['admission', 'entryLevels', i]),
    );
    for (const level of offered) {
      const plan = program.levels[level];
      if (!plan) continue;
      if (plan.stepsDownTo) requireOffered(plan.stepsDownTo, ['levels', level, 'stepsDownTo']);
      plan.transitionsTo.forEach((target, i) =>
        requireOffered(target, ['levels', level, 'transitionsTo', i]),
      );
      const weekly = plan.weeklyHours;
      const taper = plan.milestones.reduce((sum, m) => sum + m.taperHours, 0);
      // Tapering past the floor would leave a milestone that lowers nothing.
      if (weekly && taper > weekly.target - weekly.floor)
        ctx.addIssue({
          code: 'custom',
          path: ['levels', level, 'milestones'],
          message: `milestones taper ${taper} h, more than target - floor (${weekly.target - weekly.floor} h)`,
        });
      const ids = plan.milestones.map((m) => m.milestoneId);
      if (new Set(ids).size !== ids.length)
        ctx.addIssue({
          code: 'custom',
          path: ['levels', level, 'milestones'],
          message: 'milestone ids repeat',
        });
    }
    if (offered.has('aftercare') && !program.aftercare)
      ctx.addIssue({
        code: 'custom',
        path: ['aftercare'],
        message: 'aftercare settings are required when aftercare is a level',
      });
    program.measurementThresholds.forEach((t, i) => {
      if (t.atOrAbove > instrumentMaxScore[t.instrument])
        ctx.addIssue({
          code: 'custom',
          path: ['measurementThresholds', i, 'atOrAbove'],
          message: 'above the instrument maximum',
        });
    });
  });

export type ProgramDefinition = z.infer<typeof programDefinitionSchema>;
