import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaEffectPublisher } from '../activities/kafka/effect-publisher';
import { outboxMetrics } from '../activities/kafka/outbox-metrics';
import { idempotentProducer, kafkajsSender } from '../activities/kafka/kafkajs-sender';
import { startApi, type RunningApi } from '../api/start';
import { Journeys } from '../client/journeys';
import { carepathDataConverter } from '../codec/data-converter';
import { loadKeyRing } from '../codec/key-ring';
import { loadOperatorTokens } from '../codec/operator-tokens';
import { startCodecServer } from '../codec/server';
import type { CarepathConfig } from '../config';
import type { ProgramRegistry } from '../programs/registry';
import { carepathTopics } from '../schemas/contract';
import { startBridge } from './bridge';
import { integrationActor } from './inbound/identity';
import { BridgeMonitor } from './inbound/monitor';
import { kafkaLogCreator } from './structured-logs';
import { createJourneyWorker } from './journey-worker';
import { ensureTopics } from './topics';

/** carepath's long-running services against the configured Temporal and Kafka. */
export interface RunningServices {
  worker: Worker;
  /** Where the Temporal UI and CLI decode payloads, for operators. */
  codecUrl: string;
  /** The coordinator API: its address and, in local mode, the development token to print. */
  api: RunningApi;
  /** Resolves when every service has stopped (after a shutdown signal or a fatal error). */
  done: Promise<void>;
}

/**
 * Starts the services with the programs the caller loaded (programs/load.ts, from
 * CAREPATH_PROGRAMS_DIR) before anything else, so an invalid program file stops start-up at once.
 */
export async function startServices(
  config: CarepathConfig,
  programs: ProgramRegistry,
): Promise<RunningServices> {
  // Keys first: a missing or malformed key stops start-up before anything connects.
  const ring = loadKeyRing(config);
  const dataConverter = carepathDataConverter(ring);
  const { tokens: operators } = await loadOperatorTokens(config);
  const kafka = new Kafka({
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, carepathTopics, config.kafka.topicPartitions).finally(() => admin.disconnect());
  const producer = idempotentProducer(kafka);
  await producer.connect();
  const sender = kafkajsSender(producer);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const monitor = new BridgeMonitor({
    stallMs: config.inbound.bridgeStallSeconds * 1000,
    lag: {
      admin: kafka.admin(),
      topic: carepathTopics['client-events'],
      groupId: config.kafka.consumerGroup,
    },
  });
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Parked effects and journeys' dead letters are counted beside the bridge's on /metrics.
    publisher: kafkaEffectPublisher(sender, carepathTopics, undefined, outboxMetrics(monitor.registry)),
    dataConverter,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
  });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const bridge = await startBridge({
    kafka,
    journeys: new Journeys(
      new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter }),
      config.temporal.taskQueue,
      programs,
    ),
    sender,
    topics: carepathTopics,
    integration: integrationActor(config.inbound.integrationId),
    groupId: config.kafka.consumerGroup,
    maxMessageBytes: config.kafka.maxInboundMessageBytes,
    maxRecordBytes: config.kafka.maxRecordBytes,
    maxEventClockSkewSeconds: config.inbound.maxEventClockSkewSeconds,
    monitor,
  });
  const api = await startApi(config, dataConverter, programs, monitor);
  const codec = await startCodecServer({
    ring,
    operators,
    corsOrigins: config.codec.corsOrigins,
    host: config.codec.host,
    port: config.codec.port,
  });
  let bridgeStopped: Promise<void> | undefined;
  const stopBridge = () => (bridgeStopped ??= bridge.stop());
  // A failure to stop surfaces through `done`, which awaits the same promise.
  const stopOnSignal = () => void stopBridge().catch(() => undefined);
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  // The worker stops on SIGINT/SIGTERM (Temporal's runtime handles them), letting running tasks finish;
  // the bridge leaves its group without committing a message Temporal has not accepted.
  const done = worker.run().finally(async () => {
    await api.close();
    await stopBridge();
    await codec.close();
    await producer.disconnect();
    await clientConnection.close();
    await connection.close();
  });
  return { worker, api, codecUrl: codec.url, done };
}
