import { shippedPrograms } from '../../programs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Journeys } from '../../client/journeys';
import { carepathDataConverter } from '../../codec/data-converter';
import { EncryptionCodec, isEncrypted, keyIdMetadata } from '../../codec/encryption-codec';
import type { KeyRing } from '../../codec/key-ring';
import type { AdmittedEvent, ClientEvent } from '../../schemas';
import { createJourneyWorker } from '../../workers/journey-worker';
import { episodeWorkflowId } from '../../workflows/definitions';
import { testStack } from '../stack/test-stack';
import { staff } from '../../testkit/fixtures';
import { SyntheticClient } from '../../testkit/inbound';
import { RecordingPublisher } from './journey-harness';

/** Every payload in a history, with whether it sits in search attributes (which stay plain by design). */
type PayloadKind = 'data' | 'search-attribute' | 'sdk-marker';

/**
 * Every payload in a history, and whose it is: carepath's data (encrypted), search attributes (codes
 * for visibility, never encrypted), or the SDK's own marker bookkeeping (a patch id, a local
 * activity's sequence number and times), which the SDK writes without the data converter.
 */
function payloadsOf(value: unknown, kind: PayloadKind = 'data'): { payload: Payload; kind: PayloadKind }[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && typeof record.metadata === 'object')
    return [{ payload: record, kind }];
  // A marker's `patch-data` and a local activity's `data` are the SDK's; its `result` is ours.
  const sdkOwned = typeof record.markerName === 'string' ? ['patch-data', 'data'] : [];
  return Object.entries(record).flatMap(([key, child]) =>
    key === 'details' && sdkOwned.length > 0
      ? Object.entries(child as Record<string, unknown>).flatMap(([detail, payloads]) =>
          payloadsOf(payloads, sdkOwned.includes(detail) ? 'sdk-marker' : kind),
        )
      : payloadsOf(child, key === 'searchAttributes' ? 'search-attribute' : kind),
  );
}
const sdkMarkerFields = new Set([
  'id',
  'deprecated',
  'seq',
  'attempt',
  'activity_id',
  'activity_type',
  'complete_time',
  'backoff',
  'original_schedule_time',
]);

