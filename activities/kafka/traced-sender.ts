import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { OutboundRecord, RecordSender } from './record-sender';

/** The tracer of carepath's own spans (bridge, publisher), beside Temporal's; a no-op until tracing starts (workers/tracing.ts). */
export const carepathTracer = (): Tracer => trace.getTracer('carepath');

/**
 * The trace context a caller sent in its W3C `traceparent`/`tracestate` headers (an HTTP request's,
 * an inbound record's); the root context when it sent none or one the propagator cannot read, so
 * the work it asks for starts a trace of its own.
 */
export const callerTraceContext = (
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
): Context => propagation.extract(ROOT_CONTEXT, headers ?? {});

/** Runs `work` in `span` and ends it; a failure marks the span with the error's name only (never its message). */
export async function endingSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'unknown' });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * The records with the trace context of the active span in their headers (W3C `traceparent`, and
 * `tracestate` when there is one), replacing any they carried; unchanged when no span is active.
 */
export function withTraceHeaders(records: readonly OutboundRecord[]): OutboundRecord[] {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (Object.keys(carrier).length === 0) return [...records];
  return records.map((record) => ({ ...record, headers: { ...record.headers, ...carrier } }));
}

/**
 * A RecordSender whose every send is a producer span of the active trace (an effect's publish
 * activity, the bridge's handling of a record), and whose records carry that span's context, so a
 * consumer continues the trace of the journey decision that made them.
 */
export function tracedSender(sender: RecordSender): RecordSender {
  return {
    send(records) {
      if (records.length === 0) return sender.send(records);
      return carepathTracer().startActiveSpan(
        'carepath.outbound.send',
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': [...new Set(records.map((r) => r.topic))].join(','),
            'messaging.batch.message_count': records.length,
          },
        },
        (span) => endingSpan(span, () => sender.send(withTraceHeaders(records))),
      );
    },
  };
}
