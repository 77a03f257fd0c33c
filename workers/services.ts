import { setTimeout as sleep } from 'node:timers/promises';
import type { DataConverter } from '@temporalio/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { kafkaClient, type KafkaClient } from '../activities/kafka/connection';
import { Registry } from 'prom-client';
import { kafkaEffectPublisher } from '../activities/kafka/effect-publisher';
import { outboxMetrics } from '../activities/kafka/outbox-metrics';
import type { RecordSender } from '../activities/kafka/record-sender';
import { startApi, type RunningApi } from '../api/start';
import { Journeys } from '../client/journeys';
import { carepathDataConverter } from '../codec/data-converter';
import { loadKeyRing, type KeyRing } from '../codec/key-ring';
import { loadOperatorTokens, type OperatorTokens } from '../codec/operator-tokens';
import { startCodecServer } from '../codec/server';
import type { CarepathConfig } from '../config';
import type { ServiceRole } from '../config/service-roles';
import { temporalConnectOptions } from '../config/temporal-connection';
import type { ProgramRegistry } from '../programs/registry';
import { carepathTopics } from '../schemas/contract';
import { startBridge, type RunningBridge } from './bridge';
import { startHealthListener } from './health-listener';
import { tracingClientInterceptors, type Tracing } from './tracing';
import { tracedSender } from '../activities/kafka/traced-sender';
import { integrationActor } from './inbound/identity';
import { BridgeMonitor } from './inbound/monitor';
import { createJourneyWorker } from './journey-worker';
import { logLine } from './log';
import { Readiness } from './readiness';
import { ensureTopics } from './topics';

/** What each role runs once started. */
export interface RoleServices {
  /** The journey worker: workflows and the local activities their effects leave through. */
  worker: Worker;
  /** The inbound bridge: the consumer group on the client-events topic. */
  bridge: RunningBridge;
  /** The coordinator API: its address and, in local mode, the development token to print. */
  api: RunningApi;
  /** Where the Temporal UI and CLI decode payloads, for operators. */
  codec: { url: string };
}

/** The services of the roles `R` against the configured Temporal and Kafka. */
export type RunningServices<R extends ServiceRole> = Pick<RoleServices, R> & {
  readiness: Readiness;
  /** Where a process without the API answers /livez, /readyz and /metrics. */
  healthUrl?: string;
  /**
   * Reports not-ready, waits CAREPATH_DRAIN_DELAY_SECONDS, then drains every role: the worker
   * finishes its tasks, the bridge leaves its group without committing a message Temporal has not
   * accepted, the API and codec server close. SIGINT and SIGTERM call it; calling it again is harmless.
   */
  stop(): Promise<void>;
  /** Resolves when every service has stopped; rejects when the worker failed (after the rest stopped). */
  done: Promise<void>;
};

/** Kafka for the roles that publish (the worker's effects, the bridge's dead letters). */
async function kafkaProducing(config: CarepathConfig, tracing: Tracing | undefined) {
  const kafka = kafkaClient(config.kafka, {
    clientId: config.kafka.clientId,
    logs: 'warn',
  });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, carepathTopics, config.kafka.topicPartitions).finally(() => admin.disconnect());
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  return { kafka, sender: tracing ? tracedSender(producer) : producer, close: () => producer.disconnect() };
}

async function startWorkerRole(
  config: CarepathConfig,
  dataConverter: DataConverter,
  sender: RecordSender,
  registry: Registry,
  tracing: Tracing | undefined,
) {
  const connection = await NativeConnection.connect(temporalConnectOptions(config.temporal));
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Parked effects and journeys' dead letters are counted on the process's /metrics.
    publisher: kafkaEffectPublisher(sender, carepathTopics, undefined, outboxMetrics(registry)),
    dataConverter,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    ...(tracing && { tracing }),
  });
  return { worker, close: () => connection.close() };
}

async function startBridgeRole(
  config: CarepathConfig,
  dataConverter: DataConverter,
  programs: ProgramRegistry,
  kafka: KafkaClient,
  sender: RecordSender,
  monitor: BridgeMonitor,
  tracing: Tracing | undefined,
) {
  const connection = await Connection.connect(temporalConnectOptions(config.temporal));
  const bridge = await startBridge({
    kafka,
    journeys: new Journeys(
      new Client({
        connection,
        namespace: config.temporal.namespace,
        dataConverter,
        // Each inbound record's trace goes on into the journey with the start or signal it causes.
        ...(tracing && { interceptors: tracingClientInterceptors() }),
      }),
      config.temporal.taskQueue,
      programs,
      {},
      config.reads,
    ),
    sender,
    topics: carepathTopics,
    integration: integrationActor(config.inbound.integrationId),
    groupId: config.kafka.consumerGroup,
    maxMessageBytes: config.kafka.maxInboundMessageBytes,
    maxRecordBytes: config.kafka.maxRecordBytes,
    maxEventClockSkewSeconds: config.inbound.maxEventClockSkewSeconds,
    concurrency: config.inbound.bridgeConcurrency,
    monitor,
  });
  return { bridge, close: () => connection.close() };
}

