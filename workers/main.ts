import { loadConfig } from '../config';
import { installTemporalLogging } from './structured-logs';
import { startServices } from './carepath';

/** carepath's services alone, against Temporal and Kafka that run elsewhere (Docker, production). */
async function main() {
  const config = loadConfig();
  installTemporalLogging();
  const services = await startServices(config);
  console.log(
    JSON.stringify({
      level: 'info',
      message: 'carepath services started',
      temporal: config.temporal.address,
      taskQueue: config.temporal.taskQueue,
      kafka: config.kafka.brokers,
      api: services.api.url,
    }),
  );
  await services.done;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
