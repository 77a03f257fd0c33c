import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { ensureInstalled } from '../../infra/install';
import { startKafkaBroker, waitForKafka, type KafkaBrokerOptions } from '../../infra/kafka-broker';
import { freePort } from '../../infra/ports';
import { stopServer, type ServerProcess } from '../../infra/processes';
import { admit } from '../../pathway';
import { getProgram } from '../../programs';
import { eventSource, carepathTopics, type OutboundStream } from '../../schemas/contract';
import type { Effect } from '../../schemas';
import { streamOf } from '../../workflows/effect-routing';
import { episodeWorkflowId } from '../../workflows/definitions';
import { fieldNames, forbiddenField, publishedSchemas } from '../contract/published-schemas';
import { devServer } from '../stack/environments';
import { InboundClient, kafkaJourneys, Tap, testKafka } from './kafka-harness';

jest.setTimeout(240_000);

/** A broker of this file's own, stopped and restarted on the same port and data dir. */
let broker: KafkaBrokerOptions;
let proc: ServerProcess;
const startBroker = async () => {
  proc = startKafkaBroker(broker);
  await waitForKafka(proc, [`127.0.0.1:${broker.port}`]);
};

beforeAll(async () => {
  const install = await ensureInstalled(loadConfig().cacheDir, () => undefined);
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

/** The (source, id) pairs the effects become: a level change is a care and a billing event. */
const expectedEvents = (effects: Effect[]) =>
  effects.flatMap((effect) => {
    const stream = streamOf(effect);
    if (!stream) return [];
    const pairs: [OutboundStream, string][] = [[stream, effect.effectId]];
    if (effect.type === 'level-changed') pairs.push(['billing-events', effect.effectId]);
    return pairs.map(([s, id]) => `${eventSource(s)} ${id}`);
  });

test('broker stopped while effects are pending → after restart every expected event is delivered', async () => {
  const kafka = testKafka([`127.0.0.1:${broker.port}`]);
  const server = await devServer();
  // The broker is this file's alone: the contract's own topic names, created at start-up.
  const services = await kafkaJourneys({ kafka, topics: carepathTopics, ...server });
  const client = new InboundClient(getProgram('full-continuum'));
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
    const tap = await Tap.start(kafka, [
      carepathTopics['care-events'],
      carepathTopics['staff-notifications'],
      carepathTopics['billing-events'],
    ]);
    try {
      const expected = expectedEvents([...admitted, ...before.effects, ...during]);
      expect(expected.length).toBeGreaterThan(4);
      const delivered = () =>
        new Set(tap.records.map((r) => `${String(r.json?.source)} ${String(r.json?.id)}`));
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