async function startCodecRole(config: CarepathConfig, ring: KeyRing, operators: OperatorTokens) {
  return startCodecServer({
    ring,
    operators,
    corsOrigins: config.codec.corsOrigins,
    host: config.codec.host,
    port: config.codec.port,
    ...(config.codec.tls && { tls: config.codec.tls }),
  });
}

/**
 * Starts the given roles, each composed of only what it needs, with the programs the caller loaded
 * (programs/load.ts, from CAREPATH_PROGRAMS_DIR) before anything else, so an invalid program file
 * stops start-up at once. The caller installs Temporal's runtime without its own shutdown signals
 * (structured-logs.ts), so that readiness flips before the worker drains.
 */
export async function startServices<R extends ServiceRole>(
  config: CarepathConfig,
  programs: ProgramRegistry,
  roles: readonly R[],
  /** Where the worker's, the bridge's and the API's spans go (workers/tracing.ts); none when unset. */
  tracing?: Tracing,
): Promise<RunningServices<R>> {
  const runs = (role: ServiceRole) => (roles as readonly ServiceRole[]).includes(role);
  const readiness = new Readiness(roles);
  // Keys first: a missing or malformed key stops start-up before anything connects.
  const ring = loadKeyRing(config);
  const dataConverter = carepathDataConverter(ring);
  // The codec's operator tokens too: a bad file stops start-up before anything connects.
  const operators = runs('codec') ? (await loadOperatorTokens(config)).tokens : undefined;
  /** Closed in reverse order once every role has drained. */
  const closers: (() => Promise<void>)[] = [];
  const started: Partial<RoleServices> = {};

  const producing = runs('worker') || runs('bridge') ? await kafkaProducing(config, tracing) : undefined;
  if (producing) closers.push(producing.close);
  const monitor =
    producing && runs('bridge')
      ? new BridgeMonitor({
          stallMs: config.inbound.bridgeStallSeconds * 1000,
          lag: {
            admin: producing.kafka.admin(),
            topic: carepathTopics['client-events'],
            groupId: config.kafka.consumerGroup,
          },
        })
      : undefined;
  // One registry per process: the bridge's counters, and the worker's beside them when both run.
  const registry = monitor?.registry ?? new Registry();

  let workerRun: Promise<void> | undefined;
  if (producing && runs('worker')) {
    const { worker, close } = await startWorkerRole(
      config,
      dataConverter,
      producing.sender,
      registry,
      tracing,
    );
    closers.push(close);
    workerRun = worker.run();
    readiness.track('worker', () => worker.getState() === 'RUNNING');
    started.worker = worker;
  }
  if (producing && monitor) {
    const { bridge, close } = await startBridgeRole(
      config,
      dataConverter,
      programs,
      producing.kafka,
      producing.sender,
      monitor,
      tracing,
    );
    closers.push(close);
    readiness.track('bridge', () => bridge.inGroup());
    started.bridge = bridge;
  }
  if (runs('api')) {
    const bridgeView = monitor && { health: () => monitor.health(), registry };
    started.api = await startApi(config, dataConverter, programs, bridgeView, readiness, tracing);
    readiness.track('api', () => true);
  }
  let closeCodec: (() => Promise<void>) | undefined;
  if (operators) {
    const codec = await startCodecRole(config, ring, operators);
    closeCodec = () => codec.close();
    readiness.track('codec', () => codec.server.listening);
    started.codec = { url: codec.url };
  }
  const health = runs('api')
    ? undefined
    : await startHealthListener({ ...config.health, readiness, registry });

  const drain = async () => {
    readiness.stop();
    logLine('info', 'carepath: stopping; reporting not ready, then draining', {
      ms: config.drainDelaySeconds * 1000,
    });
    await sleep(config.drainDelaySeconds * 1000);
    if (started.worker?.getState() === 'RUNNING') started.worker.shutdown();
    const drained = await Promise.allSettled([
      // A failed worker is reported through `done`.
      workerRun?.catch(() => undefined),
      started.bridge?.stop(),
      started.api?.close(),
      closeCodec?.(),
    ]);
    for (const close of closers.reverse()) await close();
    await health?.close();
    const failed = drained.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve)).then(drain);
  const stop = () => {
    stopRequested();
    return stopped;
  };
  // A second signal of the same kind ends the process at once (Node's default), for an operator who will not wait.
  const onSignal = () => void stop().catch(() => undefined);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A worker that ends by itself (a fatal error) stops the rest of the process with it.
  const workerEnded = workerRun?.then(
    () => stop(),
    async (error: unknown) => {
      await stop().catch(() => undefined);
      throw error;
    },
  );
  const done = Promise.all([stopped, workerEnded]).then(() => undefined);
  // The cast joins the roles' parts started above (each exactly when `roles` names it) to `R`.
  return {
    ...(started as Pick<RoleServices, R>),
    readiness,
    ...(health && { healthUrl: health.url }),
    stop,
    done,
  };
}
