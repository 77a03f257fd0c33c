import { shippedPrograms } from '../../programs';
import { randomUUID } from 'node:crypto';
import type { NativeConnection } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { kafkaClient, type KafkaClient } from '../../activities/kafka/connection';
import { kafkaEffectPublisher, type SendLimits } from '../../activities/kafka/effect-publisher';
import type { OutboundRecord, RecordSender } from '../../activities/kafka/record-sender';
import { tracedSender } from '../../activities/kafka/traced-sender';
import { Journeys } from '../../client/journeys';
import { carepathTopics, type Topics } from '../../schemas/contract';
import type { JourneySettings } from '../../schemas/journey';
import { loadLocalConfig } from '../../config';
import { integrationActor } from '../../workers/inbound/identity';
import { startBridge, type RunningBridge } from '../../workers/bridge';
import type { JourneyPort } from '../../workers/inbound/deliver';
import { BridgeMonitor } from '../../workers/inbound/monitor';
import { createJourneyWorker } from '../../workers/journey-worker';
import { ensureTopics } from '../../workers/topics';
import { tracingClientInterceptors, type Tracing } from '../../workers/tracing';
import { Tap } from '../../testkit/tap';
import { devServer, testDataConverter } from '../stack/environments';
import { testStack } from '../stack/test-stack';
import { KafkaJSProtocolError } from '../../testkit/kafkajs-errors';

/** Topic names of the test's own, so test files sharing the run's broker never read each other's records. */
export function testTopics(): Topics {
  const run = randomUUID().slice(0, 8);
  return Object.fromEntries(
    Object.entries(carepathTopics).map(([role, name]) => [role, `${name}.test-${run}`]),
  ) as Topics;
}

export const testKafka = (brokers: string[]): KafkaClient =>
  kafkaClient({ brokers, connection: { ssl: false } }, { clientId: 'carepath-test', retries: 3 });

/**
 * The real idempotent producer, able to lose the acknowledgement of one send (Kafka stored it, the
 * activity failed), and to refuse records with a value on a topic, as a broker refuses one too large.
 */
export class AckLosingSender implements RecordSender {
  private loseAckFor: string | undefined;
  private refuseValuesOn: string | undefined;
  constructor(private readonly sender: RecordSender) {}
  loseAckOnce(topic: string): void {
    this.loseAckFor = topic;
  }
  refuseValues(topic: string | undefined): void {
    this.refuseValuesOn = topic;
  }
  async send(records: readonly OutboundRecord[]): Promise<void> {
    if (records.some((r) => r.topic === this.refuseValuesOn && r.value !== null))
      throw new KafkaJSProtocolError({
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
        message: 'The request included a message larger than the max message size the server will accept',
      } as unknown as Error);
    await this.sender.send(records);
    if (this.loseAckFor && records.some((r) => r.topic === this.loseAckFor)) {
      this.loseAckFor = undefined;
      throw new Error('acknowledgement lost (test)');
    }
  }
}

