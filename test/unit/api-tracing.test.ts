import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { callerTraceContext } from '../../activities/kafka/traced-sender';
import type { ApiContext } from '../../api/context';
import { IdempotencyStore } from '../../api/idempotency';
import { ApiMetrics } from '../../api/metrics';
import { buildApi } from '../../api/server';
import { generateToken, hashToken, TokenRegistry } from '../../api/tokens';
import type { Journeys } from '../../client/journeys';
import { shippedPrograms } from '../../programs';
import { waitFor } from '../../testkit/tap';
import { startTracing, type Tracing } from '../../workers/tracing';

// The W3C Trace Context specification's own example.
const traceId = '0af7651916cd43dd8448eb211c80319c';
const parentSpanId = 'b7ad6b7169203331';
const traceparent = `00-${traceId}-${parentSpanId}-01`;
const eventsRoute = '/v1/clients/:clientId/events';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ exporter, serviceName: 'carepath-unit', batch: false });
});
afterEach(() => exporter.reset());

const token = generateToken();
/** The span active where the handler reached the journeys, per recorded event. */
let seenInHandler: (SpanContext | undefined)[] = [];
let journeysFail = false;

/**
 * A request body whose second half arrives a moment after the first, as a slow network delivers it;
 * with `abandon`, a caller who gives up before sending the rest.
 */
const inTwoParts = (text: string, abandon?: AbortSignal) =>
  new ReadableStream<Uint8Array>({
    async start(controller) {
      const bytes = new TextEncoder().encode(text);
      controller.enqueue(bytes.subarray(0, 4));
      await sleep(abandon ? 60_000 : 20, undefined, abandon && { signal: abandon });
      controller.enqueue(bytes.subarray(4));
      controller.close();
    },
  });

async function answer(
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
  abandonAfterMs?: number,
) {
  const ctx = {
    journeys: {
      programs: shippedPrograms,
      recordEvent: async () => {
        seenInHandler.push(trace.getSpanContext(context.active()));
        if (journeysFail) throw new Error('Temporal unreachable at 10.0.0.7');
      },
    } as Pick<Journeys, 'programs' | 'recordEvent'>,
    metrics: new ApiMetrics(),
    idempotency: new IdempotencyStore(),
    now: () => new Date().toISOString(),
    maxEventClockSkewSeconds: 300,
  } as unknown as ApiContext;
  const tokens = new TokenRegistry({
    tokens: [{ sha256: hashToken(token), staffId: 'staff-417', role: 'coordinator' }],
  });
  const app = await buildApi(ctx, tokens, false);
  // Over a real socket, the body arriving after its headers.
  await app.listen({ host: '127.0.0.1', port: 0 });
  const abandon = abandonAfterMs === undefined ? undefined : AbortSignal.timeout(abandonAfterMs);
  try {
    const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: inTwoParts(JSON.stringify(body), abandon), duplex: 'half' }),
      ...(abandon && { signal: abandon }),
    });
    await response.text();
    return { statusCode: response.status, headers: Object.fromEntries(response.headers) };
  } finally {
    await app.close();
  }
}

const relapse = { type: 'relapse-reported', withdrawalRisk: false };
const recordRelapse = (headers: Record<string, string> = {}, body: unknown = relapse) =>
  answer('POST', '/v1/clients/client-417/events', headers, body);
const recordRelapseAbandoned = () =>
  answer('POST', '/v1/clients/client-417/events', { traceparent }, relapse, 200);
const serverSpans = (): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);

beforeEach(() => {
  seenInHandler = [];
  journeysFail = false;
});

