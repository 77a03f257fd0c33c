import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from '../config/tracing';

/** Where spans go once started: carepath's spans, Temporal's client and activity spans, and the journeys' workflow spans. */
export interface Tracing {
  readonly processor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is still buffered and stops; called once the services have stopped. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider, the W3C trace-context propagator and an async-hooks context manager
 * globally: Temporal's interceptors and carepath's bridge and publisher find them there, and stay
 * no-ops in a process that never calls this. Tests pass an in-memory exporter; `batch` buffers
 * spans for a collector instead of sending each as it ends.
 */
export function startTracing(opts: { exporter: SpanExporter; serviceName: string; batch: boolean }): Tracing {
  const resource = new Resource({ 'service.name': opts.serviceName });
  const processor = opts.batch
    ? new BatchSpanProcessor(opts.exporter)
    : new SimpleSpanProcessor(opts.exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  return {
    processor,
    resource,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Tracing as configured (config/tracing.ts): exported over OTLP, or not started at all. */
export function tracingOf(config: TracingConfig): Tracing | undefined {
  switch (config.export) {
    case 'none':
      return undefined;
    case 'otlp':
      // The exporter reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout) itself.
      return startTracing({
        exporter: new OTLPTraceExporter(),
        serviceName: config.serviceName,
        batch: true,
      });
    default: {
      const unknown: never = config;
      throw new Error(`Unknown tracing export: ${JSON.stringify(unknown)}`);
    }
  }
}

/** A Temporal client's interceptors once tracing started: its calls carry the caller's span into the workflow's headers. */
export const tracingClientInterceptors = (): ClientInterceptors => ({
  workflow: [new OpenTelemetryWorkflowClientInterceptor()],
});

/**
 * A journey worker's share: activity spans in the trace the workflow passed in their headers, and the
 * sink the bundled workflow interceptors (workflow-bundle.ts) export workflow spans through. Every
 * journey worker registers the sink, as every bundle calls it; without tracing it drops the spans.
 */
export function journeyWorkerTracing(
  tracing: Tracing | undefined,
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const sinks = {
    exporter: makeWorkflowExporter(
      tracing?.processor ?? new NoopSpanProcessor(),
      tracing?.resource ?? Resource.empty(),
    ),
  };
  if (!tracing) return { sinks };
  return {
    sinks,
    interceptors: { activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] },
  };
}
