import type { Authorization, AuthorizationUpdatedEvent, LevelOfCare, SessionAttendedEvent } from '../schemas';
import { clinicClock, localDay, startOfLocalDay } from './clock';
import type { DecisionDraft } from './draft';
import { levelPlan } from './plan';
import { addDays, startOfDay } from './time';

const replaceAuthorization = (draft: DecisionDraft, updated: Authorization): void => {
  const others = draft.state.authorizations.filter((a) => a.authorizationRef !== updated.authorizationRef);
  draft.update({ authorizations: [...others, updated] });
};

/** Utilisation review: remind staff once when units run low. */
const remindIfUnitsLow = (draft: DecisionDraft, authorization: Authorization): Authorization => {
  if (
    authorization.unitsReminderSent ||
    authorization.remainingUnits > draft.program.authorizations.remainingUnitsReminder
  )
    return authorization;
  draft.emit({
    type: 'authorization-expiring',
    authorizationRef: authorization.authorizationRef,
    trigger: 'units-low',
    remainingUnits: authorization.remainingUnits,
    endDate: authorization.endDate,
  });
  draft.notify('authorization-expiring');
  return { ...authorization, unitsReminderSent: true };
};

/**
 * A payer's new or revised authorization. Units already used stay used; the end-date reminder
 * is re-armed from the new end date.
 */
export const onAuthorizationUpdated = (draft: DecisionDraft, event: AuthorizationUpdatedEvent): void => {
  const { authorizationRef, payerLevel, unit, unitsAuthorized, startDate, endDate } = event;
  const previous = draft.state.authorizations.find((a) => a.authorizationRef === authorizationRef);
  const used = previous ? previous.unitsAuthorized - previous.remainingUnits : 0;
  const remainingUnits = Math.max(0, unitsAuthorized - used);
  const reminder = draft.program.authorizations.remainingUnitsReminder;
  const authorization = remindIfUnitsLow(draft, {
    authorizationRef,
    payerLevel,
    unit,
    unitsAuthorized,
    remainingUnits,
    startDate,
    endDate,
    unitsReminderSent: (previous?.unitsReminderSent ?? false) && remainingUnits <= reminder,
  });
  replaceAuthorization(draft, authorization);
  draft.cancelTimers((t) => t.kind === 'authorization-expiry-reminder' && t.subject === authorizationRef);
  const clock = clinicClock(draft.program);
  const lastDayBegins = clock === null ? startOfDay(endDate) : startOfLocalDay(clock, endDate);
  draft.armTimer(
    'authorization-expiry-reminder',
    addDays(lastDayBegins, -draft.program.authorizations.reminderLeadDays),
    authorizationRef,
  );
  if (payerLevel !== draft.state.level) draft.notify('authorization-level-mismatch');
};

export const onAuthorizationReminderDue = (draft: DecisionDraft, authorizationRef: string): void => {
  const authorization = draft.state.authorizations.find((a) => a.authorizationRef === authorizationRef);
  if (!authorization) return;
  draft.emit({
    type: 'authorization-expiring',
    authorizationRef,
    trigger: 'end-date-near',
    remainingUnits: authorization.remainingUnits,
    endDate: authorization.endDate,
  });
  draft.notify('authorization-expiring');
};

/** The authorization a service day draws on: in force that day with units left, the clinical level's own first. */
const authorizationFor = (
  draft: DecisionDraft,
  serviceDay: string,
  level: LevelOfCare,
): Authorization | undefined => {
  const inForce = draft.state.authorizations.filter(
    (a) => a.startDate <= serviceDay && serviceDay <= a.endDate && a.remainingUnits > 0,
  );
  return inForce.find((a) => a.payerLevel === level) ?? inForce[0];
};

/**
 * Bills an attended session at the level it was attended at (per session, or once per service
 * day, as the level bills) and counts it down from the authorization. The service day is the
 * clinic's calendar day. Billing carries codes and units, never clinical reasons.
 */
export const billAttendance = (
  draft: DecisionDraft,
  event: SessionAttendedEvent,
  level: LevelOfCare,
): void => {
  // Sessions the program does not bill (e.g. peer support groups) are no service of the level.
  if (!(draft.program.sessionKinds?.billed.includes(event.kind) ?? true)) return;
  const serviceDay = localDay(clinicClock(draft.program), event.occurredAt);
  const { billedServiceDays } = draft.state;
  const billing = levelPlan(draft.program, level).billing;
  const newDay = !billedServiceDays.includes(serviceDay);
  if (billing.unit === 'day' && !newDay) return;
  if (newDay) draft.update({ billedServiceDays: [...billedServiceDays, serviceDay] });
  const authorization = authorizationFor(draft, serviceDay, level);
  draft.emit({
    type: 'billing',
    serviceDay,
    level,
    serviceCode: billing.serviceCode,
    revenueCode: billing.revenueCode,
    units: 1,
    authorizationRef: authorization?.authorizationRef ?? null,
  });
  if (!authorization) {
    // Self-pay episodes carry no authorizations; only payer-managed ones need utilisation review.
    if (draft.state.authorizations.length > 0) draft.notify('service-without-authorization');
    return;
  }
  if (authorization.unit === 'days' && !newDay) return;
  replaceAuthorization(
    draft,
    remindIfUnitsLow(draft, { ...authorization, remainingUnits: authorization.remainingUnits - 1 }),
  );
};
