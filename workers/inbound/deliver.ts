import { EpisodeAlreadyOpen, NoOpenEpisode, UnknownClient } from '../../client/errors';
import type { Journeys } from '../../client/journeys';
import { AdmissionRefused, EventRefusedBefore } from '../../pathway';
import { alreadySeen, contentDigest, precedesLatestEpisode, refusedAs, sighting } from '../../pathway/dedup';
import { UnknownProgram } from '../../programs';
import type { AdmittedEvent, ClientEvent, EpisodeState } from '../../schemas';
import type { DeadLetterVerdict } from './decode';

export type JourneyPort = Pick<Journeys, 'admit' | 'recordEvent' | 'state' | 'rememberRefusal'>;

/** What became of one event: Temporal accepted it, it was a redelivery, or it cannot be applied. */
export type Delivery = { kind: 'accepted' } | { kind: 'redelivery' } | DeadLetterVerdict;

const verdict = (reason: DeadLetterVerdict['reason'], detail: string): DeadLetterVerdict => ({
  kind: 'dead-letter',
  reason,
  detail,
});

/** Refusals no retry can change; anything else (Temporal unreachable, a timeout) is transient. */
function permanentRefusal(error: unknown): DeadLetterVerdict | undefined {
  if (error instanceof NoOpenEpisode) return verdict('no-open-episode', error.message);
  if (error instanceof EpisodeAlreadyOpen)
    return verdict(
      'episode-already-open',
      `${error.message} The episode keeps this refusal: readmit under a new event id.`,
    );
  if (error instanceof AdmissionRefused) return verdict('admission-refused', error.message);
  if (error instanceof UnknownProgram) return verdict('unknown-program', error.message);
  return undefined;
}

/** The client's latest episode, open or discharged; none yet: undefined. */
async function latestEpisode(journeys: JourneyPort, clientId: string): Promise<EpisodeState | undefined> {
  try {
    return await journeys.state(clientId);
  } catch (error) {
    if (error instanceof UnknownClient) return undefined;
    throw error;
  }
}

/**
 * How an admission stands against the client's latest episode, which remembers recent event ids
 * over Kafka's redelivery horizon, with the refused ones: applied already (a redelivery, not a second
 * episode), refused already (refused again, never applied later), or to be admitted.
 */
async function admissionVerdict(
  journeys: JourneyPort,
  admission: AdmittedEvent,
): Promise<Delivery | 'admit'> {
  const latest = await latestEpisode(journeys, admission.clientId);
  if (!latest) return 'admit';
  const refused = refusedAs(latest, admission);
  if (refused) return verdict(refused, new EventRefusedBefore(admission.eventId, refused).message);
  const seen = sighting(latest, admission);
  if (seen === 'redelivery') return { kind: 'redelivery' };
  if (seen === 'conflict')
    return verdict(
      'event-id-conflict',
      `Admission ${admission.eventId} was already applied with different content: send a correction under a new event id.`,
    );
  if (precedesLatestEpisode(latest, admission))
    return verdict(
      'event-before-admission',
      `Admission ${admission.eventId} is dated before the admission of the client's latest episode (${latest.episodeId}): readmit with the date of the new admission.`,
    );
  return 'admit';
}

/**
 * Admits, or refuses for good. A refusal is first remembered by the client's running episode, so
 * the admission read again (after a rebalance, once that episode was discharged) is refused again
 * instead of starting an episode. Should that episode have ended in between, the admission is
 * judged again against what stands now.
 */
async function admitOrRefuse(journeys: JourneyPort, admission: AdmittedEvent): Promise<Delivery> {
  for (;;) {
    const before = await admissionVerdict(journeys, admission);
    if (before !== 'admit') return before;
    try {
      await journeys.admit(admission);
      return { kind: 'accepted' };
    } catch (error) {
      const refusal = permanentRefusal(error);
      if (!refusal) throw error;
      const kept = await journeys.rememberRefusal(admission.clientId, {
        eventId: admission.eventId,
        digest: contentDigest(admission),
        reason: refusal.reason,
      });
      if (kept || refusal.reason !== 'episode-already-open') return refusal;
    }
  }
}

/**
 * Hands one event to its client's journey: an admission starts an episode, every other event is
 * signalled to the open one (the workflow drops redeliveries by event id, and refuses again what it
 * refused). Resolves once Temporal has accepted the event; throws on transient errors, for the
 * caller to retry.
 */
export async function deliver(journeys: JourneyPort, event: ClientEvent): Promise<Delivery> {
  if (event.type === 'admitted') return admitOrRefuse(journeys, event);
  try {
    await journeys.recordEvent(event);
    return { kind: 'accepted' };
  } catch (error) {
    const refusal = permanentRefusal(error);
    if (!refusal) throw error;
    // An event redelivered after its episode was discharged is not a dead letter.
    const latest = refusal.reason === 'no-open-episode' && (await latestEpisode(journeys, event.clientId));
    if (latest && alreadySeen(latest, event.eventId)) return { kind: 'redelivery' };
    return refusal;
  }
}
