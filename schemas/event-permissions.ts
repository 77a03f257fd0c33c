import { z } from 'zod';
import { apiRoleSchema, type ApiRole } from '../api/roles';
import type { ClientEvent } from './events';

/**
 * Who may send which client event: each API role through `POST /v1/clients/{clientId}/events` (the
 * admission through its own route) and the integration behind the inbound Kafka topic. The one
 * table both edges enforce; a new event type does not compile until it is placed here.
 */
export const eventSenderSchema = z.enum([...apiRoleSchema.options, 'integration']);
export type EventSender = z.infer<typeof eventSenderSchema>;

const recorders = ['coordinator', 'clinician', 'integration'] as const;

export const eventPermissions = {
  admitted: ['coordinator', 'integration'],
  'assessment-completed': recorders,
  'session-scheduled': recorders,
  'session-attended': recorders,
  'session-missed': recorders,
  'milestone-completed': recorders,
  'drug-test-resulted': recorders,
  // From an integration it opens any proposal in the integration's name, which staff then decide.
  'relapse-reported': recorders,
  'measurement-recorded': recorders,
  // A prescription is a clinician's decision: the journey records who made it, which a feed cannot say.
  'weekly-hours-prescribed': ['coordinator', 'clinician'],
  'authorization-updated': recorders,
  // Ending an episode is a coordinator's act (also `POST /v1/clients/{clientId}/discharge`); an EHR's
  // discharge is recorded under the integration's identity.
  'discharge-requested': ['coordinator', 'integration'],
} as const satisfies Record<ClientEvent['type'], readonly EventSender[]>;

export type ClientEventType = keyof typeof eventPermissions;

export const maySend = (sender: EventSender, type: ClientEventType): boolean =>
  (eventPermissions[type] as readonly EventSender[]).includes(sender);

/** The API roles that may send an event of this type (the admission's route takes its access from it). */
export const apiRolesSending = (type: ClientEventType): readonly ApiRole[] =>
  apiRoleSchema.options.filter((role) => maySend(role, type));

/** The API roles that may send at least one event other than the admission: who may call the events route. */
export const eventRouteRoles = apiRoleSchema.options.filter((role) =>
  (Object.keys(eventPermissions) as ClientEventType[]).some(
    (type) => type !== 'admitted' && maySend(role, type),
  ),
);
