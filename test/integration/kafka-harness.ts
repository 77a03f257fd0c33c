import { shippedPrograms } from '../../programs';
import { randomUUID } from 'node:crypto';
import type { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { Kafka, KafkaJSProtocolError, logLevel, type Producer } from 'kafkajs';
import { kafkaEffectPublisher, type SendLimits } from '../../activities/kafka/effect-publisher';
import { idempotentProducer, kafkajsSender } from '../../activities/kafka/kafkajs-sender';
import type { OutboundRecord, RecordSender } from '../../activities/kafka/record-sender';
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
import { Tap } from '../../testkit/tap';
import { devServer, testDataConverter } from '../stack/environments';
import { testStack } from '../stack/test-stack';

/** Topic names of the test's own, so test files sharing the run's broker never read each other's records. */
export function testTopics(): Topics {
  const run = randomUUID().slice(0, 8);
  return Object.fromEntries(
    Object.entries(carepathTopics).map(([role, name]) => [role, `${name}.test-${run}`]),
  ) as Topics;
}

export const testKafka = (brokers: string[]) =>
  new Kafka({ clientId: 'carepath-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });

/**
 * The real kafkajs sender, able to lose the acknowledgement of one send (Kafka stored it, the
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

/** A journey worker publishing through the real kafkajs producer, and the journeys client for its task queue. */
export async function kafkaJourneys(opts: {
  kafka: Kafka;
  topics: Topics;
  client: Client;
  nativeConnection: NativeConnection;
  /** Journey settings, e.g. a short outbox retry so a test reaches continue-as-new in seconds. */
  settings?: Partial<JourneySettings>;
  /** The publisher's size limits, e.g. low enough that some effect can never be sent. */
  limits?: SendLimits;
}) {
  const admin = opts.kafka.admin();
  await admin.connect();
  await ensureTopics(admin, opts.topics, 3).finally(() => admin.disconnect());
  const producer: Producer = idempotentProducer(opts.kafka);
  await producer.connect();
  const sender = new AckLosingSender(kafkajsSender(producer));
  const taskQueue = `kafka-journeys-${randomUUID()}`;
  const worker = await createJourneyWorker({
    connection: opts.nativeConnection,
    namespace: 'default',
    taskQueue,
    publisher: kafkaEffectPublisher(sender, opts.topics, opts.limits),
    workflowBundle: { codePath: testStack().bundlePath },
    dataConverter: testDataConverter,
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
        const ends = await admin.fetchTopicOffsets(opts.topics['client-events']);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [opts.topics['client-events']] });
        return ends.every(({ partition, high }) => {
          const at = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
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
 * client, a producer, and a tap on the topics `tapped` names. The bridge is started by the test.
 */
export async function kafkaTestBed(kafka: Kafka, tapped: (topics: Topics) => string[]) {
  // The bridge logs a line per message; the assertions say what matters.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const topics = testTopics();
  const server = await devServer();
  const services = await kafkaJourneys({ kafka, topics, ...server });
  const producer = kafka.producer();
  await producer.connect();
  const tap = await Tap.start(kafka, tapped(topics));
  return {
    topics,
    server,
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
