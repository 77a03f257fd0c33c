import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OutboundRecord } from '../../activities/kafka/record-sender';
import { callerTraceContext, tracedSender, withTraceHeaders } from '../../activities/kafka/traced-sender';
import { ConfigError } from '../../config';
import { loadTracingConfig } from '../../config/tracing';
import { withInboundSpan } from '../../workers/inbound/trace';
import { redactFields } from '../../workers/log';
import { startTracing, type Tracing } from '../../workers/tracing';
import { PendingTraces } from '../../workflows/traces';

// The W3C Trace Context specification's own example.
const traceId = '0af7651916cd43dd8448eb211c80319c';
const parentSpanId = 'b7ad6b7169203331';
const traceparent = `00-${traceId}-${parentSpanId}-01`;
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ exporter, serviceName: 'carepath-unit', batch: false });
});
afterEach(() => exporter.reset());

describe('tracing configuration (OpenTelemetry variables)', () => {
  test('off unless a collector endpoint is set', () => {
    expect(loadTracingConfig({})).toEqual({ export: 'none' });
    expect(loadTracingConfig({ OTEL_SERVICE_NAME: 'carepath-bridge' })).toEqual({ export: 'none' });
  });

  test('an endpoint turns OTLP export on, under the service name given or carepath', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      export: 'otlp',
      serviceName: 'carepath',
    });
    expect(
      loadTracingConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
        OTEL_SERVICE_NAME: 'carepath-worker',
      }),
    ).toEqual({ export: 'otlp', serviceName: 'carepath-worker' });
  });

  test('OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED=true turn it off despite an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadTracingConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toEqual({ export: 'none' });
    expect(loadTracingConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toEqual({ export: 'none' });
  });

  test('OTLP without an endpoint, another exporter or a malformed endpoint stops start-up naming the variable', () => {
    const problemOf = (env: NodeJS.ProcessEnv) => {
      try {
        loadTracingConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
        throw error;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problemOf({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect(problemOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual(['OTEL_TRACES_EXPORTER']);
    expect(problemOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]);
  });
});

describe('trace context in Kafka headers', () => {
  const position = { topic: 'carepath.client-events.v1', partition: 2, offset: '41' };

  test('an inbound record’s traceparent (as the Kafka adapter hands it, text) is extracted', () => {
    const extracted = trace.getSpanContext(callerTraceContext({ traceparent }));
    expect(extracted).toMatchObject({ traceId, spanId: parentSpanId, isRemote: true });
    expect(trace.getSpanContext(callerTraceContext({ traceparent: 'not-a-traceparent' }))).toBeUndefined();
    expect(trace.getSpanContext(callerTraceContext(undefined))).toBeUndefined();
  });

  test('handling a record with a traceparent is a consumer span continuing it, with identifiers only', async () => {
    const inside = await withInboundSpan(position, { traceparent }, async () =>
      trace.getSpanContext(context.active()),
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('carepath.inbound.receive');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanId).toBe(parentSpanId);
    expect(inside?.spanId).toBe(span?.spanContext().spanId);
    expect(span?.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'carepath.client-events.v1',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
    });
  });

  test('a record without a traceparent starts a trace of its own, even inside another span', async () => {
    await trace
      .getTracer('test')
      .startActiveSpan('ambient', (ambient) =>
        withInboundSpan(position, {}, async () => undefined).finally(() => ambient.end()),
      );
    const receive = exporter.getFinishedSpans().find((s) => s.name === 'carepath.inbound.receive');
    const ambient = exporter.getFinishedSpans().find((s) => s.name === 'ambient');
    expect(receive?.parentSpanId).toBeUndefined();
    expect(receive?.spanContext().traceId).not.toBe(ambient?.spanContext().traceId);
  });

  test('a failed handling marks the span with the error’s name, never its message', async () => {
    const failure = Object.assign(new Error('client Jane Doe relapsed'), { name: 'KafkaJSConnectionError' });
    await expect(withInboundSpan(position, {}, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(exporter.getFinishedSpans()[0]?.status).toEqual({ code: 2, message: 'KafkaJSConnectionError' });
  });

  test('records sent inside a span carry a producer span’s traceparent of the same trace, replacing any they had', async () => {
    const sent: OutboundRecord[][] = [];
    const sender = tracedSender({ send: async (records) => void sent.push([...records]) });
    const record: OutboundRecord = {
      topic: 'carepath.care-events.v1',
      key: 'client-1',
      value: '{}',
      headers: { 'content-type': 'application/cloudevents+json', traceparent: '00-stale' },
    };
    await withInboundSpan(position, { traceparent }, () => sender.send([record, record]));

    const send = exporter.getFinishedSpans().find((s) => s.name === 'carepath.outbound.send');
    const receive = exporter.getFinishedSpans().find((s) => s.name === 'carepath.inbound.receive');
    expect(send?.parentSpanId).toBe(receive?.spanContext().spanId);
    expect(send?.attributes).toMatchObject({
      'messaging.destination.name': 'carepath.care-events.v1',
      'messaging.batch.message_count': 2,
    });
    expect(sent).toHaveLength(1);
    for (const out of sent[0] ?? []) {
      const [, id, span] = traceparentPattern.exec(out.headers.traceparent ?? '') ?? [];
      expect(id).toBe(traceId);
      expect(span).toBe(send?.spanContext().spanId);
      expect(out.headers['content-type']).toBe('application/cloudevents+json');
    }
    // The caller's record is not changed.
    expect(record.headers.traceparent).toBe('00-stale');
  });

  test('a journey sends effects in the trace of the first input waiting, linking the others; a failed send keeps them', async () => {
    const tracer = trace.getTracer('test');
    const run = tracer.startSpan('RunWorkflow:episodeWorkflow');
    const traces = context.with(trace.setSpan(context.active(), run), () => new PendingTraces());
    run.end();
    const inputIds = ['first', 'second'].map((name) =>
      tracer.startActiveSpan(name, (span) => {
        traces.noteInput();
        span.end();
        return span.spanContext();
      }),
    );
    const activeTraceId = async () => trace.getSpanContext(context.active())?.traceId;
    expect(await traces.send(activeTraceId, () => false)).toBe(inputIds[0]?.traceId);
    expect(await traces.send(activeTraceId, () => true)).toBe(inputIds[0]?.traceId);
    const sends = exporter.getFinishedSpans().filter((s) => s.name === 'carepath.journey.send');
    expect(sends.map((s) => s.parentSpanId)).toEqual([inputIds[0]?.spanId, inputIds[0]?.spanId]);
    // The other input waiting, and the run (the admission's trace) the inputs belong to.
    const links = [inputIds[1]?.spanId, run.spanContext().spanId];
    expect(sends.map((s) => s.links.map((l) => l.context.spanId))).toEqual([links, links]);
    // Sent: nothing waits any more, and the next send is the plain call.
    expect(await traces.send(activeTraceId, () => true)).toBeUndefined();
  });

  test('a timer’s decision starts a trace of its own, linked to the run’s, and its effects are sent in it', async () => {
    const traces = new PendingTraces();
    const run = trace.getTracer('test').startSpan('RunWorkflow:episodeWorkflow');
    traces.onTimer('weekly-hours-review', () => traces.noteInput());
    context.with(trace.setSpan(context.active(), run), () =>
      traces.onTimer('weekly-hours-review', () => traces.noteInput()),
    );
    run.end();
    const timers = exporter.getFinishedSpans().filter((s) => s.name === 'carepath.journey.timer');
    expect(timers).toHaveLength(2);
    const [outside, inRun] = timers;
    expect(inRun?.parentSpanId).toBeUndefined();
    expect(inRun?.spanContext().traceId).not.toBe(run.spanContext().traceId);
    expect(inRun?.links.map((l) => l.context.spanId)).toEqual([run.spanContext().spanId]);
    expect(inRun?.attributes).toEqual({ 'carepath.timer.kind': 'weekly-hours-review' });
    expect(outside?.links).toEqual([]);
    const sentIn = await traces.send(
      async () => trace.getSpanContext(context.active())?.traceId,
      () => true,
    );
    expect(sentIn).toBe(outside?.spanContext().traceId);
  });

  test('a traced log line keeps its trace and span ids', () => {
    const fields = { trace_id: traceId, span_id: parentSpanId, trace_flags: '01', note: 'Jane relapsed' };
    expect(redactFields(fields)).toEqual({
      trace_id: traceId,
      span_id: parentSpanId,
      trace_flags: '01',
      redacted: 1,
    });
  });

  test('once tracing has stopped, records leave without trace headers', async () => {
    await tracing.shutdown();
    const record: OutboundRecord = { topic: 't', key: 'k', value: null, headers: { a: 'b' } };
    expect(withTraceHeaders([record])).toEqual([record]);
  });
});
