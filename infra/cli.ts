import { loadLocalConfig, type CarepathConfig } from '../config';
import { ensureInstalled } from './install';
import { describeStack, ensureLocalStack } from './local';
import { isRunning } from './processes';
import { runningStack, stopStack } from './stack';

const usage = `Usage: npm run stack:<command>
  stack:install  install the Temporal CLI, test server and Kafka jars into the cache (once)
  stack:up       install what is missing and start Temporal (with Web UI) and Kafka in the background
  stack:status   show whether the local stack runs and where
  stack:down     stop every process stack:up started`;

const progress = (message: string) => console.log(`carepath stack: ${message}`);

async function main(command: string | undefined, config: CarepathConfig): Promise<number> {
  switch (command) {
    case 'install': {
      const install = await ensureInstalled(config.cacheDir, progress);
      console.log(JSON.stringify(install, null, 2));
      return 0;
    }
    case 'up': {
      const { stack, startedHere } = await ensureLocalStack(config, progress);
      progress(startedHere ? 'started.' : 'already running.');
      console.log(describeStack(stack, config));
      console.log('Stop it with: npm run stack:down');
      return 0;
    }
    case 'status': {
      const stack = runningStack(config.dataDir);
      if (!stack) {
        progress('not running (start it with npm run stack:up).');
        return 1;
      }
      console.log(describeStack(stack, config));
      for (const proc of [stack.temporal.process, stack.kafka.process]) {
        console.log(`${proc.name.padEnd(21)}pid ${proc.pid} ${isRunning(proc) ? 'running' : 'NOT RUNNING'}`);
      }
      return 0;
    }
    case 'down': {
      const stack = runningStack(config.dataDir);
      if (!stack) {
        progress('nothing to stop.');
        return 0;
      }
      await stopStack(stack, config.dataDir);
      progress('stopped Temporal and Kafka.');
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

async function run() {
  try {
    process.exitCode = await main(process.argv[2], loadLocalConfig());
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  }
}

// run() never rejects: it reports a failure as the exit code.
void run();
