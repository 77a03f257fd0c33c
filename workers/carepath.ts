import { NativeConnection, type Worker } from '@temporalio/worker';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { kafkaEffectPublisher } from '../activities/kafka-publisher';
import type { CarepathConfig } from '../config';
import { createJourneyWorker } from './journey-worker';

/** carepath's long-running services against the configured Temporal and Kafka. */
export interface RunningServices {
  worker: Worker;
  /** Resolves when every service has stopped (after a shutdown signal or a fatal error). */
  done: Promise<void>;
}

export async function startServices(config: CarepathConfig): Promise<RunningServices> {
  const kafka = new Kafka({
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
  });
  // One idempotent producer per worker, one request in flight, so retries neither duplicate nor reorder.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    publisher: kafkaEffectPublisher(producer),
  });
  // The worker stops on SIGINT/SIGTERM (Temporal's runtime handles them), letting running tasks finish.
  const done = worker.run().finally(async () => {
    await producer.disconnect();
    await connection.close();
  });
  return { worker, done };
}
