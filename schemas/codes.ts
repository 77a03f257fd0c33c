import { z } from 'zod';

/**
 * Coded vocabularies. A reason is always one of these codes, never free text: events and
 * effects leave the engine and must not carry clinical narrative (42 CFR Part 2).
 */

/** Why a level of care changed, a proposal was decided or an episode ended. */
export const reasonCodeSchema = z.enum([
  'admission',
  'milestones-met',
  'relapse',
  'withdrawal-risk',
  'repeated-positive-tests',
  'missed-sessions',
  'assessment-recommendation',
  'needs-more-structure',
  'clinical-judgement',
  'client-request',
  'payer-authorization',
  'no-contact',
  'aftercare-completed',
  'program-completed',
  'transfer-of-care',
  'clinically-inappropriate',
  'client-declined',
  'superseded',
  'typical-stay-reached',
]);
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

/** Discharge kinds aligned with TEDS reasons for discharge. */
export const dischargeKindSchema = z.enum([
  'completed',
  'left-against-advice',
  'administrative',
  'transferred',
  'lost-to-follow-up',
  'incarcerated',
  'other',
]);
export type DischargeKind = z.infer<typeof dischargeKindSchema>;

/** The rules that change a level of care or end an episode; the level history names the one that fired. */
export const ruleIdSchema = z.enum([
  'admission',
  'coordinator-request',
  'relapse-step-up',
  'missed-sessions-review',
  'no-contact-discharge',
  'milestones-step-down',
  'assessment-level-change',
  'aftercare-completion',
  'discharge-request',
]);
export type RuleId = z.infer<typeof ruleIdSchema>;

/** Rules whose change a program either applies at once or proposes for a coordinator's approval. */
export const policyRuleSchema = ruleIdSchema.exclude([
  'admission',
  'aftercare-completion',
  'discharge-request',
]);
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const severitySchema = z.enum(['info', 'warning', 'urgent']);

/** What staff are told about; each program maps every code to a recipient role and severity (or to nobody). */
export const notificationCodeSchema = z.enum([
  'missed-session',
  'consecutive-missed-sessions',
  'clinical-review-needed',
  'positive-drug-test',
  'relapse-reported',
  'refer-out-needed',
  'level-changed',
  'episode-ended',
  'measurement-past-threshold',
  'weekly-hours-below-target',
  'weekly-hours-above-ceiling',
  'authorization-expiring',
  'authorization-level-mismatch',
  'service-without-authorization',
  'cohort-mismatch',
  'weekend-session-not-offered',
  'family-guest-limit-exceeded',
  'aftercare-check-in-due',
  'maximum-stay-reached',
  'already-admitted',
  'discharge-plan-missing',
  'session-shorter-than-minimum',
  'family-workshop-too-soon',
]);
export type NotificationCode = z.infer<typeof notificationCodeSchema>;

/** Notifications about proposals go to the roles named in the rule's policy, not through the program's table. */
export const proposalNotificationCodeSchema = z.enum(['approval-waiting', 'approval-overdue']);

/** Flags behind the derived risk level; each is raised and cleared by events. */
export const riskFlagSchema = z.enum([
  'withdrawal-risk',
  'recent-relapse',
  'positive-drug-test',
  'missed-sessions',
  'measurement-past-threshold',
  'hours-below-floor',
]);
export type RiskFlag = z.infer<typeof riskFlagSchema>;

export const riskLevelSchema = z.enum(['low', 'medium', 'high']);
export type RiskLevel = z.infer<typeof riskLevelSchema>;

export const genderSchema = z.enum(['female', 'male', 'nonbinary', 'unspecified']);

/** Standardised instruments for measurement-based care. */
export const instrumentSchema = z.enum(['PHQ-9', 'GAD-7', 'BAM']);
export type Instrument = z.infer<typeof instrumentSchema>;

/** Highest score each instrument can produce (a property of the instrument, not a clinical threshold). */
export const instrumentMaxScore: Readonly<Record<Instrument, number>> = { 'PHQ-9': 27, 'GAD-7': 21, BAM: 68 };

export const sessionKindsList = [
  'group',
  'individual',
  'family',
  'family-workshop',
  'medication-management',
  'psychoeducation',
  'relapse-prevention',
  'life-skills',
  'holistic',
  'support-group',
  'check-in',
] as const;
export const sessionKindSchema = z.enum(sessionKindsList);
export type SessionKind = z.infer<typeof sessionKindSchema>;

/** Why a person may enter a stand-alone level (e.g. IOP) without stepping down from a more intensive one. */
export const standAloneIndicationSchema = z.enum([
  'prior-sobriety-recent-relapse',
  'mild-or-moderate-situational',
  'obligations-rule-out-residential',
]);

/** Identifier of a milestone, cohort, session, test or authorization: a code, never text about the client. */
export const codeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "expected a lower-case code: letters, digits and '-'");

/** A payer billing code (HCPCS service code, UB-04 revenue code). */
export const billingCodeSchema = z
  .string()
  .regex(/^[A-Z0-9]{3,10}$/, 'expected an upper-case billing code, e.g. H0015');
