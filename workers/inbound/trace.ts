import { SpanKind } from '@opentelemetry/api';
import { callerTraceContext, carepathTracer, endingSpan } from '../../activities/kafka/traced-sender';

/** Where an inbound record was read: identifiers only, never its key or contents. */
export interface InboundPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** An inbound record's headers, as the Kafka adapter gives them: text. */
type RecordHeaders = Readonly<Record<string, string>>;

/**
 * Runs the handling of one inbound record inside a consumer span, a child of the producer's trace
 * when the record carries one, else the root of a new trace: so every Temporal call the bridge makes
 * for it (start, signal, query) carries that trace into the journey. Each record has its own trace,
 * however long the journey it belongs to has lasted.
 */
export function withInboundSpan<T>(
  position: InboundPosition,
  headers: RecordHeaders | undefined,
  handle: () => Promise<T>,
): Promise<T> {
  return carepathTracer().startActiveSpan(
    'carepath.inbound.receive',
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': position.topic,
        'messaging.destination.partition.id': String(position.partition),
        'messaging.kafka.offset': Number(position.offset),
      },
    },
    callerTraceContext(headers),
    (span) => endingSpan(span, handle),
  );
}
