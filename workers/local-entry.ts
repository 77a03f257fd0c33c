import { loadLocalConfig } from '../config';
import { serviceRoles } from '../config/service-roles';
import { loadProgramsDirectory } from '../programs/load';
import { installTemporalLogging, releaseTemporalRuntime } from './structured-logs';
import { freePort } from '../infra/ports';
import { describeStack, ensureLocalStack } from '../infra/local';
import { isRunning } from '../infra/processes';
import { stopStack } from '../infra/stack';
import { carepathTopics } from '../schemas/contract';
import { startServices } from './services';
import { loadTracingConfig } from '../config/tracing';
import { tracingOf } from './tracing';

/**
 * `npm start`: the local stack (installed on first use) plus carepath's services, in the
 * foreground. Ctrl-C stops everything this command started; a stack that was already running
 * (`npm run stack:up`) is left running.
 */
async function main() {
  const config = loadLocalConfig();
  // Before the stack and services start: an invalid program file stops start-up with each problem.
  const programs = loadProgramsDirectory(config.programsDir);
  const tracing = tracingOf(loadTracingConfig());
  // No SDK shutdown signals: the services report not-ready before the worker drains.
  installTemporalLogging('INFO', [], await freePort());
  if (config.mode !== 'local') {
    throw new Error(
      'npm start runs the local development stack, but CAREPATH_MODE is not local. ' +
        'Against your own Temporal and Kafka, run the services directly (see README, "Configuration").',
    );
  }
  const progress = (message: string) => console.log(`carepath: ${message}`);
  const { stack, startedHere } = await ensureLocalStack(config, progress);
  const services = await startServices(config, programs, serviceRoles, tracing);
  console.log(
    `\ncarepath is running.\n${describeStack(stack, config)}\n` +
      `journey worker     task queue ${config.temporal.taskQueue}\n` +
      `inbound bridge     ${carepathTopics['client-events']} (group ${config.kafka.consumerGroup})\n` +
      `coordinator API    ${services.api.url}  (docs ${services.api.url}/docs)\n` +
      `codec server       ${services.codec.url}  (the Web UI decodes payloads through it)\n` +
      (services.api.developmentToken
        ? `development token  ${services.api.developmentToken}  (export CAREPATH_TOKEN=<it> for the CLI)\n`
        : '') +
      (services.api.signInCode
        ? `coordinator app  ${services.api.url}/app/#sign-in=${services.api.signInCode}\n`
        : '') +
      `\nPress Ctrl-C to stop.`,
  );

  const outcome = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('stopping'));
    process.once('SIGTERM', () => resolve('stopping'));
    // A server that dies under us is reported instead of leaving services talking to nothing.
    const watch = setInterval(() => {
      const dead = [stack.temporal.process, stack.kafka.process].find((proc) => !isRunning(proc));
      if (dead) {
        clearInterval(watch);
        resolve(`${dead.name} (pid ${dead.pid}) exited; see ${dead.logFile}`);
      }
    }, 2000);
  });
  if (outcome !== 'stopping') {
    process.exitCode = 1;
    console.error(`carepath: ${outcome}`);
    void services.stop().catch(() => undefined);
  }
  await services.done;
  await tracing?.shutdown();
  await releaseTemporalRuntime();
  if (startedHere) {
    progress('stopping the local stack…');
    await stopStack(stack, config.dataDir);
  }
  progress('stopped.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
