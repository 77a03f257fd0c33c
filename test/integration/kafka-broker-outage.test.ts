import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../../config';
import { ensureInstalled } from '../../infra/install';
import { startKafkaBroker, waitForKafka, type KafkaBrokerOptions } from '../../infra/kafka-broker';
import { freePort } from '../../infra/ports';
import { stopServer, type ServerProcess } from '../../infra/processes';
import { admit } from '../../pathway';
import { getProgram } from '../../programs';
import { effectRecords, recordBytes } from '../../activities/kafka/effect-publisher';
import { carepathTopics, parkedEffectHeaders } from '../../schemas/contract';
import type { Effect } from '../../schemas';
import { publishedKeys } from '../../drills/scenario';
import { streamOf } from '../../workflows/effect-routing';
import { episodeWorkflowId } from '../../workflows/definitions';
import { fieldNames, forbiddenField, publishedSchemas } from '../contract/published-schemas';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { devServer } from '../stack/environments';
import { SyntheticClient } from '../../testkit/inbound';
import { eventKey, outboundTopics, Tap } from '../../testkit/tap';
import { saveHistoryFixture } from './journey-harness';
import { kafkaJourneys, testKafka } from './kafka-harness';

jest.setTimeout(240_000);

/** A broker of this file's own, stopped and restarted on the same port and data dir. */
let broker: KafkaBrokerOptions;
let proc: ServerProcess;
const startBroker = async () => {
  proc = startKafkaBroker(broker);
  await waitForKafka(proc, [`127.0.0.1:${broker.port}`]);
};

beforeAll(async () => {
  const install = await ensureInstalled(loadLocalConfig().cacheDir, () => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'carepath-outage-'));
  broker = {
    java: install.java,
    libs: install.kafkaLibs,
    dir,
    port: await freePort(),
    controllerPort: await freePort(),
    logFile: join(dir, 'kafka.log'),
  };
  await startBroker();
});

afterAll(async () => {
  await stopServer(proc);
  rmSync(broker.dir, { recursive: true, force: true });
});

/** The (source, id) pairs a tap has read on the outbound topics, for one client. */
const deliveredTo = (tap: Tap, clientId: string) =>
  new Set(
    outboundTopics()
      .flatMap((topic) => tap.of(topic, clientId))
      .map(eventKey),
  );

test('broker stopped while effects are pending → after restart every expected event is delivered', async () => {
  const kafka = testKafka([`127.0.0.1:${broker.port}`]);
  const server = await devServer();
  // The broker is this file's alone: the contract's own topic names, created at start-up.
  const services = await kafkaJourneys({ kafka, topics: carepathTopics, ...server });
  const client = SyntheticClient.unique('full-continuum');
  try {
    const admission = client.admitted();
    await services.journeys.admit(admission);
    // The admission's effects are the core's decision, the same in the workflow as here.
    const admitted = admit(admission, getProgram('full-continuum'), `ep-${admission.eventId}`).effects;
    const before = await services.journeys.recordEventAndWait(client.attended());

    await stopServer(proc);
    const during = [
      ...(await services.journeys.recordEventAndWait(client.relapse())).effects,
      ...(await services.journeys.recordEventAndWait(client.discharge())).effects,
    ];
    // The effects' sends are failing against the stopped broker, and the workflow keeps retrying them.
    const handle = server.client.workflow.getHandle(episodeWorkflowId(client.clientId));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const events = (await handle.fetchHistory()).events ?? [];
      if (events.some((event) => event.markerRecordedEventAttributes?.failure)) break;
      if (Date.now() > deadline) throw new Error('no failed send was recorded while the broker was down');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    await startBroker();
    const tap = await Tap.start(kafka, outboundTopics());
    try {
      const expected = publishedKeys([...admitted, ...before.effects, ...during]);
      expect(expected.length).toBeGreaterThan(4);
      const delivered = () => deliveredTo(tap, client.clientId);
      await tap.waitFor(
        'every expected event',
        () => expected.every((pair) => delivered().has(pair)),
        150_000,
      );
      await handle.result();

      const schemas = publishedSchemas();
      expect(tap.records.flatMap((r) => schemas.problems(r.json))).toEqual([]);
      expect(fieldNames(tap.records.map((r) => r.json)).filter((f) => forbiddenField.test(f))).toEqual([]);
      expect([...delivered()].sort()).toEqual([...new Set(expected)].sort());
    } finally {
      await tap.stop();
    }
  } finally {
    await services.close();
    await server.close();
  }
});

