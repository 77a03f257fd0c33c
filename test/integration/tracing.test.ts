import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Connection } from '@temporalio/client';
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
import { serveApi } from './api-harness';
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

describe('one trace from a coordinator’s HTTP command through the journey to its outbound records', () => {
  let api: Awaited<ReturnType<typeof serveApi>>;
  let connection: Connection;

  beforeAll(async () => {
    connection = await Connection.connect({ address: testStack().stack.temporal.address });
    // The API over the same traced Temporal client as the bridge's, as the services compose it.
    api = await serveApi({ client: stack.client, connection, journeys: stack.services.journeys });
  });

  afterAll(async () => {
    await api?.close();
    await connection?.close();
  });

  /** Resolves with the records of `type` the client's journey has published, once there is one. */
  const published = async (clientId: string, type: string) => {
    const caused = () => stack.tap.outboundOf(clientId, topics).filter((r) => r.json?.type === type);
    await stack.tap.waitFor(type, () => caused().length > 0);
    return caused();
  };
  const serverSpan = (traceId: string, name: string) => {
    const spans = spansOf(traceId).filter((span) => span.name === name);
    expect(spans).toHaveLength(1);
    return spans[0];
  };

  /**
   * Sends a coordinator's command with the traceparent of a new upstream trace (the coordinator's
   * app), and checks that the records of `type` it caused carry that trace and that its server span
   * continues it, the parent of the Temporal client's span `clientSpan` and beside `journeySpans`.
   */
  async function tracedCommand(
    clientId: string,
    path: string,
    body: unknown,
    expected: { status: number; route: string; clientSpan: string; journeySpans: string[]; type: string },
  ) {
    const upstream = upstreamTrace();
    const answer = await api.call('POST', `/v1/clients/${clientId}${path}`, {
      as: 'coordinator',
      body,
      headers: { traceparent: upstream.traceparent },
    });
    expect(answer.status).toBe(expected.status);
    const records = await published(clientId, expected.type);
    expect(records.map(traceIdOf)).toEqual(records.map(() => upstream.traceId));
    const name = `POST ${expected.route}`;
    await spansArrive(upstream.traceId, [name, expected.clientSpan, ...expected.journeySpans]);
    const span = serverSpan(upstream.traceId, name);
    expect(span?.parentSpanId).toBe(upstream.traceparent.split('-')[2]);
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': expected.route,
      'carepath.client.id': clientId,
      'http.response.status_code': expected.status,
    });
    // The API's Temporal client carries the request's span into the journey.
    const [call] = named(spansOf(upstream.traceId), expected.clientSpan);
    expect(call?.parentSpanId).toBe(span?.spanContext().spanId);
    return upstream.traceId;
  }

  test('an admission and a relapse recorded over HTTP each continue the caller’s trace into the journey and its records', async () => {
    const client = SyntheticClient.unique(program.programId);
    const { clientId, recordedBy: _by, type: _type, ...admission } = client.admitted();
    await tracedCommand(clientId, '/episodes', admission, {
      status: 201,
      route: '/v1/clients/:clientId/episodes',
      clientSpan: 'StartWorkflow:episodeWorkflow',
      journeySpans: ['carepath.journey.send', 'RunActivity:sendOutbox', 'carepath.outbound.send'],
      type: 'org.carepath.episode.started.v1',
    });
    // An update waited for (wait=true): its handling and the effects it caused are in the request's trace.
    const { clientId: _c, recordedBy: _r, ...relapse } = client.relapse();
    const relapseTrace = await tracedCommand(clientId, '/events?wait=true', relapse, {
      status: 200,
      route: '/v1/clients/:clientId/events',
      clientSpan: 'StartWorkflowUpdate:recordEvent',
      journeySpans: ['HandleUpdate:recordEvent', 'carepath.journey.send', 'carepath.outbound.send'],
      type: 'org.carepath.care-level.changed.v1',
    });
    expect(named(spansOf(relapseTrace), 'StartWorkflow:')).toHaveLength(0);
  });

  test('a coordinator’s approval of a proposed step up continues the caller’s trace to the level change it publishes', async () => {
    // The default program asks a coordinator to approve the step up a relapse proposes.
    const client = SyntheticClient.unique(getProgram('default').programId);
    const { clientId, recordedBy: _by, type: _type, ...admission } = client.admitted();
    expect(
      (await api.call('POST', `/v1/clients/${clientId}/episodes`, { as: 'coordinator', body: admission }))
        .status,
    ).toBe(201);
    const { clientId: _c, recordedBy: _r, ...relapse } = client.relapse();
    // Reported by a counsellor: whoever reported it may not approve the step up it proposes.
    const proposed = await api.call('POST', `/v1/clients/${clientId}/events?wait=true`, {
      as: 'counsellor',
      body: relapse,
    });
    expect(proposed.status).toBe(200);
    const proposalId: string = proposed.body.state.pendingProposals[0].proposalId;
    await tracedCommand(
      clientId,
      `/proposals/${proposalId}/approve`,
      {},
      {
        status: 200,
        route: '/v1/clients/:clientId/proposals/:proposalId/approve',
        clientSpan: 'StartWorkflowUpdate:approveProposal',
        journeySpans: ['HandleUpdate:approveProposal', 'carepath.journey.send', 'carepath.outbound.send'],
        type: 'org.carepath.care-level.changed.v1',
      },
    );
  });

  test('a read without a traceparent starts a trace of its own, and its query is in it', async () => {
    const client = SyntheticClient.unique(program.programId);
    const { clientId, recordedBy: _by, type: _type, ...admissionBody } = client.admitted();
    expect(
      (await api.call('POST', `/v1/clients/${clientId}/episodes`, { as: 'coordinator', body: admissionBody }))
        .status,
    ).toBe(201);
    const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    const read = await api.call('GET', `/v1/clients/${clientId}`, { as: 'coordinator' });
    expect(read.status).toBe(200);
    const readRoute = 'GET /v1/clients/:clientId';
    await stack.tap.waitFor(readRoute, () =>
      exporter
        .getFinishedSpans()
        .some((span) => span.name === readRoute && span.attributes['carepath.client.id'] === clientId),
    );
    const readSpan = exporter
      .getFinishedSpans()
      .find((span) => span.name === readRoute && span.attributes['carepath.client.id'] === clientId);
    expect(readSpan?.parentSpanId).toBeUndefined();
    const traceId = readSpan?.spanContext().traceId ?? '';
    expect(before.has(traceId)).toBe(false);
    const [query] = named(spansOf(traceId), 'QueryWorkflow:');
    expect(query?.parentSpanId).toBe(readSpan?.spanContext().spanId);
  });

  test('a command refused by validation ends its span with the 400, and nothing of its body', async () => {
    const client = SyntheticClient.unique(program.programId);
    const refused = upstreamTrace();
    const answer = await api.call('POST', `/v1/clients/${client.clientId}/events`, {
      as: 'coordinator',
      body: { type: 'relapse-reported', withdrawalRisk: 'Jane Doe used again' },
      headers: { traceparent: refused.traceparent },
    });
    expect(answer.status).toBe(400);
    const eventRoute = 'POST /v1/clients/:clientId/events';
    await spansArrive(refused.traceId, [eventRoute]);
    const spans = spansOf(refused.traceId);
    expect(spans.map((span) => span.name)).toEqual([eventRoute]);
    expect(spans[0]?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/v1/clients/:clientId/events',
      'http.response.status_code': 400,
    });
  });
});
