import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { getProgram } from '../../programs';
import type { ClientEvent } from '../../schemas';
import type { Topics } from '../../schemas/contract';
import { inboundRecord, onTopic, SyntheticClient } from '../../testkit/inbound';
import { outboundTopics, type TappedRecord } from '../../testkit/tap';
import { journeyWorkerTracing, startTracing, type Tracing } from '../../workers/tracing';
import { episodeWorkflowId } from '../../workflows/definitions';
import { testDataConverter } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import type { RunningBridge } from '../../workers/bridge';
import { kafkaTestBed, testKafka } from './kafka-harness';

const program = getProgram('full-continuum');
const kafka = testKafka(testStack().stack.kafka.brokers);
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let topics: Topics;
let stack: Awaited<ReturnType<typeof kafkaTestBed>>;
let bridge: RunningBridge;

beforeAll(async () => {
  tracing = startTracing({ exporter, serviceName: 'carepath-test', batch: false });
  stack = await kafkaTestBed(kafka, outboundTopics, { tracing });
  ({ topics } = stack);
  bridge = await stack.services.startBridge();
});

afterAll(async () => {
  await bridge?.stop();
  await stack?.close();
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
/** Waits until spans of each name have reached the exporter in the trace. */
const spansArrive = (traceId: string, names: string[]) =>
  stack.tap.waitFor(`spans ${names.join(', ')}`, () =>
    names.every((name) => named(spansOf(traceId), name).length > 0),
  );
const named = (spans: ReadableSpan[], prefix: string) => spans.filter((span) => span.name.startsWith(prefix));

describe('one trace from an inbound record through the journey to its outbound records', () => {
  test('the admission and a relapse months later each continue their own upstream trace', async () => {
    const client = SyntheticClient.unique(program.programId);
    /** Produces the event with a traceparent of a new upstream trace; resolves with the records of `type` it caused. */
    const tracedInput = async (event: ClientEvent, type: string) => {
      const upstream = upstreamTrace();
      await stack.producer.send(
        onTopic(topics['client-events'], [
          { ...inboundRecord(event), headers: { traceparent: upstream.traceparent } },
        ]),
      );
      const caused = () => stack.tap.outboundOf(client.clientId, topics).filter((r) => r.json?.type === type);
      await stack.tap.waitFor(type, () => caused().length > 0);
      return { ...upstream, records: caused() };
    };

    const admission = await tracedInput(client.admitted(), 'org.carepath.episode.started.v1');
    // The record downstream services read continues the upstream trace.
    expect(admission.records.map(traceIdOf)).toEqual(admission.records.map(() => admission.traceId));
    // Spans of the bridge, the Temporal client, the workflow (its send of the admission's effects)
    // and the publishing activity share it; the workflow's reach the exporter once its task completes.
    await spansArrive(admission.traceId, [
      'carepath.inbound.receive',
      'StartWorkflow:episodeWorkflow',
      'carepath.journey.send',
      'StartActivity:sendOutbox',
      'RunActivity:sendOutbox',
      'carepath.outbound.send',
    ]);
    const admitted = spansOf(admission.traceId);
    expect(named(admitted, 'carepath.inbound.receive')).toHaveLength(1);
    expect(named(admitted, 'StartWorkflow:episodeWorkflow')).toHaveLength(1);
    // The consumer span is the child of the upstream producer's span.
    const receive = named(admitted, 'carepath.inbound.receive')[0];
    expect(receive?.parentSpanId).toBe(admission.traceparent.split('-')[2]);

    // A later event is its own trace, not a child of the admission's (full-continuum steps up at once on a relapse).
    const relapse = await tracedInput(client.relapse(), 'org.carepath.care-level.changed.v1');
    expect(relapse.records.map(traceIdOf)).toEqual(relapse.records.map(() => relapse.traceId));
    await spansArrive(relapse.traceId, [
      'SignalWorkflow:clientEvent',
      'HandleSignal:clientEvent',
      'carepath.journey.send',
      'RunActivity:sendOutbox',
    ]);
    const relapsed = spansOf(relapse.traceId);
    expect(named(relapsed, 'SignalWorkflow:clientEvent')).toHaveLength(1);
    expect(named(relapsed, 'StartWorkflow:')).toHaveLength(0);
    // The journey sent the relapse's effects as a child of the signal's handling, not of the admission.
    const [handled] = named(relapsed, 'HandleSignal:clientEvent');
    const [send] = named(relapsed, 'carepath.journey.send');
    expect(send?.parentSpanId).toBe(handled?.spanContext().spanId);
    // It links the episode's own trace, the admission's, so one leads to the other.
    expect(send?.links.map((link) => link.context.traceId)).toContain(admission.traceId);

    // A traced journey replays as it ran (the recorded fixtures predate tracing).
    const history = await stack.server.client.workflow
      .getHandle(episodeWorkflowId(client.clientId))
      .fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowBundle: { codePath: testStack().tracedBundlePath },
        dataConverter: testDataConverter,
        sinks: journeyWorkerTracing(undefined).sinks,
      },
      history,
    );
  });
});
