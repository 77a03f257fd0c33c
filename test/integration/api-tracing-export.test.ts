import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { generateToken, hashToken } from '../../api/tokens';
import { freePort } from '../../infra/ports';
import { getProgram } from '../../programs';
import { SyntheticClient } from '../../testkit/inbound';
import { startServicesProcess, type ServicesProcess } from '../../testkit/services';
import { outboundTopics, waitFor } from '../../testkit/tap';
import { startTracing, type Tracing } from '../../workers/tracing';
import { testKeyRing } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { kafkaTestBed, testKafka } from './kafka-harness';

/**
 * The API as production starts it (`workers/production-entry.ts --role api`), exporting over OTLP to
 * a collector of the test's: a command's server span and its Temporal call reach the collector in the
 * caller's trace, and the journey (the test's worker, traced in memory) continues that trace to the
 * records it publishes — so the API's Temporal client carries the request's context.
 */

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP (JSON) trace collector keeping what it is sent. */
function otlpCollector() {
  const spans: ExportedSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: { scopeSpans?: { spans?: ExportedSpan[] }[] }[];
      };
      for (const resource of body.resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { spans, server };
}

const program = getProgram('full-continuum');
const kafka = testKafka(testStack().stack.kafka.brokers);
const exporter = new InMemorySpanExporter();
const collector = otlpCollector();
const dataDir = mkdtempSync(join(tmpdir(), 'carepath-api-tracing-'));
mkdirSync(join(dataDir, 'logs'));
const token = generateToken();
let tracing: Tracing;
let stack: Awaited<ReturnType<typeof kafkaTestBed>>;
let services: ServicesProcess;
let apiUrl: string;

beforeAll(async () => {
  tracing = startTracing({ exporter, serviceName: 'carepath-test-worker', batch: false });
  stack = await kafkaTestBed(kafka, outboundTopics, { tracing });
  await new Promise<void>((listening) => collector.server.listen(0, '127.0.0.1', listening));
  const tokensFile = join(dataDir, 'api-tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      tokens: [{ sha256: hashToken(token), staffId: 'staff-traced-1', role: 'coordinator' }],
    }),
  );
  const apiPort = await freePort();
  services = await startServicesProcess(
    {
      dataDir,
      temporalAddress: testStack().stack.temporal.address,
      brokers: testStack().stack.kafka.brokers,
    },
    {
      name: 'traced-api',
      role: 'api',
      env: {
        CAREPATH_API_PORT: String(apiPort),
        CAREPATH_API_TOKENS_FILE: tokensFile,
        // The test's worker decrypts what this API encrypts, and answers on its task queue.
        CAREPATH_PAYLOAD_KEYS: [...testKeyRing.keys]
          .map(([id, key]) => `${id}:${key.toString('base64')}`)
          .join(','),
        TEMPORAL_TASK_QUEUE: stack.services.journeys.taskQueue,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`,
        OTEL_SERVICE_NAME: 'carepath-api',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    },
  );
  apiUrl = `http://127.0.0.1:${apiPort}`;
}, 180_000);

afterAll(async () => {
  await services?.stop();
  await stack?.close();
  await tracing?.shutdown();
  await new Promise((closed) => collector.server.close(closed));
  if (!process.env.CAREPATH_KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
});

test('an admission through the production API exports its server span and start in the caller’s trace, which the journey’s records continue', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentSpanId = '00f067aa0ba902b7';
  const client = SyntheticClient.unique(program.programId);
  const { clientId, recordedBy: _by, type: _type, ...admission } = client.admitted();
  const answer = await fetch(`${apiUrl}/v1/clients/${clientId}/episodes`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${parentSpanId}-01`,
    },
    body: JSON.stringify(admission),
  });
  expect(answer.status).toBe(201);

  const route = 'POST /v1/clients/:clientId/episodes';
  const exported = () => collector.spans.filter((span) => span.traceId === traceId);
  await waitFor('the API’s spans at the collector', () =>
    [route, 'StartWorkflow:episodeWorkflow'].every((name) => exported().some((span) => span.name === name)),
  );
  const server = exported().find((span) => span.name === route);
  expect(server?.parentSpanId).toBe(parentSpanId);
  expect(
    Object.fromEntries(server?.attributes.map(({ key, value }) => [key, Object.values(value)[0]]) ?? []),
  ).toEqual({
    'http.request.method': 'POST',
    'http.route': '/v1/clients/:clientId/episodes',
    'carepath.client.id': clientId,
    'http.response.status_code': 201,
  });
  const start = exported().find((span) => span.name === 'StartWorkflow:episodeWorkflow');
  expect(start?.parentSpanId).toBe(server?.spanId);

  // The journey, started by that API, sends the admission's effects in the same trace.
  const started = () =>
    stack.tap
      .outboundOf(clientId, stack.topics)
      .filter((r) => r.json?.type === 'org.carepath.episode.started.v1');
  await stack.tap.waitFor('the episode.started record', () => started().length > 0);
  for (const record of started()) expect(record.headers.traceparent?.split('-')[1]).toBe(traceId);
});
