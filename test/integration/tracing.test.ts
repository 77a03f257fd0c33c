import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { getProgram } from '../../programs';
import type { Topics } from '../../schemas/contract';
import { inboundRecord, SyntheticClient } from '../../testkit/inbound';
import { outboundTopics, Tap, type TappedRecord } from '../../testkit/tap';
import type { RunningBridge } from '../../workers/bridge';
import {
  journeyWorkerTracing,
  startTracing,
  tracingClientInterceptors,
  type Tracing,
} from '../../workers/tracing';
import { episodeWorkflowId } from '../../workflows/definitions';
import { devServer, testDataConverter } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { kafkaJourneys, testKafka, testTopics } from './kafka-harness';

const program = getProgram('full-continuum');
const kafka = testKafka(testStack().stack.kafka.brokers);
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let topics: Topics;
let temporalClient: Client;
let server: Awaited<ReturnType<typeof devServer>>;
let services: Awaited<ReturnType<typeof kafkaJourneys>>;
let bridge: RunningBridge;
let producer: Producer;
let tap: Tap;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  tracing = startTracing({ exporter, serviceName: 'carepath-test', batch: false });
  topics = testTopics();
  server = await devServer();
  // The bridge's client, as the services compose it when tracing: its calls carry the active span.
  temporalClient = new Client({
    connection: server.client.connection,
    dataConverter: testDataConverter,
    interceptors: tracingClientInterceptors(),
  });
  services = await kafkaJourneys({
    kafka,
    topics,
    client: temporalClient,
    nativeConnection: server.nativeConnection,
    tracing,
  });
  bridge = await services.startBridge();
  producer = kafka.producer();
  await producer.connect();
  tap = await Tap.start(kafka, outboundTopics(topics));
});

afterAll(async () => {
  await bridge.stop();
  await tap.stop();
  await producer.disconnect();
  await services.close();
  await server.close();
  await tracing.shutdown();
});

/** A W3C traceparent as an upstream producer (the EHR feed) would send it, of a trace of its own. */
function upstreamTrace() {
  const hex = (bytes: number) =>
    Array.from({ length: bytes }, () =>
      Math.floor(Math.random() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');
  const traceId = hex(16);
  return { traceId, traceparent: `00-${traceId}-${hex(8)}-01` };
}

const traceIdOf = (record: TappedRecord) =>
  /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(record.headers.traceparent ?? '')?.[1];
const spansOf = (traceId: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const named = (spans: ReadableSpan[], prefix: string) => spans.filter((span) => span.name.startsWith(prefix));

describe('one trace from an inbound record through the journey to its outbound records', () => {
  test('the admission and a relapse months later each continue their own upstream trace', async () => {
    const client = SyntheticClient.unique(program.programId);
    const admission = upstreamTrace();
    await producer.send({
      topic: topics['client-events'],
      messages: [{ ...inboundRecord(client.admitted()), headers: { traceparent: admission.traceparent } }],
    });
    const startedOf = () =>
      tap
        .outboundOf(client.clientId, topics)
        .filter((r) => r.json?.type === 'org.carepath.episode.started.v1');
    await tap.waitFor('the episode-started record', () => startedOf().length > 0);

    // The record downstream services read continues the upstream trace.
    expect(startedOf().map(traceIdOf)).toContain(admission.traceId);
    // Spans of the bridge, the Temporal client, the workflow and the publishing activity share it.
    await tap.waitFor(
      'the publishing activity’s spans',
      () =>
        named(spansOf(admission.traceId), 'RunActivity:').length > 0 &&
        named(spansOf(admission.traceId), 'carepath.outbound.send').length > 0,
    );
    const admitted = spansOf(admission.traceId);
    expect(named(admitted, 'carepath.inbound.receive')).toHaveLength(1);
    expect(named(admitted, 'StartWorkflow:episodeWorkflow')).toHaveLength(1);
    // Made inside the workflow: the journey's send of the admission's effects.
    expect(named(admitted, 'carepath.journey.send').length).toBeGreaterThan(0);
    expect(named(admitted, 'StartActivity:sendOutbox').length).toBeGreaterThan(0);
    expect(named(admitted, 'RunActivity:sendOutbox').length).toBeGreaterThan(0);
    // The consumer span is the child of the upstream producer's span.
    const receive = named(admitted, 'carepath.inbound.receive')[0];
    expect(receive?.parentSpanId).toBe(admission.traceparent.split('-')[2]);

    // A later event is its own trace, not a child of the admission's (full-continuum steps up at once on a relapse).
    const relapse = upstreamTrace();
    await producer.send({
      topic: topics['client-events'],
      messages: [{ ...inboundRecord(client.relapse()), headers: { traceparent: relapse.traceparent } }],
    });
    const levelChangedOf = () =>
      tap
        .outboundOf(client.clientId, topics)
        .filter((r) => r.json?.type === 'org.carepath.care-level.changed.v1');
    await tap.waitFor('the level-changed record', () => levelChangedOf().length > 0);
    expect(levelChangedOf().map(traceIdOf)).toEqual(levelChangedOf().map(() => relapse.traceId));
    await tap.waitFor(
      'the relapse’s publishing spans',
      () => named(spansOf(relapse.traceId), 'RunActivity:sendOutbox').length > 0,
    );
    const relapsed = spansOf(relapse.traceId);
    expect(named(relapsed, 'SignalWorkflow:clientEvent')).toHaveLength(1);
    expect(named(relapsed, 'HandleSignal:clientEvent')).toHaveLength(1);
    expect(named(relapsed, 'StartWorkflow:')).toHaveLength(0);
    expect(spansOf(admission.traceId).filter((s) => relapsed.includes(s))).toEqual([]);

    // A traced journey replays as it ran (the recorded fixtures predate tracing).
    const history = await temporalClient.workflow
      .getHandle(episodeWorkflowId(client.clientId))
      .fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowBundle: { codePath: testStack().bundlePath },
        dataConverter: testDataConverter,
        sinks: journeyWorkerTracing(undefined).sinks,
      },
      history,
    );
  });
});