/** A journey worker publishing through the real idempotent producer, and the journeys client for its task queue. */
export async function kafkaJourneys(opts: {
  kafka: KafkaClient;
  topics: Topics;
  client: Client;
  nativeConnection: NativeConnection;
  /** Journey settings, e.g. a short outbox retry so a test reaches continue-as-new in seconds. */
  settings?: Partial<JourneySettings>;
  /** The publisher's size limits, e.g. low enough that some effect can never be sent. */
  limits?: SendLimits;
  /** Spans of the worker and the bridge, and trace headers on the records they send. */
  tracing?: Tracing;
  /** Partitions of each topic (3 unless a test needs its clients to share one). */
  partitions?: number;
}) {
  const admin = opts.kafka.admin();
  await admin.connect();
  await ensureTopics(admin, opts.topics, opts.partitions ?? 3).finally(() => admin.disconnect());
  const producer = opts.kafka.producer({ idempotent: true });
  await producer.connect();
  const sender = new AckLosingSender(opts.tracing ? tracedSender(producer) : producer);
  const taskQueue = `kafka-journeys-${randomUUID()}`;
  const worker = await createJourneyWorker({
    connection: opts.nativeConnection,
    namespace: 'default',
    taskQueue,
    publisher: kafkaEffectPublisher(sender, opts.topics, opts.limits),
    workflowBundle: { codePath: opts.tracing ? testStack().tracedBundlePath : testStack().bundlePath },
    dataConverter: testDataConverter,
    ...(opts.tracing && { tracing: opts.tracing }),
  });
  const running = worker.run();
  const journeys = new Journeys(opts.client, taskQueue, shippedPrograms, opts.settings);
  const groupId = `bridge-${randomUUID()}`;
  const defaults = loadLocalConfig({});
  const monitor = new BridgeMonitor({
    stallMs: defaults.inbound.bridgeStallSeconds * 1000,
    lag: { admin: opts.kafka.admin(), topic: opts.topics['client-events'], groupId },
  });
  return {
    sender,
    journeys,
    monitor,
    /** The bridge's consumer group, whose commits a test may read. */
    groupId,
    /** The bridge of this consumer group; `port` stands between it and the journeys, e.g. to hold one client back. */
    async startBridge(port: JourneyPort = journeys): Promise<RunningBridge> {
      return startBridge({
        kafka: opts.kafka,
        journeys: port,
        sender,
        topics: opts.topics,
        integration: integrationActor(defaults.inbound.integrationId),
        groupId,
        maxMessageBytes: 4096,
        maxRecordBytes: defaults.kafka.maxRecordBytes,
        maxEventClockSkewSeconds: defaults.inbound.maxEventClockSkewSeconds,
        concurrency: defaults.inbound.bridgeConcurrency,
        monitor,
        backoff: { initialMs: 100, maxMs: 2000 },
      });
    },
    /** True once the bridge has committed every inbound record produced so far. */
    async bridgeCaughtUp(): Promise<boolean> {
      const admin = opts.kafka.admin();
      await admin.connect();
      try {
        const ends = await admin.partitionBounds(opts.topics['client-events']);
        const committed = await admin.committedOffsets(groupId, opts.topics['client-events']);
        return ends.every(({ partition, high }) => {
          const at = committed.find((p) => p.partition === partition)?.offset ?? '-1';
          return high === '0' || at === high;
        });
      } finally {
        await admin.disconnect();
      }
    },
    async close() {
      worker.shutdown();
      await running;
      await producer.disconnect();
    },
  };
}

/**
 * What a Kafka test file runs on: topics of its own, a Temporal server, the journey worker and its
 * client, a producer, and a tap on the topics `tapped` names. The bridge is started by the test. With
 * `tracing`, the bridge's Temporal client carries its spans into the journeys, as the services
 * compose it (workers/services.ts).
 */
export async function kafkaTestBed(
  kafka: KafkaClient,
  tapped: (topics: Topics) => string[],
  opts: { tracing?: Tracing; partitions?: number } = {},
) {
  // The bridge logs a line per message; the assertions say what matters.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const topics = testTopics();
  const server = await devServer();
  const client = opts.tracing
    ? new Client({
        connection: server.client.connection,
        dataConverter: testDataConverter,
        interceptors: tracingClientInterceptors(),
      })
    : server.client;
  const services = await kafkaJourneys({
    kafka,
    topics,
    client,
    nativeConnection: server.nativeConnection,
    ...(opts.tracing && { tracing: opts.tracing }),
    ...(opts.partitions !== undefined && { partitions: opts.partitions }),
  });
  const producer = kafka.producer({ idempotent: false });
  await producer.connect();
  const tap = await Tap.start(kafka, tapped(topics));
  return {
    topics,
    server,
    /** The journeys' Temporal client (traced with `tracing`), for an API beside the bridge. */
    client,
    services,
    producer,
    tap,
    async close() {
      await tap.stop();
      await producer.disconnect();
      await services.close();
      await server.close();
    },
  };
}
