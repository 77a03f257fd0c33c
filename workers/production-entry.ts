import { loadConfig } from '../config';
import { roleFromArguments, rolesOf } from '../config/service-roles';
import { describeKafkaConnection } from '../config/kafka-connection';
import { describeTemporalConnection } from '../config/temporal-connection';
import { loadProgramsDirectory } from '../programs/load';
import { logLine } from './log';
import { installTemporalLogging, releaseTemporalRuntime } from './structured-logs';
import { freePort } from '../infra/ports';
import { startServices } from './services';
import { loadTracingConfig } from '../config/tracing';
import { tracingOf } from './tracing';

/**
 * carepath's services alone, against Temporal and Kafka that run elsewhere (Docker, production):
 * `--role worker|bridge|api|codec|all` (else CAREPATH_ROLE, default `all`), so each role can be
 * deployed, scaled and restarted on its own.
 */
async function main() {
  const config = loadConfig();
  const role = roleFromArguments(process.argv.slice(2), config.role);
  // Before anything connects: an invalid program file stops start-up with each problem.
  const programs = loadProgramsDirectory(config.programsDir);
  const tracing = tracingOf(loadTracingConfig());
  // No SDK shutdown signals: the services report not-ready before the worker drains.
  installTemporalLogging('INFO', [], await freePort());
  const services = await startServices(config, programs, rolesOf(role), tracing);
  const temporal = describeTemporalConnection(config.temporal.connection);
  const kafka = describeKafkaConnection(config.kafka.connection);
  logLine('info', 'carepath services started', {
    role,
    // What protects each connection, never a credential.
    temporalTls: temporal.tls,
    temporalApiKey: temporal.apiKey,
    kafkaSsl: kafka.ssl,
    kafkaSasl: kafka.sasl,
    taskQueue: config.temporal.taskQueue,
    ...('api' in services && { apiUrl: services.api.url }),
    ...('codec' in services && { codecUrl: services.codec.url }),
    ...(services.healthUrl && { healthUrl: services.healthUrl }),
  });
  await services.done;
  await tracing?.shutdown();
  await releaseTemporalRuntime();
  logLine('info', 'carepath services stopped', { role });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