/** The run ids a journey has had so far, following its continue-as-new chain from the first run. */
async function runsOf(client: Client, workflowId: string, firstRunId: string) {
  const runs: { runId: string; events: number; continued: boolean }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const events: temporal.api.history.v1.IHistoryEvent[] =
      (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    const next: string | undefined =
      events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    runs.push({ runId, events: events.length, continued: next !== undefined });
    runId = next;
  }
  return runs;
}

test('a long broker outage → the journey continues as new carrying its unsent effects, each run bounded; all delivered after', async () => {
  const kafka = testKafka([`127.0.0.1:${broker.port}`]);
  const server = await devServer();
  // A short retry and two failed rounds per run, so continue-as-new happens within seconds.
  const settings = {
    failedSendRoundsBeforeContinueAsNew: 2,
    sendRetryFirstSeconds: 1,
    sendRetryMaxSeconds: 2,
  };
  const services = await kafkaJourneys({ kafka, topics: carepathTopics, ...server, settings });
  const client = SyntheticClient.unique('full-continuum');
  try {
    const admission = client.admitted();
    const { runId } = await services.journeys.admit(admission);
    const admitted = admit(admission, getProgram('full-continuum'), `ep-${admission.eventId}`).effects;

    await stopServer(proc);
    const during = (await services.journeys.recordEventAndWait(client.relapse())).effects;
    const workflowId = episodeWorkflowId(client.clientId);
    const deadline = Date.now() + 150_000;
    let runs = await runsOf(server.client, workflowId, runId);
    while (runs.filter((r) => r.continued).length < 2) {
      if (Date.now() > deadline) throw new Error(`only ${runs.length} run(s) while the broker was down`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      runs = await runsOf(server.client, workflowId, runId);
    }
    // Coordinators are answered while Kafka is away, and the episode is still open.
    const state = await services.journeys.recordEventAndWait(client.attended());
    expect(state.state.status).toBe('active');

    await startBroker();
    const tap = await Tap.start(kafka, outboundTopics());
    try {
      const expected = publishedKeys([...admitted, ...during, ...state.effects]);
      const delivered = () => deliveredTo(tap, client.clientId);
      await tap.waitFor(
        'every expected event',
        () => expected.every((pair) => delivered().has(pair)),
        150_000,
      );
      expect([...delivered()].sort()).toEqual([...new Set(expected)].sort());
    } finally {
      await tap.stop();
    }
    runs = await runsOf(server.client, workflowId, runId);
    const closed = runs.filter((r) => r.continued);
    expect(closed.length).toBeGreaterThanOrEqual(2);
    // Two failed rounds make a few dozen events; far from growing with the outage's length.
    for (const run of closed) expect(run.events).toBeLessThan(120);
    const [first, second] = closed;
    await saveHistoryFixture(
      server.client.workflow.getHandle(workflowId, first?.runId),
      'outbox-failing-rounds',
    );
    await saveHistoryFixture(
      server.client.workflow.getHandle(workflowId, second?.runId),
      'outbox-carried-unsent',
    );
  } finally {
    await services.close();
    await server.close();
  }
});

test('an effect too large for the broker → parked on the outbound dead-letter topic; the journey goes on', async () => {
  const kafka = testKafka([`127.0.0.1:${broker.port}`]);
  const server = await devServer();
  // Step-down IOP places the client in a cohort: the admission publishes two effects of different sizes.
  const program = getProgram('step-down-iop');
  const client = SyntheticClient.unique(program.programId);
  const admission = client.admitted();
  const admitted = admit(admission, program, `ep-${admission.eventId}`).effects;
  const batch = {
    clientId: client.clientId,
    episodeId: `ep-${admission.eventId}`,
    programId: program.programId,
  };
  const largest = (effect: Effect) =>
    Math.max(
      ...effectRecords(streamOf(effect)!, { ...batch, effects: [effect] }, carepathTopics).map(recordBytes),
    );
  const published = admitted.filter((e) => streamOf(e));
  // Just under the admission's largest record: that effect can never be sent, the others can.
  const limit = Math.max(...published.map(largest)) - 1;
  const services = await kafkaJourneys({
    kafka,
    topics: carepathTopics,
    ...server,
    limits: { maxRecordBytes: limit, maxRequestBytes: 100_000 },
  });
  const tap = await Tap.start(kafka, [...outboundTopics(), carepathTopics['effects-dlq']]);
  try {
    await services.journeys.admit(admission);
    const ended = await services.journeys.recordEventAndWait(client.discharge());
    const effects = [...published, ...ended.effects.filter((e) => streamOf(e))];
    const tooLarge = effects.filter((e) => largest(e) > limit);
    expect(tooLarge.length).toBeGreaterThan(0);
    expect(tooLarge.length).toBeLessThan(effects.length);

    const parkedIds = () =>
      tap
        .of(carepathTopics['effects-dlq'], client.clientId)
        .map((r) => r.headers[parkedEffectHeaders.effectId]);
    const sent = () => deliveredTo(tap, client.clientId);
    const sendable = publishedKeys(effects.filter((e) => largest(e) <= limit));
    await tap.waitFor(
      'parked and sent effects',
      () =>
        tooLarge.every((e) => parkedIds().includes(e.effectId)) && sendable.every((pair) => sent().has(pair)),
    );
    // The journey went on to its end: the discharge after the parked effect was applied and it completed.
    const handle = server.client.workflow.getHandle(episodeWorkflowId(client.clientId));
    await handle.result();
    await saveHistoryFixture(handle, 'outbox-parked-effect');
    const letters = tap.of(carepathTopics['effects-dlq'], client.clientId);
    expect(letters.map((l) => l.headers[parkedEffectHeaders.reason])).toEqual(
      letters.map(() => 'record-too-large'),
    );
    expect([...new Set(parkedIds())].sort()).toEqual(tooLarge.map((e) => e.effectId).sort());
    // The value is the effect itself, unless that too was over the limit.
    const copied = letters.filter((l) => l.value !== null);
    expect(copied.map((l) => l.json?.effectId)).toEqual(
      copied.map((l) => l.headers[parkedEffectHeaders.effectId]),
    );
  } finally {
    await tap.stop();
    await services.close();
    await server.close();
  }
});

test('a discharge while the broker is down → the episode closes, readmission succeeds, the last effects follow', async () => {
  const kafka = testKafka([`127.0.0.1:${broker.port}`]);
  const server = await devServer();
  const settings = { sendRetryFirstSeconds: 1, sendRetryMaxSeconds: 2 };
  const services = await kafkaJourneys({ kafka, topics: carepathTopics, ...server, settings });
  const program = getProgram('full-continuum');
  const client = SyntheticClient.unique(program.programId);
  try {
    const { runId } = await services.journeys.admit(client.admitted());
    await stopServer(proc);
    const discharged = await services.journeys.recordEventAndWait(client.discharge());
    expect(discharged.state.status).toBe('discharged');
    // The episode does not wait for Kafka: its run completes, so the client can be admitted again.
    const dischargedRun = server.client.workflow.getHandle(episodeWorkflowId(client.clientId), runId);
    await dischargedRun.result();
    await saveHistoryFixture(dischargedRun, 'outbox-handed-over-at-discharge');
    const readmission = client.admitted();
    await services.journeys.admit(readmission);
    expect((await services.journeys.state(client.clientId)).episodeId).toBe(`ep-${readmission.eventId}`);

    await startBroker();
    const tap = await Tap.start(kafka, outboundTopics());
    try {
      const ended = publishedKeys(discharged.effects);
      expect(ended.length).toBeGreaterThan(0);
      const delivered = () => deliveredTo(tap, client.clientId);
      await tap.waitFor(
        "the discharged episode's effects",
        () => ended.every((pair) => delivered().has(pair)),
        150_000,
      );
    } finally {
      await tap.stop();
    }
  } finally {
    await services.close();
    await server.close();
  }
});
