import type { KafkaProducer } from '../../activities/kafka/producer';
import { loadLocalConfig } from '../../config';
import { getProgram } from '../../programs';
import type { ClientEvent, StaffActor } from '../../schemas';
import { deadLetterDetailMaxLength, deadLetterHeaders, type Topics } from '../../schemas/contract';
import type { RunningBridge } from '../../workers/bridge';
import { integrationActor } from '../../workers/inbound/identity';
import { episodeWorkflowId } from '../../workflows/definitions';
import { fieldNames, forbiddenField, publishedSchemas } from '../contract/published-schemas';
import { devServer } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { staff } from '../../testkit/fixtures';
import { inboundRecord, onTopic, SyntheticClient } from '../../testkit/inbound';
import { eventKey, outboundTopics, Tap } from '../../testkit/tap';
import { kafkaJourneys, kafkaTestBed, testKafka } from './kafka-harness';

const program = getProgram('full-continuum');
/** Whom the bridge records every inbound event as, whatever the message claims. */
const integration = integrationActor(loadLocalConfig({}).inbound.integrationId);
const kafka = testKafka(testStack().stack.kafka.brokers);
let topics: Topics;
let server: Awaited<ReturnType<typeof devServer>>;
let services: Awaited<ReturnType<typeof kafkaJourneys>>;
let bridge: RunningBridge;
let producer: KafkaProducer;
let tap: Tap;
let bed: Awaited<ReturnType<typeof kafkaTestBed>>;

beforeAll(async () => {
  bed = await kafkaTestBed(kafka, (own) => [...outboundTopics(own), own['client-events-dlq']]);
  ({ topics, server, services, producer, tap } = bed);
  bridge = await services.startBridge();
});

afterAll(async () => {
  await bridge?.stop();
  await bed?.close();
});

const outboundOf = (clientId: string) => tap.outboundOf(clientId, topics);
// Publishing is at least once: a send repeated after a retry (a local activity whose workflow task
// was refused) repeats its (source, id), which consumers de-duplicate on. An event applied twice would
// instead make new ids.
const distinctOutboundOf = (clientId: string) => new Map(outboundOf(clientId).map((r) => [eventKey(r), r]));
const typesOf = (clientId: string) =>
  [...distinctOutboundOf(clientId).values()].map((r) => String(r.json?.type)).sort();
const produce = (values: { key: string | null; value: string }[]) =>
  producer.send(onTopic(topics['client-events'], values));

/** Admission, a session attended, a relapse (full-continuum steps up at once) and a discharge. */
const journeyOf = (client: SyntheticClient) => [
  client.admitted(),
  client.attended(),
  client.relapse(),
  client.discharge(),
];
const ended = (clientId: string) => () =>
  tap.of(topics['care-events'], clientId).some((r) => r.json?.type === 'org.carepath.episode.ended.v1');

