import { cloudEventsOf } from '../activities/cloud-events';
import { admit, applyEvent, type Decision } from '../pathway';
import { getProgram } from '../programs';
import type { AdmittedEvent, ClientEvent, EpisodeState, ProgramDefinition } from '../schemas';
import { effectBatch, routeEffects } from '../workflows/effect-routing';
import { SyntheticClient } from '../testkit/inbound';

/** One outbound record a decision leads to, as the outbound tap keys it (`source id`). */
export interface PredictedRecord {
  key: string;
  stream: string;
}

/** A client's inbound events and, per event, the outbound records carepath must publish for it. */
export interface ScriptedClient {
  clientId: string;
  events: ClientEvent[];
  outbound: PredictedRecord[][];
}

export function recordsOf(decision: Decision, program: ProgramDefinition): PredictedRecord[] {
  return [...routeEffects(decision.effects)].flatMap(([stream, effects]) =>
    cloudEventsOf(stream, effectBatch(decision.state, program, effects)).map(({ event, stream: topic }) => ({
      key: `${String(event.source)} ${event.id}`,
      stream: topic,
    })),
  );
}

/**
 * The outbound records of each event, from carepath's own pure core — the rules the workflow runs —
 * so a benchmark knows exactly which records mark an event as done, and never waits for a count
 * that another scenario's records could fill. Valid while no timer falls due, which holds for
 * a benchmark's minutes: the earliest timer is days after admission.
 */
export function predictOutbound(
  admission: AdmittedEvent,
  events: readonly ClientEvent[],
): PredictedRecord[][] {
  const program = getProgram(admission.programId);
  // The episode id as the workflow makes it (workflows/episode.ts).
  let decision = admit(admission, program, `ep-${admission.eventId}`);
  const outbound = [recordsOf(decision, program)];
  let state: EpisodeState = decision.state;
  for (const event of events) {
    decision = applyEvent(state, event, program);
    state = decision.state;
    outbound.push(recordsOf(decision, program));
  }
  return outbound;
}

/**
 * A throughput client: admitted, then attendances and no-shows alternating so that the last event
 * is a no-show, whose staff notification marks the client's whole sequence as applied.
 */
export function throughputClient(clientId: string, programId: string, events: number): ScriptedClient {
  const client = new SyntheticClient(clientId, programId);
  const admission = client.admitted();
  const rest = Array.from({ length: events - 1 }, (_, i) =>
    (events - 2 - i) % 2 === 0 ? client.missed() : client.attended(),
  );
  const outbound = predictOutbound(admission, rest);
  if ((outbound.at(-1) ?? []).length === 0)
    throw new Error(`the last event of ${clientId} publishes nothing, so its completion cannot be seen`);
  return { clientId, events: [admission, ...rest], outbound };
}

/**
 * A latency client: admitted, then `probes` no-shows, each of which must notify staff (checked
 * here with the pure core, so a change of the rules fails the benchmark instead of timing nothing).
 * The probe's mark is its first staff-notification record.
 */
export function latencyClient(
  clientId: string,
  programId: string,
  probes: number,
): ScriptedClient & { marks: string[] } {
  const client = new SyntheticClient(clientId, programId);
  const admission = client.admitted();
  const misses = Array.from({ length: probes }, () => client.missed());
  const outbound = predictOutbound(admission, misses);
  const marks = outbound.map((records, i) => {
    const wanted = i === 0 ? 'care-events' : 'staff-notifications';
    const mark = records.find((record) => record.stream === wanted);
    if (!mark) throw new Error(`event ${i} of ${clientId} publishes no ${wanted} record`);
    return mark.key;
  });
  return { clientId, events: [admission, ...misses], outbound, marks };
}
