import type { KafkaProducer } from '../../activities/kafka/producer';
import { getProgram } from '../../programs';
import type { ClientEvent } from '../../schemas';
import type { Topics } from '../../schemas/contract';
import type { JourneyPort } from '../../workers/inbound/deliver';
import { testStack } from '../stack/test-stack';
import { inboundRecord, onTopic, SyntheticClient } from '../../testkit/inbound';
import { Tap } from '../../testkit/tap';
import { kafkaJourneys, kafkaTestBed, testKafka } from './kafka-harness';

const program = getProgram('full-continuum');
const kafka = testKafka(testStack().stack.kafka.brokers);
let topics: Topics;
let services: Awaited<ReturnType<typeof kafkaJourneys>>;
let producer: KafkaProducer;
let tap: Tap;
let bed: Awaited<ReturnType<typeof kafkaTestBed>>;

beforeAll(async () => {
  // One partition: the clients share its batches.
  bed = await kafkaTestBed(kafka, (own) => [own['client-events-dlq']], { partitions: 1 });
  ({ topics, services, producer, tap } = bed);
});

afterAll(() => bed?.close());

/**
 * The journeys as the bridge reaches them, except that one client's events wait at a gate the test
 * opens; every event handed over is logged, in the order the bridge handed them.
 */
function gatedPort(heldClientId: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const handedOver: string[] = [];
  const port: JourneyPort = {
    admit: (admission) => services.journeys.admit(admission),
    state: (clientId) => services.journeys.state(clientId),
    rememberRefusal: (clientId, refusal) => services.journeys.rememberRefusal(clientId, refusal),
    async recordEvent(event) {
      handedOver.push(event.eventId);
      if (event.clientId === heldClientId) await gate;
      return services.journeys.recordEvent(event);
    },
  };
  return { port, open, handedOver };
}

/** Produces the events, in this order, in one send to the one partition; their offsets by event id. */
async function produceToOnePartition(events: ClientEvent[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [bounds] = await admin.partitionBounds(topics['client-events']);
    await producer.send(onTopic(topics['client-events'], events.map(inboundRecord)));
    const base = BigInt(bounds!.high);
    return new Map(events.map((event, i) => [event.eventId, base + BigInt(i)]));
  } finally {
    await admin.disconnect();
  }
}

const committedOffset = async (): Promise<bigint> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await admin.committedOffsets(services.groupId, topics['client-events']);
    return BigInt(committed.find((p) => p.partition === 0)?.offset ?? '-1');
  } finally {
    await admin.disconnect();
  }
};

const sessionsOf = async (client: SyntheticClient) =>
  (await services.journeys.state(client.clientId).catch(() => undefined))?.week.attendedSessions ?? 0;

test('clients of one partition are handled side by side, each in order; the commit waits for the held client; a stop in between re-reads nothing twice', async () => {
  const held = SyntheticClient.unique(program.programId);
  const free = SyntheticClient.unique(program.programId);
  const heldEvents = [held.admitted(), held.attended(1), held.attended(2), held.attended(3)];
  const freeEvents = [free.admitted(), free.attended(1), free.attended(2), free.attended(3)];
  // Interleaved as an EHR feed would send them.
  const events = heldEvents.flatMap((event, i) => [event, freeEvents[i]!]);
  const first = gatedPort(held.clientId);
  const bridge = await services.startBridge(first.port);
  let stopped = false;
  try {
    const offsets = await produceToOnePartition(events);
    const heldFirst = offsets.get(heldEvents[1]!.eventId)!;

    // The other client's events after the held one are applied while it waits.
    await tap.waitFor('the free client’s sessions', async () => (await sessionsOf(free)) === 3);
    expect(await sessionsOf(held)).toBe(0);
    // Only the held client's first session was handed over: its later ones wait behind it.
    expect(first.handedOver.filter((id) => heldEvents.some((e) => e.eventId === id))).toEqual([
      heldEvents[1]!.eventId,
    ]);
    // Nothing at or after the record in hand is committed, however much after it is done.
    expect(await committedOffset()).toBe(heldFirst);

    // Stopping finishes the record in hand and leaves the rest for the next member of the group.
    const stopping = bridge.stop();
    first.open();
    await stopping;
    stopped = true;
    expect(first.handedOver.filter((id) => heldEvents.some((e) => e.eventId === id))).toEqual([
      heldEvents[1]!.eventId,
    ]);
    // The commit covers the record finished on the way out, and the other client's done after it.
    expect(await committedOffset()).toBe(offsets.get(heldEvents[2]!.eventId));
  } finally {
    if (!stopped) {
      first.open();
      await bridge.stop();
    }
  }

  // The next bridge reads on from the commit: the free client's records handled before are
  // recognised as redeliveries, the held client's later ones are applied, in order.
  const second = gatedPort('nobody');
  const next = await services.startBridge(second.port);
  try {
    await tap.waitFor('the bridge to catch up', () => services.bridgeCaughtUp());
    const heldState = await services.journeys.state(held.clientId);
    expect(heldState.week.attendedSessions).toBe(3);
    expect(heldState.recentEventIds.filter((id) => heldEvents.some((e) => e.eventId === id))).toEqual(
      heldEvents.map((e) => e.eventId),
    );
    const freeState = await services.journeys.state(free.clientId);
    expect(freeState.week.attendedSessions).toBe(3);
    expect(freeState.recentEventIds.filter((id) => freeEvents.some((e) => e.eventId === id))).toEqual(
      freeEvents.map((e) => e.eventId),
    );
    expect(tap.of(topics['client-events-dlq'])).toEqual([]);
  } finally {
    await next.stop();
  }
});