const ring = (currentKeyId: string, ...keyIds: string[]): KeyRing => ({
  currentKeyId,
  keys: new Map(keyIds.map((keyId) => [keyId, randomBytes(32)])),
});
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** What the Temporal server, its database and its UI hold of a journey: ciphertext, except codes. */
describe('journey payloads on the dev server', () => {
  let connection: Connection;
  let plainClient: Client;
  const address = () => testStack().stack.temporal.address;

  /** A journey worker and client sharing a key ring, on a task queue of their own. */
  async function journeysWith(keys: KeyRing, taskQueue = `encryption-${randomUUID()}`) {
    const nativeConnection = await NativeConnection.connect({ address: address() });
    const dataConverter = carepathDataConverter(keys);
    const worker: Worker = await createJourneyWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      publisher: new RecordingPublisher(),
      workflowBundle: { codePath: testStack().bundlePath },
      dataConverter,
    });
    const running = worker.run();
    return {
      taskQueue,
      journeys: new Journeys(new Client({ connection, dataConverter }), taskQueue, shippedPrograms),
      async close() {
        worker.shutdown();
        await running;
        await nativeConnection.close();
      },
    };
  }

  const clinical = {
    sobrietyDate: '2019-03-17',
    indication: 'prior-sobriety-recent-relapse',
    drugTestResult: 'positive',
    instrument: 'PHQ-9',
  } as const;

  const admission = (clientId: string): AdmittedEvent =>
    new SyntheticClient(clientId, 'step-down-iop').admitted({
      sobrietyDate: clinical.sobrietyDate,
      standAloneIndications: [clinical.indication],
    });
  const clinicalEvents = (clientId: string): ClientEvent[] => [
    {
      type: 'drug-test-resulted',
      eventId: `${clientId}-drug-test`,
      clientId,
      occurredAt: new Date().toISOString(),
      recordedBy: staff.counsellor,
      testId: `test-${clientId}`,
      result: clinical.drugTestResult,
    },
    {
      type: 'measurement-recorded',
      eventId: `${clientId}-phq9`,
      clientId,
      occurredAt: new Date().toISOString(),
      recordedBy: staff.counsellor,
      instrument: clinical.instrument,
      score: 19,
    },
  ];

  beforeAll(async () => {
    connection = await Connection.connect({ address: address() });
    plainClient = new Client({ connection });
  });
  afterAll(() => connection.close());

  test('a history fetched without the codec holds none of the clinical values; with it, it decodes to them', async () => {
    const keys = ring('2025-a', '2025-a');
    const stack = await journeysWith(keys);
    const clientId = `client-${randomUUID()}`;
    const admitted = admission(clientId);
    try {
      await stack.journeys.admit(admitted);
      for (const event of clinicalEvents(clientId)) await stack.journeys.recordEventAndWait(event);
      await stack.journeys.state(clientId);
    } finally {
      await stack.close();
    }

    const history = await plainClient.workflow.getHandle(episodeWorkflowId(clientId)).fetchHistory();
    const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    for (const value of [
      ...Object.values(clinical),
      'sobrietyDate',
      'standAloneIndications',
      'coOccurringMentalIllness',
      'withdrawalRisk',
      'drug-test-resulted',
      'measurement-recorded',
      'female',
    ])
      expect({ value, found: stored.includes(value) }).toEqual({ value, found: false });

    const payloads = payloadsOf(history);
    const encrypted = payloads.filter((p) => p.kind === 'data').map((p) => p.payload);
    expect(encrypted.length).toBeGreaterThan(5);
    expect(encrypted.filter((p) => !isEncrypted(p))).toEqual([]);
    const markerFields = payloads
      .filter((p) => p.kind === 'sdk-marker')
      .flatMap((p) => Object.keys(JSON.parse(text(p.payload.data)) as object));
    expect(markerFields).toContain('activity_type');
    expect(markerFields.filter((field) => !sdkMarkerFields.has(field))).toEqual([]);
    const searchAttributes = payloads
      .filter((p) => p.kind === 'search-attribute')
      .map((p) => text(p.payload.data));
    expect(searchAttributes.join(' ')).toContain('"iop"');

    const codec = new EncryptionCodec(keys);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [input] = await codec.decode(started);
    expect(input && defaultPayloadConverter.fromPayload(input)).toMatchObject({ admission: admitted });
    const decoded = await codec.decode(encrypted);
    const clear = decoded.map((p) => text(p.data)).join('\n');
    for (const value of Object.values(clinical)) expect(clear).toContain(value);
  });

  test('after a new key becomes current, journeys written with the old key still decode and continue', async () => {
    const before = ring('2025-a', '2025-a');
    const clientId = `client-${randomUUID()}`;
    const admitted = admission(clientId);
    // Made after the admission: an event dated before it would be refused.
    const [drugTest, measurement] = clinicalEvents(clientId);
    const first = await journeysWith(before);
    try {
      await first.journeys.admit(admitted);
      if (drugTest) await first.journeys.recordEventAndWait(drugTest);
    } finally {
      await first.close();
    }

    const rotated: KeyRing = {
      currentKeyId: '2025-b',
      keys: new Map([...before.keys, ['2025-b', randomBytes(32)]]),
    };
    // A new worker on the same task queue replays the history written with the old key.
    const second = await journeysWith(rotated, first.taskQueue);
    try {
      if (measurement) await second.journeys.recordEventAndWait(measurement);
      const state = await second.journeys.state(clientId);
      expect(state.clientId).toBe(clientId);
      expect(state.level).toBe('iop');
    } finally {
      await second.close();
    }

    const history = await plainClient.workflow.getHandle(episodeWorkflowId(clientId)).fetchHistory();
    const keyIds = new Set(
      payloadsOf(history)
        .filter((p) => p.kind === 'data')
        .map((p) => text(p.payload.metadata?.[keyIdMetadata])),
    );
    expect([...keyIds].sort()).toEqual(['2025-a', '2025-b']);
  });
});
