import { EpisodeAlreadyOpen, NoOpenEpisode, UnknownClient } from '../../client/errors';
import type { Journeys } from '../../client/journeys';
import { AdmissionRefused } from '../../pathway';
import { alreadySeen, sighting } from '../../pathway/dedup';
import { UnknownProgram } from '../../programs';
import type { ClientEvent } from '../../schemas';
import type { DeadLetterVerdict } from './decode';

export type JourneyPort = Pick<Journeys, 'admit' | 'recordEvent' | 'state'>;

/** What became of one event: Temporal accepted it, it was a redelivery, or it cannot be applied. */
export type Delivery = { kind: 'accepted' } | { kind: 'redelivery' } | DeadLetterVerdict;

/** Refusals no retry can change; anything else (Temporal unreachable, a timeout) is transient. */
function permanentRefusal(error: unknown): DeadLetterVerdict | undefined {
  const verdict = (reason: DeadLetterVerdict['reason'], detail: string): DeadLetterVerdict => ({
    kind: 'dead-letter',
    reason,
    detail,
  });
  if (error instanceof NoOpenEpisode) return verdict('no-open-episode', error.message);
  if (error instanceof EpisodeAlreadyOpen) return verdict('episode-already-open', error.message);
  if (error instanceof AdmissionRefused) return verdict('admission-refused', error.message);
  if (error instanceof UnknownProgram) return verdict('unknown-program', error.message);
  return undefined;
}

/**
 * Whether the client's latest episode, open or discharged, already applied this event: it remembers
 * recent event ids over Kafka's redelivery horizon. So a redelivered admission does not start a
 * second episode, and an event redelivered after discharge is not a dead letter.
 */
async function alreadyApplied(journeys: JourneyPort, event: ClientEvent): Promise<boolean> {
  try {
    return alreadySeen(await journeys.state(event.clientId), event.eventId);
  } catch (error) {
    if (error instanceof UnknownClient) return false;
    throw error;
  }
}

/** How an admission stands against the client's latest episode (none yet: new). */
async function admissionSighting(journeys: JourneyPort, event: ClientEvent) {
  try {
    return sighting(await journeys.state(event.clientId), event);
  } catch (error) {
    if (error instanceof UnknownClient) return 'new';
    throw error;
  }
}

/**
 * Hands one event to its client's journey: an admission starts an episode, every other event is
 * signalled to the open one (the workflow drops redeliveries by event id). Resolves once Temporal
 * has accepted the event; throws on transient errors, for the caller to retry.
 */
export async function deliver(journeys: JourneyPort, event: ClientEvent): Promise<Delivery> {
  try {
    if (event.type === 'admitted') {
      const seen = await admissionSighting(journeys, event);
      if (seen === 'redelivery') return { kind: 'redelivery' };
      if (seen === 'conflict')
        return {
          kind: 'dead-letter',
          reason: 'event-id-conflict',
          detail: `Admission ${event.eventId} was already applied with different content: send a correction under a new event id.`,
        };
      await journeys.admit(event);
    } else {
      await journeys.recordEvent(event);
    }
    return { kind: 'accepted' };
  } catch (error) {
    const refusal = permanentRefusal(error);
    if (!refusal) throw error;
    if (refusal.reason === 'no-open-episode' && (await alreadyApplied(journeys, event)))
      return { kind: 'redelivery' };
    return refusal;
  }
}
