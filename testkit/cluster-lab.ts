import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../config';
import { ensureInstalled, ensureTemporalCluster, findPostgres } from '../infra/install';
import {
  kafkaAnswers,
  newClusterId,
  startKafkaBroker,
  waitForKafka,
  type KafkaBrokerOptions,
} from '../infra/kafka-broker';
import { startPostgres, setupTemporalSchema, waitForPostgres, type PostgresOptions } from '../infra/postgres';
import { freePortInRange } from '../infra/ports';
import { killServer, stopServer, waitUntilReady, type ServerProcess } from '../infra/processes';
import {
  frontendAddress,
  registerCarepathNamespace,
  startTemporalMember,
  waitForTemporalMember,
  writeTemporalClusterConfig,
  type TemporalClusterLayout,
  type TemporalMember,
  type TemporalService,
} from '../infra/temporal-cluster';
import type { Lab, Progress } from './lab';

/** How big the cluster is; the defaults are what the cluster drill runs. */
export interface ClusterSize {
  brokers: number;
  historyMembers: number;
  numHistoryShards: number;
}

export const defaultClusterSize: ClusterSize = { brokers: 3, historyMembers: 2, numHistoryShards: 4 };

/**
 * A lab whose Temporal is the multi-service server on PostgreSQL (frontend, history, matching and
 * worker each a process of its own) and whose Kafka is a KRaft cluster of brokers that are also its
 * controllers. As a `Lab`, stopping Temporal or Kafka stops all of it; one member can also be killed
 * and started again on its own.
 */
export interface ClusterLab extends Lab {
  size: ClusterSize;
  /** Each server process and where it listens, for the drill's account. */
  describe(): string[];
  /** Kafka node ids, from 1. */
  killBroker(node: number): Promise<void>;
  startBroker(node: number): Promise<void>;
  /** Member names, e.g. `history-1`. */
  temporalMembers(service: TemporalService): string[];
  killTemporalMember(name: string): Promise<void>;
  startTemporalMember(name: string): Promise<void>;
}

/**
 * Where the cluster's ports are looked for, each handed out once: below the ephemeral range, which
 * Temporal's membership table cannot hold.
 */
export const clusterPortRange = { first: 18300, last: 18399 } as const;
const port = () => freePortInRange(clusterPortRange.first, clusterPortRange.last);

async function members(size: ClusterSize): Promise<TemporalMember[]> {
  const member = async (name: string, service: TemporalService): Promise<TemporalMember> => ({
    name,
    service,
    grpcPort: await port(),
    membershipPort: await port(),
    ...(service === 'frontend' && { httpPort: await port() }),
  });
  const history: TemporalMember[] = [];
  for (let i = 1; i <= size.historyMembers; i++) history.push(await member(`history-${i}`, 'history'));
  return [
    await member('frontend', 'frontend'),
    ...history,
    await member('matching', 'matching'),
    await member('worker', 'worker'),
  ];
}

