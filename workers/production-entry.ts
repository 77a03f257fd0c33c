import { loadConfig } from '../config';
import { describeKafkaConnection } from '../config/kafka-connection';
import { describeTemporalConnection } from '../config/temporal-connection';
import { loadProgramsDirectory } from '../programs/load';
import { installTemporalLogging } from './structured-logs';
import { startServices } from './services';

/** carepath's services alone, against Temporal and Kafka that run elsewhere (Docker, production). */
async function main() {
  const config = loadConfig();
  // Before the stack and services start: an invalid program file stops start-up with each problem.
  const programs = loadProgramsDirectory(config.programsDir);
  installTemporalLogging();
  const services = await startServices(config, programs);
  console.log(
    JSON.stringify({
      level: 'info',
      message: 'carepath services started',
      temporal: config.temporal.address,
      // What protects each connection, never a credential.
      temporalConnection: describeTemporalConnection(config.temporal.connection),
      taskQueue: config.temporal.taskQueue,
      kafka: config.kafka.brokers,
      kafkaConnection: describeKafkaConnection(config.kafka.connection),
      api: services.api.url,
      codec: services.codecUrl,
    }),
  );
  await services.done;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