describe('the Kafka bridge and outbound events, on the real broker and Temporal', () => {
  test('inbound events change the journey; outbound events appear on their topics and conform to the published schemas', async () => {
    const client = SyntheticClient.unique(program.programId);
    await produce(journeyOf(client).map(inboundRecord));
    await tap.waitFor('episode ended', ended(client.clientId));

    const state = await services.journeys.state(client.clientId);
    expect(state.status).toBe('discharged');
    expect(state.history.map((h) => h.to)).toEqual(['iop', 'php']);

    const care = tap.of(topics['care-events'], client.clientId).map((r) => r.json);
    expect(care).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'org.carepath.care-level.changed.v1',
          data: expect.objectContaining({ from: 'iop', to: 'php', reasonCode: 'relapse' }),
        }),
        expect.objectContaining({ type: 'org.carepath.episode.ended.v1' }),
      ]),
    );
    const billing = tap.of(topics['billing-events'], client.clientId).map((r) => r.json);
    expect(billing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'org.carepath.service-day.attended.v1',
          data: expect.objectContaining({
            level: 'iop',
            serviceCode: program.levels.iop?.billing.serviceCode,
          }),
        }),
        expect.objectContaining({
          type: 'org.carepath.billing-level.changed.v1',
          data: expect.objectContaining({ to: 'php', serviceCode: program.levels.php?.billing.serviceCode }),
        }),
      ]),
    );
    expect(tap.of(topics['staff-notifications'], client.clientId).length).toBeGreaterThan(0);

    const schemas = publishedSchemas();
    for (const record of outboundOf(client.clientId)) {
      expect(record.headers['content-type']).toBe('application/cloudevents+json');
      expect(record.json?.subject).toBe(client.clientId);
      expect(String(record.json?.id)).toMatch(new RegExp(`^${state.episodeId}:\\d+$`));
      expect(schemas.problems(record.json)).toEqual([]);
    }
  });

  test('every inbound message produced twice → the same outbound events as once, none applied twice', async () => {
    const once = SyntheticClient.unique(program.programId);
    const twice = SyntheticClient.unique(program.programId);
    await produce(journeyOf(once).map(inboundRecord));
    await produce(journeyOf(twice).flatMap((event) => [inboundRecord(event), inboundRecord(event)]));
    await tap.waitFor('both episodes ended', () => ended(once.clientId)() && ended(twice.clientId)());
    // Everything produced has been applied and committed, and both journeys published their last
    // effects (a journey completes once its outbox is empty): no late effect can still come.
    await tap.waitFor('the bridge to catch up', () => services.bridgeCaughtUp());
    await Promise.all(
      [once, twice].map((c) => server.client.workflow.getHandle(episodeWorkflowId(c.clientId)).result()),
    );
    // The ended event is on its own topic: notifications and billing records may still be on their way.
    await tap.waitFor('the tap to read every outbound record', () => tap.caughtUp(kafka));
    expect(typesOf(twice.clientId)).toEqual(typesOf(once.clientId));
    // A repeated send repeats the same event, byte for byte.
    const byIdentity = distinctOutboundOf(twice.clientId);
    for (const record of outboundOf(twice.clientId))
      expect(record.value).toBe(byIdentity.get(eventKey(record))?.value);
    expect(tap.of(topics['client-events-dlq'], twice.clientId)).toEqual([]);
  });

  test('outbound ids and contents are stable across an activity retry after a lost acknowledgement', async () => {
    const client = SyntheticClient.unique(program.programId);
    await produce([inboundRecord(client.admitted())]);
    await tap.waitFor('admission applied', () => services.bridgeCaughtUp());
    services.sender.loseAckOnce(topics['billing-events']);
    await produce([inboundRecord(client.attended())]);
    await tap.waitFor(
      'the retried send',
      () => tap.of(topics['billing-events'], client.clientId).length >= 2,
    );

    const [first, second, ...more] = tap.of(topics['billing-events'], client.clientId);
    expect(more).toEqual([]);
    expect(second?.json?.id).toBe(first?.json?.id);
    expect(second?.value).toBe(first?.value);
  });

  test('a message claiming a supervisor is recorded under the integration, whose proposal one coordinator cannot carry out alone', async () => {
    const client = SyntheticClient.unique('default');
    const supervisor = { staffId: 'staff-supervisor-7', role: 'clinical-supervisor' } as const;
    const forged = { ...client.relapse(), recordedBy: supervisor };
    await produce([client.admitted(), forged].map(inboundRecord));
    await tap.waitFor('the proposal opened', () =>
      tap
        .of(topics['care-events'], client.clientId)
        .some((r) => r.json?.type === 'org.carepath.proposal.opened.v1'),
    );
    const opened = await services.journeys.state(client.clientId);
    expect(opened.pendingProposals).toEqual([expect.objectContaining({ openedBy: integration })]);
    expect(opened.history[0]?.actor).toEqual(integration);
    const proposalId = opened.pendingProposals[0]!.proposalId;
    const approval = (issuedBy: StaffActor, commandId: string) =>
      services.journeys.approveProposal(client.clientId, {
        type: 'transition-approved',
        commandId,
        issuedBy,
        proposalId,
      });

    // The coordinator who produced the report approves: that confirms it, and changes no level.
    const confirmed = await approval(staff.coordinator, `${client.clientId}-approve-1`);
    expect(confirmed.state.level).toBe('iop');
    expect(confirmed.state.pendingProposals).toEqual([
      expect.objectContaining({ proposalId, confirmedBy: staff.coordinator }),
    ]);
    await expect(approval(staff.coordinator, `${client.clientId}-approve-2`)).rejects.toMatchObject({
      type: 'ApprovalNotPermitted',
      details: expect.objectContaining({ reason: 'confirmed-by-you' }),
    });
    const carried = await approval(supervisor, `${client.clientId}-approve-3`);
    expect(carried.state.level).toBe('php');
    expect((await services.journeys.history(client.clientId)).at(-1)?.actor).toEqual(supervisor);
  });

  test('malformed and invalid messages end in the DLQ with reasons; the bridge keeps running', async () => {
    const client = SyntheticClient.unique(program.programId);
    const stranger = SyntheticClient.unique(program.programId);
    const admission = client.admitted();
    const attended = client.attended();
    const { value: valid } = inboundRecord(attended);
    const poison = [
      { key: client.clientId, value: '{"name": "not json' },
      {
        key: client.clientId,
        value: JSON.stringify({ ...JSON.parse(valid), data: { ...attended, hours: -3 } }),
      },
      {
        key: client.clientId,
        value: JSON.stringify({ ...JSON.parse(valid), type: 'org.carepath.unknown.v1' }),
      },
      { key: 'someone-else', value: valid },
      { key: client.clientId, value: JSON.stringify({ ...JSON.parse(valid), padding: 'x'.repeat(5000) }) },
      inboundRecord(stranger.attended()),
    ];
    await produce([inboundRecord(admission), ...poison, inboundRecord(attended)]);
    await tap.waitFor('the valid event after the poison', () =>
      tap
        .of(topics['billing-events'], client.clientId)
        .some((r) => r.json?.type === 'org.carepath.service-day.attended.v1'),
    );
    await tap.waitFor('every dead letter', () => tap.of(topics['client-events-dlq']).length >= 6);

    const letters = tap.of(topics['client-events-dlq']);
    const reasonOf = (letter: (typeof letters)[number]) => letter.headers[deadLetterHeaders.reason];
    // Records keyed by another client sit on another partition, so only their set is ordered.
    expect(letters.map(reasonOf).sort()).toEqual([
      'invalid-event',
      'invalid-event',
      'invalid-json',
      'key-mismatch',
      'message-too-large',
      'no-open-episode',
    ]);
    const offsets = letters.map((r) => Number(r.headers[deadLetterHeaders.offset]));
    for (const letter of letters) {
      expect(letter.headers[deadLetterHeaders.topic]).toBe(topics['client-events']);
      expect(letter.headers[deadLetterHeaders.partition]).toMatch(/^\d+$/);
      expect(letter.headers[deadLetterHeaders.detail]).not.toContain('not json');
    }
    expect(offsets.every((offset) => Number.isInteger(offset))).toBe(true);
    expect(letters.find((l) => reasonOf(l) === 'invalid-json')?.value).toBe('{"name": "not json');
    expect(letters.find((l) => reasonOf(l) === 'message-too-large')?.value).toBeNull();
    expect((await services.journeys.state(client.clientId)).week.attendedSessions).toBe(1);
  });

  test('events the journey refuses after the bridge handed them over are dead-lettered by the journey', async () => {
    const client = SyntheticClient.unique(program.programId);
    const admission = client.admitted();
    const attended = client.attended();
    // An earlier episode's event, read again by a new consumer group: dated before this admission.
    const early = {
      ...client.attended(),
      occurredAt: new Date(Date.parse(admission.occurredAt) - 86_400_000).toISOString(),
    };
    const conflicting = { ...attended, hours: attended.type === 'session-attended' ? attended.hours + 1 : 1 };
    const relapse = client.relapse();
    await produce([admission, attended, early, conflicting, attended, relapse].map(inboundRecord));
    // Signals are applied in order: once the relapse has changed the level, every event before it was handled.
    await tap.waitFor('the relapse after the refused events', () =>
      tap
        .of(topics['care-events'], client.clientId)
        .some((r) => r.json?.type === 'org.carepath.care-level.changed.v1'),
    );
    await tap.waitFor(
      "the journey's dead letters",
      () => tap.of(topics['client-events-dlq'], client.clientId).length >= 2,
    );
    await tap.waitFor('the tap to read every record', () => tap.caughtUp(kafka));

    const letters = tap.of(topics['client-events-dlq'], client.clientId);
    const byReason = new Map(letters.map((l) => [l.headers[deadLetterHeaders.reason], l]));
    expect([...byReason.keys()].sort()).toEqual(['event-before-admission', 'event-id-conflict']);
    expect(letters).toHaveLength(2);
    // The journey dead-letters the event as it had it: recorded by the integration.
    expect(byReason.get('event-before-admission')?.json).toEqual({ ...early, recordedBy: integration });
    expect(byReason.get('event-id-conflict')?.json).toEqual({ ...conflicting, recordedBy: integration });
    for (const letter of letters) {
      expect(letter.key).toBe(client.clientId);
      expect(letter.headers[deadLetterHeaders.journey]).toBe(episodeWorkflowId(client.clientId));
      expect(letter.headers[deadLetterHeaders.detail]).toMatch(/new event id|correct its date/);
    }
    // The redelivered event changed nothing and is no dead letter; the refused ones were not applied.
    const { recentEventIds } = await services.journeys.state(client.clientId);
    expect(recentEventIds.filter((id) => id === attended.eventId)).toHaveLength(1);
    expect(recentEventIds).not.toContain(early.eventId);
  });

  test('poison is set aside with its reason while other clients produced after it are applied within seconds', async () => {
    const poisoner = SyntheticClient.unique(program.programId);
    const others = Array.from({ length: 6 }, () => SyntheticClient.unique(program.programId));
    const inTwoYears = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString();
    const overIndicated = poisoner.admitted();
    const { value: overIndicatedValue } = inboundRecord(overIndicated);
    const poison = [
      // Once a TypeError retried forever: the program lookup found Object.prototype's constructor.
      inboundRecord({ ...poisoner.admitted(), programId: 'constructor' }),
      // Once an error on every element, a detail too large for a header; the bound now refuses the list whole.
      {
        key: poisoner.clientId,
        value: JSON.stringify({
          ...JSON.parse(overIndicatedValue),
          data: {
            ...overIndicated,
            intake: { ...overIndicated.intake, standAloneIndications: Array.from({ length: 1500 }, () => 0) },
          },
        }),
      },
      inboundRecord({ ...poisoner.attended(), occurredAt: inTwoYears }),
    ];
    const followers = [poisoner, ...others].flatMap((client) => [client.admitted(), client.attended()]);
    await produce(poison);
    const produced = Date.now();
    await produce(followers.map(inboundRecord));

    const applied = (client: SyntheticClient) => () =>
      tap
        .of(topics['billing-events'], client.clientId)
        .some((r) => r.json?.type === 'org.carepath.service-day.attended.v1');
    await tap.waitFor('every client after the poison applied', () =>
      [poisoner, ...others].every((c) => applied(c)()),
    );
    expect(Date.now() - produced).toBeLessThan(30_000);
    await tap.waitFor(
      'the dead letters',
      () => tap.of(topics['client-events-dlq'], poisoner.clientId).length >= 3,
    );

    const letters = tap.of(topics['client-events-dlq'], poisoner.clientId);
    // One partition, so in the order produced.
    expect(letters.map((l) => l.headers[deadLetterHeaders.reason])).toEqual([
      'unknown-program',
      'invalid-event',
      'event-in-future',
    ]);
    for (const letter of letters)
      expect(letter.headers[deadLetterHeaders.detail]?.length).toBeLessThanOrEqual(deadLetterDetailMaxLength);
    expect(letters[1]?.headers[deadLetterHeaders.detail]).toMatch(/^data\.intake\.standAloneIndications: /);
    expect((await services.journeys.state(poisoner.clientId)).week.attendedSessions).toBe(1);
    expect(services.monitor.health()).toEqual({ ok: true });
    const metrics = await services.monitor.registry.metrics();
    expect(metrics).toMatch(/carepath_bridge_dead_letters_total\{reason="unknown-program"\} [1-9]/);
    await tap.waitFor('the bridge to catch up', () => services.bridgeCaughtUp());
    expect(await services.monitor.registry.metrics()).toMatch(
      /carepath_bridge_consumer_lag\{topic="[^"]+",partition="\d+"\} 0/,
    );
  });

  test('a dead letter the broker refuses for good is written as a minimal one, and the partition moves on', async () => {
    const client = SyntheticClient.unique(program.programId);
    const dlq = topics['client-events-dlq'];
    services.sender.refuseValues(dlq);
    try {
      await produce([
        { key: client.clientId, value: '{"refused": ' },
        ...[client.admitted(), client.attended()].map(inboundRecord),
      ]);
      await tap.waitFor('the events after it applied', () =>
        tap
          .of(topics['billing-events'], client.clientId)
          .some((r) => r.json?.type === 'org.carepath.service-day.attended.v1'),
      );
      await tap.waitFor('the minimal dead letter', () =>
        tap.of(dlq).some((r) => r.headers[deadLetterHeaders.detail]?.includes('MESSAGE_TOO_LARGE')),
      );
    } finally {
      services.sender.refuseValues(undefined);
    }
    const minimal = tap
      .of(dlq)
      .find((r) => r.headers[deadLetterHeaders.detail]?.includes('MESSAGE_TOO_LARGE'));
    expect(minimal).toMatchObject({
      key: null,
      value: null,
      headers: expect.objectContaining({
        [deadLetterHeaders.reason]: 'invalid-json',
        [deadLetterHeaders.dropped]: 'key,value',
        [deadLetterHeaders.topic]: topics['client-events'],
      }),
    });
  });

  test('an admission refused while the episode was open, read again after the discharge, is refused again and starts no episode', async () => {
    const client = SyntheticClient.unique(program.programId);
    const first = client.admitted();
    const second = client.admitted();
    const lettersOf = () => tap.of(topics['client-events-dlq'], client.clientId);
    await produce([first, second].map(inboundRecord));
    await tap.waitFor('the second admission dead-lettered', () => lettersOf().length >= 1);
    await produce([inboundRecord(client.discharge())]);
    await tap.waitFor('episode ended', ended(client.clientId));
    await server.client.workflow.getHandle(episodeWorkflowId(client.clientId)).result();
    // What a rebalance does when the admission's offset was not committed yet: it is read again.
    await produce([inboundRecord(second)]);
    await tap.waitFor('the admission refused again', () => lettersOf().length >= 2);

    expect(lettersOf().map((l) => l.headers[deadLetterHeaders.reason])).toEqual([
      'episode-already-open',
      'episode-already-open',
    ]);
    const latest = await services.journeys.state(client.clientId);
    expect(latest.episodeId).toBe(`ep-${first.eventId}`);
    expect(latest.status).toBe('discharged');
  });

  test('an event type the permission table keeps from integrations is dead-lettered as sender-not-permitted', async () => {
    const client = SyntheticClient.unique(program.programId);
    const prescribed = {
      ...client.attended(),
      type: 'weekly-hours-prescribed',
      weeklyHours: 12,
    } as ClientEvent;
    await produce([inboundRecord(client.admitted()), inboundRecord(prescribed)]);
    // Last in the file: the tests above count every dead letter on the topic.
    await tap.waitFor(
      'the dead letter',
      () => tap.of(topics['client-events-dlq'], client.clientId).length > 0,
    );
    const [letter] = tap.of(topics['client-events-dlq'], client.clientId);
    expect(letter?.headers[deadLetterHeaders.reason]).toBe('sender-not-permitted');
    expect(letter?.headers[deadLetterHeaders.detail]).toContain('weekly-hours-prescribed');
  });

  test('no outbound payload in this file carries a name, note or diagnosis field', () => {
    const outbound = outboundTopics(topics).flatMap((topic) => tap.of(topic));
    expect(outbound.length).toBeGreaterThan(20);
    expect(fieldNames(outbound.map((r) => r.json)).filter((field) => forbiddenField.test(field))).toEqual([]);
  });
});