export async function startClusterLab(progress: Progress, size = defaultClusterSize): Promise<ClusterLab> {
  const cacheDir = loadLocalConfig().cacheDir;
  const [install, cluster] = await Promise.all([
    ensureInstalled(cacheDir, progress),
    ensureTemporalCluster(cacheDir, progress),
  ]);
  const postgresBin = findPostgres();
  const dataDir = mkdtempSync(join(tmpdir(), 'carepath-cluster-lab-'));
  // PostgreSQL runs as its own account when this is root, and must reach its data dir inside.
  chmodSync(dataDir, 0o711);
  const logs = join(dataDir, 'logs');
  mkdirSync(logs);
  mkdirSync(join(dataDir, 'temporal'));

  const postgresOptions: PostgresOptions = {
    binDir: postgresBin,
    dir: join(dataDir, 'postgres'),
    port: await port(),
    logFile: join(logs, 'postgres.log'),
  };
  const layout: TemporalClusterLayout = {
    dir: join(dataDir, 'temporal'),
    postgresPort: postgresOptions.port,
    numHistoryShards: size.numHistoryShards,
    members: await members(size),
  };
  const kafkaPorts: { client: number; controller: number }[] = [];
  for (let i = 0; i < size.brokers; i++) kafkaPorts.push({ client: await port(), controller: await port() });
  const controllerPorts = kafkaPorts.map((p) => p.controller);
  const clusterId = newClusterId();
  const brokerOptions: KafkaBrokerOptions[] = kafkaPorts.map((ports, i) => ({
    java: install.java,
    libs: install.kafkaLibs,
    dir: join(dataDir, `kafka-${i + 1}`),
    port: ports.client,
    controllerPort: ports.controller,
    logFile: join(logs, `kafka-${i + 1}.log`),
    heap: '384m',
    quorum: { nodeId: i + 1, controllerPorts, clusterId },
  }));
  const brokers = brokerOptions.map((b) => `127.0.0.1:${b.port}`);
  const temporalAddress = frontendAddress(layout);

  let postgres: ServerProcess | undefined;
  const temporal = new Map<string, ServerProcess>();
  const kafka = new Map<number, ServerProcess>();
  const memberNamed = (name: string) => {
    const member = layout.members.find((m) => m.name === name);
    if (!member) throw new Error(`the cluster has no Temporal member ${name}`);
    return member;
  };
  const brokerOptionsOf = (node: number) => {
    const options = brokerOptions[node - 1];
    if (!options) throw new Error(`the cluster has no Kafka node ${node}`);
    return options;
  };
  const running = <K>(map: Map<K, ServerProcess>, key: K, what: string) => {
    const proc = map.get(key);
    if (!proc) throw new Error(`the cluster lab's ${what} is stopped`);
    return proc;
  };

  const startMember = async (name: string) => {
    const member = memberNamed(name);
    const proc = startTemporalMember(cluster, layout, member, join(logs, `temporal-${name}.log`));
    temporal.set(name, proc);
    await waitForTemporalMember(proc, layout, member);
  };
  const startBroker = async (node: number) => {
    const options = brokerOptionsOf(node);
    const proc = startKafkaBroker(options);
    kafka.set(node, proc);
    await waitForKafka(proc, [`127.0.0.1:${options.port}`]);
  };
  const stopAll = async <K>(map: Map<K, ServerProcess>) => {
    await Promise.all([...map.values()].map((proc) => stopServer(proc)));
    map.clear();
  };

  const lab: ClusterLab = {
    install,
    dataDir,
    temporalAddress,
    brokers,
    size,
    temporal: () => running(temporal, 'frontend', 'Temporal frontend'),
    kafka: () => running(kafka, 1, 'Kafka node 1'),
    describe: () => [
      `PostgreSQL ${postgresBin.split('/').at(-2) ?? ''} on 127.0.0.1:${postgresOptions.port} ` +
        `(databases temporal, temporal_visibility)`,
      ...layout.members.map(
        (m) => `Temporal ${m.name} (own process) on 127.0.0.1:${m.grpcPort}, membership ${m.membershipPort}`,
      ),
      `Temporal history shards: ${layout.numHistoryShards}, spread over ${size.historyMembers} history processes`,
      ...brokerOptions.map(
        (b) => `Kafka node ${b.quorum?.nodeId} (broker and controller) on ${`127.0.0.1:${b.port}`}`,
      ),
    ],
    async stopTemporal() {
      await stopAll(temporal);
    },
    async startTemporal() {
      await Promise.all(layout.members.map((m) => startMember(m.name)));
    },
    async stopKafka() {
      await stopAll(kafka);
    },
    async startKafka() {
      await Promise.all(brokerOptions.map((_, i) => startBroker(i + 1)));
      // Topics created before every broker has joined would get fewer replicas.
      await waitUntilReady(lab.kafka(), () => kafkaAnswers(brokers, size.brokers), 60_000);
    },
    async killBroker(node) {
      await killServer(running(kafka, node, `Kafka node ${node}`));
      kafka.delete(node);
    },
    startBroker,
    temporalMembers: (service) => layout.members.filter((m) => m.service === service).map((m) => m.name),
    async killTemporalMember(name) {
      await killServer(running(temporal, name, `Temporal ${name}`));
      temporal.delete(name);
    },
    startTemporalMember: startMember,
    async close() {
      await Promise.all([lab.stopTemporal(), lab.stopKafka()]);
      if (postgres) await stopServer(postgres);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  progress(
    `starting a cluster lab: PostgreSQL, Temporal (${layout.members.map((m) => m.name).join(', ')}) ` +
      `at ${temporalAddress}, and ${size.brokers} Kafka brokers (${brokers.join(', ')})…`,
  );
  try {
    const startTemporal = async () => {
      postgres = startPostgres(postgresOptions);
      await waitForPostgres(postgres, postgresOptions);
      await setupTemporalSchema(cluster, postgresOptions.port);
      writeTemporalClusterConfig(layout);
      await lab.startTemporal();
      await registerCarepathNamespace(install.temporalCli, layout);
    };
    await Promise.all([startTemporal(), lab.startKafka()]);
  } catch (error) {
    await lab.close();
    throw error;
  }
  return lab;
}
