import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { getProgram } from '../../programs';
import type { ClientEvent } from '../../schemas';
import type { Topics } from '../../schemas/contract';
import { inboundRecord, SyntheticClient } from '../../testkit/inbound';
import { outboundTopics, type TappedRecord } from '../../testkit/tap';
import { journeyWorkerTracing, startTracing, type Tracing } from '../../workers/tracing';
import { episodeWorkflowId } from '../../workflows/definitions';
import { testDataConverter } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { bridgeOnBroker, testKafka, testTopics } from './kafka-harness';

const program = getProgram('full-continuum');
const kafka = testKafka(testStack().stack.kafka.brokers);
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let topics: Topics;
let stack: Awaited<ReturnType<typeof bridgeOnBroker>>;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  tracing = startTracing({ exporter, serviceName: 'carepath-test', batch: false });
  topics = testTopics();
  stack = await bridgeOnBroker({ kafka, topics, tapped: outboundTopics(topics), tracing });
});

afterAll(async () => {
  await stack.close();
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
    /** Produces the event with a traceparent of a new upstream trace; resolves with the records of `type` it caused. */
    const tracedInput = async (event: ClientEvent, type: string) => {
      const upstream = upstreamTrace();
      await stack.producer.send({
        topic: topics['client-events'],
        messages: [{ ...inboundRecord(event), headers: { traceparent: upstream.traceparent } }],
      });
      const caused = () => stack.tap.outboundOf(client.clientId, topics).filter((r) => r.json?.type === type);
      await stack.tap.waitFor(type, () => caused().length > 0);
      return { ...upstream, records: caused() };
    };

    const admission = await tracedInput(client.admitted(), 'org.carepath.episode.started.v1');
    // The record downstream services read continues the upstream trace.
    expect(admission.records.map(traceIdOf)).toEqual(admission.records.map(() => admission.traceId));
    // Spans of the bridge, the Temporal client, the workflow and the publishing activity share it.
    await stack.tap.waitFor(
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
    const relapse = await tracedInput(client.relapse(), 'org.carepath.care-level.changed.v1');
    expect(relapse.records.map(traceIdOf)).toEqual(relapse.records.map(() => relapse.traceId));
    await stack.tap.waitFor(
      'the relapse’s publishing spans',
      () => named(spansOf(relapse.traceId), 'RunActivity:sendOutbox').length > 0,
    );
    const relapsed = spansOf(relapse.traceId);
    expect(named(relapsed, 'SignalWorkflow:clientEvent')).toHaveLength(1);
    expect(named(relapsed, 'HandleSignal:clientEvent')).toHaveLength(1);
    expect(named(relapsed, 'StartWorkflow:')).toHaveLength(0);
    expect(spansOf(admission.traceId).filter((s) => relapsed.includes(s))).toEqual([]);

    // A traced journey replays as it ran (the recorded fixtures predate tracing).
    const history = await stack.server.client.workflow
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
