import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOperatorTokens } from '../codec/operator-tokens';
import type { CarepathConfig } from '../config';
import { StackError } from './errors';
import type { Installation } from './install';
import { startKafkaBroker, waitForKafka } from './kafka-broker';
import { assertPortFree } from './ports';
import { isRunning, stopServer, type ServerProcess } from './processes';
import { startTemporalDevServer, waitForTemporal } from './temporal-server';

/** Where a stack's servers listen and keep their data. */
export interface StackLayout {
  dataDir: string;
  temporal: { port: number; uiPort?: number; uiCodecEndpoint?: string };
  kafka: { port: number; controllerPort: number };
}

export interface RunningStack {
  temporal: { address: string; uiUrl?: string; process: ServerProcess };
  kafka: { brokers: string[]; process: ServerProcess };
}

const stateFile = (dataDir: string) => join(dataDir, 'stack.json');

/** Starts Temporal and Kafka side by side and waits until both answer; on failure stops what started. */
export async function startStack(
  install: Installation,
  layout: StackLayout,
  progress: (message: string) => void,
): Promise<RunningStack> {
  const logs = join(layout.dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  mkdirSync(join(layout.dataDir, 'temporal'), { recursive: true });
  const address = `127.0.0.1:${layout.temporal.port}`;
  const brokers = [`127.0.0.1:${layout.kafka.port}`];
  const started: ServerProcess[] = [];
  try {
    const temporal = startTemporalDevServer({
      cli: install.temporalCli,
      port: layout.temporal.port,
      uiPort: layout.temporal.uiPort,
      uiCodecEndpoint: layout.temporal.uiCodecEndpoint,
      dbFile: join(layout.dataDir, 'temporal', 'temporal.sqlite'),
      logFile: join(logs, 'temporal.log'),
    });
    started.push(temporal);
    const kafka = startKafkaBroker({
      java: install.java,
      libs: install.kafkaLibs,
      dir: join(layout.dataDir, 'kafka'),
      port: layout.kafka.port,
      controllerPort: layout.kafka.controllerPort,
      logFile: join(logs, 'kafka.log'),
    });
    started.push(kafka);
    progress(`waiting for Temporal (${address}) and Kafka (${brokers[0]}) to answer…`);
    await Promise.all([waitForTemporal(temporal, address), waitForKafka(kafka, brokers)]);
    const stack: RunningStack = {
      temporal: {
        address,
        uiUrl:
          layout.temporal.uiPort === undefined ? undefined : `http://127.0.0.1:${layout.temporal.uiPort}`,
        process: temporal,
      },
      kafka: { brokers, process: kafka },
    };
    writeFileSync(stateFile(layout.dataDir), JSON.stringify(stack, null, 2));
    return stack;
  } catch (error) {
    await Promise.all(started.map((proc) => stopServer(proc, 5000)));
    throw error;
  }
}

/** The stack recorded in `dataDir`, if any of its servers still runs. */
export function runningStack(dataDir: string): RunningStack | undefined {
  if (!existsSync(stateFile(dataDir))) return undefined;
  const stack = JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as RunningStack;
  return isRunning(stack.temporal.process) || isRunning(stack.kafka.process) ? stack : undefined;
}

export async function stopStack(stack: RunningStack, dataDir: string): Promise<void> {
  await Promise.all([stopServer(stack.temporal.process), stopServer(stack.kafka.process)]);
  rmSync(stateFile(dataDir), { force: true });
}

function loopbackPort(value: string, variable: string): number {
  const [host, port] = value.split(':');
  if (!['127.0.0.1', 'localhost'].includes(host ?? '')) {
    throw new StackError(
      `${variable}=${value} points away from this machine, but the local stack listens on 127.0.0.1 only. ` +
        `Unset ${variable} to use the local stack, or skip the local stack and run against that server.`,
    );
  }
  return Number(port);
}

/**
 * Where the local UI decodes payloads: `npm start`'s codec server, with the developer's operator
 * token in the path since the UI sends no header of its own. With an operator tokens file, each
 * operator enters their own endpoint in the UI's codec settings instead.
 */
async function localCodecEndpoint(config: CarepathConfig): Promise<string> {
  const { localToken } = await loadOperatorTokens(config);
  const url = `http://${config.codec.host}:${config.codec.port}`;
  return localToken === null ? url : `${url}/operator/${localToken}`;
}

/** The developer's stack: ports from the configuration, data in the git-ignored data dir. */
export async function localLayout(config: CarepathConfig): Promise<StackLayout> {
  const layout: StackLayout = {
    dataDir: config.dataDir,
    temporal: {
      port: loopbackPort(config.temporal.address, 'TEMPORAL_ADDRESS'),
      uiPort: config.temporal.uiPort,
      uiCodecEndpoint: await localCodecEndpoint(config),
    },
    kafka: {
      port: loopbackPort(config.kafka.brokers[0] ?? '', 'KAFKA_BROKERS'),
      controllerPort: config.kafka.controllerPort,
    },
  };
  await assertPortFree(layout.temporal.port, 'the Temporal frontend', 'TEMPORAL_ADDRESS');
  await assertPortFree(config.temporal.uiPort, 'the Temporal Web UI', 'TEMPORAL_UI_PORT');
  await assertPortFree(config.codec.port, 'the codec server', 'CAREPATH_CODEC_PORT');
  await assertPortFree(layout.kafka.port, 'the Kafka broker', 'KAFKA_BROKERS');
  await assertPortFree(layout.kafka.controllerPort, 'the Kafka controller', 'KAFKA_CONTROLLER_PORT');
  return layout;
}
