import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../config';
import { ensureInstalled, type Installation } from '../infra/install';
import { startKafkaBroker, waitForKafka, type KafkaBrokerOptions } from '../infra/kafka-broker';
import { freePort } from '../infra/ports';
import { stopServer, type ServerProcess } from '../infra/processes';
import {
  startTemporalDevServer,
  waitForTemporal,
  type TemporalDevServerOptions,
} from '../infra/temporal-server';

export type Progress = (message: string) => void;

/**
 * A private Temporal dev server and Kafka broker for benchmarks and drills: free loopback ports and a
 * throwaway data dir, never the developer's `npm start` stack, so a drill may stop and restart them.
 * Temporal keeps its SQLite file and Kafka its log dirs across a restart, as in production.
 */
export interface Lab {
  install: Installation;
  dataDir: string;
  temporalAddress: string;
  brokers: string[];
  temporal(): ServerProcess;
  kafka(): ServerProcess;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  /** Stops both servers and removes the data dir. */
  close(): Promise<void>;
}

export async function startLab(progress: Progress): Promise<Lab> {
  const install = await ensureInstalled(loadLocalConfig().cacheDir, progress);
  const dataDir = mkdtempSync(join(tmpdir(), 'carepath-lab-'));
  mkdirSync(join(dataDir, 'logs'));
  const temporalOptions: TemporalDevServerOptions = {
    cli: install.temporalCli,
    port: await freePort(),
    dbFile: join(dataDir, 'temporal.sqlite'),
    logFile: join(dataDir, 'logs', 'temporal.log'),
  };
  const kafkaOptions: KafkaBrokerOptions = {
    java: install.java,
    libs: install.kafkaLibs,
    dir: join(dataDir, 'kafka'),
    port: await freePort(),
    controllerPort: await freePort(),
    logFile: join(dataDir, 'logs', 'kafka.log'),
  };
  const temporalAddress = `127.0.0.1:${temporalOptions.port}`;
  const brokers = [`127.0.0.1:${kafkaOptions.port}`];
  let temporal: ServerProcess | undefined;
  let kafka: ServerProcess | undefined;
  const running = (proc: ServerProcess | undefined, what: string) => {
    if (!proc) throw new Error(`the lab's ${what} is stopped`);
    return proc;
  };

  const lab: Lab = {
    install,
    dataDir,
    temporalAddress,
    brokers,
    temporal: () => running(temporal, 'Temporal server'),
    kafka: () => running(kafka, 'Kafka broker'),
    async stopTemporal() {
      if (temporal) await stopServer(temporal);
      temporal = undefined;
    },
    async startTemporal() {
      temporal = startTemporalDevServer(temporalOptions);
      await waitForTemporal(temporal, temporalAddress);
    },
    async stopKafka() {
      if (kafka) await stopServer(kafka);
      kafka = undefined;
    },
    async startKafka() {
      kafka = startKafkaBroker(kafkaOptions);
      await waitForKafka(kafka, brokers);
    },
    async close() {
      await Promise.all([lab.stopTemporal(), lab.stopKafka()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  progress(`starting a private Temporal (${temporalAddress}) and Kafka (${brokers[0]})…`);
  try {
    await Promise.all([lab.startTemporal(), lab.startKafka()]);
  } catch (error) {
    await lab.close();
    throw error;
  }
  return lab;
}
