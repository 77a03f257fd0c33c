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
} from '../effects';
import { levelOfCareSchema } from '../levels';
import { levelPlanSchema } from '../program';
import { isoInstantSchema } from '../time';
import { outboundEnvelopeSchema, type Confidentiality } from './envelope';
import {
  confidentialityOfStream,
  streamOfEffect,
  type OutboundStream,
  type PublishedEffectType,
} from './topics';

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
  const confidentiality: Confidentiality = confidentialityOfStream[stream];
  return { type, stream, confidentiality, summary, data };
};

type EffectEvent = Pick<OutboundEventDefinition, 'type' | 'summary' | 'data'>;
const published = (type: string, summary: string, data: z.ZodObject): EffectEvent => ({
  type,
  summary,
  data,
});

/** The event of each published effect; its stream is the one `streamOfEffect` routes the effect to. */
const effectEvents = {
  'level-changed': published(
    'org.carepath.care-level.changed.v1',
    'The level of care changed (step up, step down or a coordinator’s transfer), with the coded reason.',
    levelChangedEffectSchema.omit(identity).extend(episode),
  ),
  'proposal-opened': published(
    'org.carepath.proposal.opened.v1',
    'A change (level or discharge) awaits a coordinator’s approval.',
    proposalOpenedEffectSchema.omit(identity).extend(episode),
  ),
  'proposal-decided': published(
    'org.carepath.proposal.decided.v1',
    'A pending proposal was approved, rejected or superseded.',
    proposalDecidedEffectSchema.omit(identity).extend(episode),
  ),
  'episode-started': published(
    'org.carepath.episode.started.v1',
    'A client was admitted: a new episode of care began at the given level.',
    episodeStartedEffectSchema.omit(identity).extend(episode),
  ),
  'episode-ended': published(
    'org.carepath.episode.ended.v1',
    'The episode of care ended with a discharge of the given kind.',
    episodeEndedEffectSchema.omit(identity).extend(episode),
  ),
  'weekly-hours-below-target': published(
    'org.carepath.weekly-hours.below-target.v1',
    'A week ended with fewer hours attended than the level’s target (`belowFloor`: below its minimum); `weekCount` weeks ended with nothing recorded are reported once.',
    weeklyHoursBelowTargetEffectSchema.omit(identity).extend(episode),
  ),
  'weekly-hours-corrected': published(
    'org.carepath.weekly-hours.corrected.v1',
    'Attendance recorded late changed a week already reviewed: its corrected hours, sessions and flags.',
    weeklyHoursCorrectedEffectSchema.omit(identity).extend(episode),
  ),
  'authorization-expiring': published(
    'org.carepath.authorization.expiring.v1',
    'A payer authorization is running out of units or nearing its end date: time for utilisation review.',
    authorizationExpiringEffectSchema.omit(identity).extend(episode),
  ),
  'measurement-past-threshold': published(
    'org.carepath.measurement.past-threshold.v1',
    'A standardised score (PHQ-9, GAD-7, BAM) reached the program’s threshold.',
    measurementPastThresholdEffectSchema.omit(identity).extend(episode),
  ),
  'clinical-review-requested': published(
    'org.carepath.clinical-review.requested.v1',
    'The rules call for a clinical review of the client’s level of care.',
    clinicalReviewRequestedEffectSchema.omit(identity).extend(episode),
  ),
  'sobriety-date-reset': published(
    'org.carepath.sobriety-date.reset.v1',
    'The client’s sobriety date was reset.',
    sobrietyDateResetEffectSchema.omit(identity).extend(episode),
  ),
  'cohort-assigned': published(
    'org.carepath.cohort.assigned.v1',
    'The client was placed in a cohort group.',
    cohortAssignedEffectSchema.omit(identity).extend(episode),
  ),
  'staff-notification': published(
    'org.carepath.staff-notification.raised.v1',
    'Someone in a role should act: a code and a severity; the notification service looks details up in the EHR.',
    staffNotificationEffectSchema.omit(identity).extend(episode),
  ),
  'follow-up-task': published(
    'org.carepath.follow-up-task.created.v1',
    'A follow-up task for a role, due at a time (e.g. after a no-show).',
    followUpTaskEffectSchema.omit(identity).extend(episode),
  ),
  billing: published(
    'org.carepath.service-day.attended.v1',
    'A billable service at a level: day, codes, units and the authorization it draws on.',
    billingEffectSchema.omit(identity).extend(episode),
  ),
} satisfies Record<PublishedEffectType, EffectEvent>;

/** The event each published effect becomes on the stream the journey routes it to. */
export const eventOfEffect = Object.fromEntries(
  Object.entries(effectEvents).map(([effectType, { type, summary, data }]) => [
    effectType,
    define(type, streamOfEffect[effectType as PublishedEffectType], summary, data),
  ]),
) as Record<PublishedEffectType, OutboundEventDefinition>;

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