describe('the coordinator API’s server spans', () => {
  test('a command continues the caller’s traceparent, and the journeys are reached inside its span', async () => {
    const reply = await recordRelapse({ traceparent, tracestate: 'vendor=opaque' });
    expect(reply.statusCode).toBe(202);
    const [span, ...others] = serverSpans();
    expect(others).toEqual([]);
    expect(span?.name).toBe(`POST ${eventsRoute}`);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanId).toBe(parentSpanId);
    expect(span?.spanContext().traceState?.get('vendor')).toBe('opaque');
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': eventsRoute,
      'carepath.client.id': 'client-417',
      'http.response.status_code': 202,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    // The body was read between the request's arrival and its handler: the span is active there still.
    expect(seenInHandler).toEqual([span?.spanContext()]);
  });

  test('a request without a traceparent starts a trace of its own', async () => {
    await recordRelapse();
    await recordRelapse();
    const spans = serverSpans();
    expect(spans).toHaveLength(2);
    expect(spans.map((span) => span.parentSpanId)).toEqual([undefined, undefined]);
    const [first, second] = spans.map((span) => span.spanContext().traceId);
    expect(first).not.toBe(second);
    expect(seenInHandler.map((seen) => seen?.traceId)).toEqual([first, second]);
  });

  test.each([
    ['not a traceparent', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${parentSpanId}-01`],
    ['an all-zero parent id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['the forbidden version ff', `ff-${traceId}-${parentSpanId}-01`],
    ['upper-case hex', `00-${traceId.toUpperCase()}-${parentSpanId}-01`],
    ['two traceparent headers joined', `${traceparent}, 00-${'1'.repeat(32)}-${parentSpanId}-01`],
    ['a short trace id', `00-${traceId.slice(2)}-${parentSpanId}-01`],
  ])('a malformed traceparent (%s) is ignored: a new trace, never a 5xx', async (_case, malformed) => {
    expect(trace.getSpanContext(callerTraceContext({ traceparent: malformed }))).toBeUndefined();
    const reply = await recordRelapse({ traceparent: malformed });
    expect(reply.statusCode).toBe(202);
    const [span] = serverSpans();
    expect(span?.parentSpanId).toBeUndefined();
    expect(span?.spanContext().traceId).not.toBe(traceId);
    expect(seenInHandler.map((seen) => seen?.traceId)).toEqual([span?.spanContext().traceId]);
  });

  test('a request refused by validation ends its span with the 400, and nothing of its body', async () => {
    const reply = await recordRelapse(
      { traceparent },
      { type: 'relapse-reported', withdrawalRisk: 'Jane Doe used again' },
    );
    expect(reply.statusCode).toBe(400);
    const [span] = serverSpans();
    expect(span?.spanContext().traceId).toBe(traceId);
    // No client id either: the path's id is only trusted once the request validated.
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': eventsRoute,
      'http.response.status_code': 400,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(span?.attributes)).not.toContain('Jane');
    expect(seenInHandler).toEqual([]);
  });

  test('a server failure marks its span as an error, without the failure’s message', async () => {
    journeysFail = true;
    const reply = await recordRelapse();
    expect(reply.statusCode).toBeGreaterThanOrEqual(500);
    const [span] = serverSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.attributes['http.response.status_code']).toBe(reply.statusCode);
    expect(JSON.stringify(span?.attributes)).not.toContain('10.0.0.7');
  });

  test('an unknown path is named by its method alone: its path is not a route', async () => {
    const reply = await answer('GET', '/v1/no-such-thing/Jane-Doe');
    expect(reply.statusCode).toBe(404);
    const [span] = serverSpans();
    expect(span?.name).toBe('GET');
    expect(span?.attributes).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 404 });
  });

  test('probes and metrics scrapes make no spans', async () => {
    for (const path of ['/livez', '/readyz', '/metrics'])
      expect((await answer('GET', path, { traceparent })).statusCode).toBe(200);
    expect(serverSpans()).toEqual([]);
    // The programs list, a read beside them, is traced.
    await answer('GET', '/v1/programs', { traceparent });
    expect(serverSpans().map((span) => span.name)).toEqual(['GET /v1/programs']);
  });

  test('a request its caller abandons ends its span, without a status code', async () => {
    await expect(recordRelapseAbandoned()).rejects.toThrow();
    await waitFor('the abandoned request’s span', () => serverSpans().length > 0, 5000, 20);
    const [span] = serverSpans();
    expect(span?.name).toBe(`POST ${eventsRoute}`);
    expect(span?.attributes).not.toHaveProperty('http.response.status_code');
    expect(seenInHandler).toEqual([]);
  });

  test('without tracing, requests make no spans and the answer is the same', async () => {
    const traced = await recordRelapse({ traceparent });
    await tracing.shutdown();
    exporter.reset();
    const untraced = await recordRelapse({ traceparent });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(untraced.statusCode).toBe(traced.statusCode);
    expect(Object.keys(untraced.headers).sort()).toEqual(Object.keys(traced.headers).sort());
    expect(untraced.headers).not.toHaveProperty('traceparent');
    expect(seenInHandler.map((seen) => seen?.traceId)).toEqual([traceId, undefined]);
  });
});
