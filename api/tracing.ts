import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerTraceContext, carepathTracer } from '../activities/kafka/traced-sender';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: the route's requests make no span. For probes and scrapes, which come every few
     * seconds and would bury the coordinators' commands in the traces.
     */
    traced?: false;
  }
}

/** A request's server span, and the context its hooks and handler run in. */
const requestSpans = new WeakMap<FastifyRequest, { span: Span; active: Context }>();

function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
  const traced = requestSpans.get(request);
  if (!traced) return;
  requestSpans.delete(request);
  if (statusCode !== undefined) {
    traced.span.setAttribute('http.response.status_code', statusCode);
    // A refused request (4xx) is the API working as meant; only the server's own failure is an error.
    if (statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
  }
  traced.span.end();
}

/**
 * A server span per request, named by its route template (`POST /v1/clients/:clientId/events`), a
 * child of the caller's trace when it sent one; every Temporal call the request makes runs in it, so
 * the journey's spans and the records its effects publish carry the same trace. Attributes are
 * identifiers only: method, route, status and the client id once the path has validated — never the
 * URL's query, headers or bodies. Probes and metrics scrapes are not traced. Without tracing started (workers/tracing.ts) every call here is
 * OpenTelemetry's no-op.
 */
export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.traced === false) return done();
    const route = request.routeOptions.url;
    const parent = callerTraceContext(request.headers);
    const span = carepathTracer().startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route !== undefined && { 'http.route': route }),
        },
      },
      parent,
    );
    requestSpans.set(request, { span, active: trace.setSpan(parent, span) });
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = requestSpans.get(request);
    if (!traced) return done();
    // Reached only once the request validated, so the id is one the route accepts.
    const clientId = (request.params as { clientId?: unknown } | undefined)?.clientId;
    if (typeof clientId === 'string') traced.span.setAttribute('carepath.client.id', clientId);
    // Made active here, once the body was read (a read that may end outside the context the request
    // arrived in): the scope check and the handler make the request's Temporal calls.
    context.with(traced.active, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply.statusCode);
    done();
  });
  // The caller went away before an answer: the span ends without a status code.
  app.addHook('onRequestAbort', (request, done) => {
    endSpan(request, undefined);
    done();
  });
}
