import { NativeConnection, Worker } from '@temporalio/worker';
import { kafkaClient } from '../../activities/kafka/connection';
import { loadLocalConfig } from '../../config';
import { logLine } from '../../workers/log';
import { installTemporalLogging } from '../../workers/structured-logs';
import {
  bareMetricsPortVariable,
  bareSource,
  bareTopic,
  bareWorkerReady,
  type BareActivities,
} from './definitions';

/**
 * The bare baseline's worker, in a child process of its own as carepath's services are: the same
 * configuration variables, the same idempotent producer and acks, nothing else.
 */
async function main() {
  const config = loadLocalConfig();
  const metricsPort = process.env[bareMetricsPortVariable];
  installTemporalLogging('INFO', undefined, metricsPort === undefined ? undefined : Number(metricsPort));
  const kafka = kafkaClient(config.kafka, { clientId: 'carepath-bench-bare', logs: 'warn' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(bareTopic))
      await admin.createTopics([{ topic: bareTopic, partitions: config.kafka.topicPartitions }]);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const activities: BareActivities = {
    notify: (streamId, probeId) =>
      producer.send([
        {
          topic: bareTopic,
          key: streamId,
          value: JSON.stringify({
            specversion: '1.0',
            id: probeId,
            source: bareSource,
            type: 'bench.bare.probe',
          }),
          headers: {},
        },
      ]),
  };
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
    // As carepath's worker: a bounded cache, so the realistic benchmark can make both replay.
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
  });
  const running = worker.run();
  logLine('info', bareWorkerReady, { taskQueue: config.temporal.taskQueue });
  // Temporal's runtime stops the worker on SIGINT/SIGTERM; then the rest closes.
  await running.finally(async () => {
    await producer.disconnect();
    await connection.close();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
