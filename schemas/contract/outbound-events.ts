import { z } from 'zod';
import { identifierSchema } from '../actors';
import { billingCodeSchema, codeSchema } from '../codes';
import {
  authorizationExpiringEffectSchema,
  billingEffectSchema,
  clinicalReviewRequestedEffectSchema,
  cohortAssignedEffectSchema,
  episodeEndedEffectSchema,
  episodeStartedEffectSchema,
  followUpTaskEffectSchema,
  levelChangedEffectSchema,
  measurementPastThresholdEffectSchema,
  proposalDecidedEffectSchema,
  proposalOpenedEffectSchema,
  sobrietyDateResetEffectSchema,
  staffNotificationEffectSchema,
  weeklyHoursBelowTargetEffectSchema,
  weeklyHoursCorrectedEffectSchema,
  type EffectType,
} from '../effects';
import { levelOfCareSchema } from '../levels';
import { levelPlanSchema } from '../program';
import { isoInstantSchema } from '../time';
import { outboundEnvelopeSchema, type Confidentiality } from './envelope';
import type { OutboundStream } from './topics';

/**
 * The data of every outbound event, built from the effect schemas: the effect's fields without its
 * identity (the envelope carries id, time and type), plus the episode and program they belong to.
 * Objects are closed (`additionalProperties: false`), so a field reaches consumers only by a
 * deliberate change of this contract.
 */

const identity = { effectId: true, at: true, type: true } as const;
const episode = {
  episodeId: identifierSchema,
  programId: codeSchema,
};

export interface OutboundEventDefinition {
  /** CloudEvents `type`, versioned: a breaking change of the data is a new version. */
  type: string;
  stream: OutboundStream;
  confidentiality: Confidentiality;
  summary: string;
  data: z.ZodObject;
}

const define = <D extends z.ZodObject>(type: string, stream: OutboundStream, summary: string, data: D) => {
  const confidentiality: Confidentiality = stream === 'billing-events' ? '42cfr2-payment' : '42cfr2-clinical';
  return { type, stream, confidentiality, summary, data };
};

/** Effects the workflow keeps to itself: it arms and cancels its own timers. */
export type InternalEffectType = 'arm-timer' | 'cancel-timer';
export type PublishedEffectType = Exclude<EffectType, InternalEffectType>;

/** The event each published effect becomes on the stream the workflow routes it to. */
export const eventOfEffect = {
  'level-changed': define(
    'org.carepath.care-level.changed.v1',
    'care-events',
    'The level of care changed (step up, step down or a coordinator’s transfer), with the coded reason.',
    levelChangedEffectSchema.omit(identity).extend(episode),
  ),
  'proposal-opened': define(
    'org.carepath.proposal.opened.v1',
    'care-events',
    'A change (level or discharge) awaits a coordinator’s approval.',
    proposalOpenedEffectSchema.omit(identity).extend(episode),
  ),
  'proposal-decided': define(
    'org.carepath.proposal.decided.v1',
    'care-events',
    'A pending proposal was approved, rejected or superseded.',
    proposalDecidedEffectSchema.omit(identity).extend(episode),
  ),
  'episode-started': define(
    'org.carepath.episode.started.v1',
    'care-events',
    'A client was admitted: a new episode of care began at the given level.',
    episodeStartedEffectSchema.omit(identity).extend(episode),
  ),
  'episode-ended': define(
    'org.carepath.episode.ended.v1',
    'care-events',
    'The episode of care ended with a discharge of the given kind.',
    episodeEndedEffectSchema.omit(identity).extend(episode),
  ),
  'weekly-hours-below-target': define(
    'org.carepath.weekly-hours.below-target.v1',
    'care-events',
    'A week ended with fewer hours attended than the level’s target (`belowFloor`: below its minimum); `weekCount` weeks ended with nothing recorded are reported once.',
    weeklyHoursBelowTargetEffectSchema.omit(identity).extend(episode),
  ),
  'weekly-hours-corrected': define(
    'org.carepath.weekly-hours.corrected.v1',
    'care-events',
    'Attendance recorded late changed a week already reviewed: its corrected hours, sessions and flags.',
    weeklyHoursCorrectedEffectSchema.omit(identity).extend(episode),
  ),
  'authorization-expiring': define(
    'org.carepath.authorization.expiring.v1',
    'care-events',
    'A payer authorization is running out of units or nearing its end date: time for utilisation review.',
    authorizationExpiringEffectSchema.omit(identity).extend(episode),
  ),
  'measurement-past-threshold': define(
    'org.carepath.measurement.past-threshold.v1',
    'care-events',
    'A standardised score (PHQ-9, GAD-7, BAM) reached the program’s threshold.',
    measurementPastThresholdEffectSchema.omit(identity).extend(episode),
  ),
  'clinical-review-requested': define(
    'org.carepath.clinical-review.requested.v1',
    'care-events',
    'The rules call for a clinical review of the client’s level of care.',
    clinicalReviewRequestedEffectSchema.omit(identity).extend(episode),
  ),
  'sobriety-date-reset': define(
    'org.carepath.sobriety-date.reset.v1',
    'care-events',
    'The client’s sobriety date was reset.',
    sobrietyDateResetEffectSchema.omit(identity).extend(episode),
  ),
  'cohort-assigned': define(
    'org.carepath.cohort.assigned.v1',
    'care-events',
    'The client was placed in a cohort group.',
    cohortAssignedEffectSchema.omit(identity).extend(episode),
  ),
  'staff-notification': define(
    'org.carepath.staff-notification.raised.v1',
    'staff-notifications',
    'Someone in a role should act: a code and a severity; the notification service looks details up in the EHR.',
    staffNotificationEffectSchema.omit(identity).extend(episode),
  ),
  'follow-up-task': define(
    'org.carepath.follow-up-task.created.v1',
    'staff-notifications',
    'A follow-up task for a role, due at a time (e.g. after a no-show).',
    followUpTaskEffectSchema.omit(identity).extend(episode),
  ),
  billing: define(
    'org.carepath.service-day.attended.v1',
    'billing-events',
    'A billable service at a level: day, codes, units and the authorization it draws on.',
    billingEffectSchema.omit(identity).extend(episode),
  ),
} satisfies Record<PublishedEffectType, OutboundEventDefinition>;

/**
 * A level change as billing sees it: the codes and unit of the new level from the program's level
 * plan, and when it took effect. Never the reason, rule or actor: those are clinical.
 */
export const billingLevelChanged = define(
  'org.carepath.billing-level.changed.v1',
  'billing-events',
  'The billed level changed: service and revenue codes and the billing unit of the new level, from when.',
  z.object({
    ...episode,
    from: levelOfCareSchema,
    to: levelOfCareSchema,
    effectiveAt: isoInstantSchema,
    serviceCode: billingCodeSchema,
    revenueCode: billingCodeSchema,
    unit: levelPlanSchema.shape.billing.shape.unit,
  }),
) satisfies OutboundEventDefinition;

/** Every outbound event type, each once. */
export const outboundEventDefinitions: readonly OutboundEventDefinition[] = [
  ...Object.values(eventOfEffect),
  billingLevelChanged,
];

/** The full event (envelope and data) of each outbound type, keyed by CloudEvents type. */
export const outboundEventSchemas: ReadonlyMap<string, z.ZodObject> = new Map(
  outboundEventDefinitions.map((definition) => [definition.type, outboundEnvelopeSchema(definition)]),
);
