import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { kafkaClient } from '../activities/kafka/connection';
import { carepathTopics } from '../schemas/contract';
import type { ClientEvent } from '../schemas';
import { bareTopic, bareWorkerReady } from './bare/definitions';
import type { Cleanup } from './cleanup';
import { inboundRecord, onTopic } from '../testkit/inbound';
import { startLab, type Lab, type Progress } from '../testkit/lab';
import { outboundTopics, Tap } from '../testkit/tap';
import { startLabProcess, startServicesProcess, type LabProcess } from '../testkit/services';
import { Arrivals, cpuMeter, type CpuShare } from './measure';

/** The workers under test: carepath's services and the bare baseline, each in a child process. */
export interface Workers {
  services: LabProcess;
  bare: LabProcess;
  servicesTaskQueue: string;
  bareTaskQueue: string;
}

/**
 * Everything the server benchmarks share: one lab (Temporal and Kafka), carepath's services and the
 * bare worker in child processes of their own, the load generator's producer and Temporal client,
 * and one outbound tap that times both sides.
 */
export interface Rig {
  lab: Lab;
  readonly workers: Workers;
  /** The load generator's Temporal client (bare workflows, visibility counts); no codec. */
  temporal: Client;
  arrivals: Arrivals;
  /** Produces one inbound client event to carepath's client-events topic, as an EHR feed would. */
  produce(event: ClientEvent): Promise<void>;
  /**
   * Fresh workers on new task queues, a clean slate for memory: both are restarted unless no
   * benchmark has used them yet.
   */
  freshWorkers(tag: string): Promise<void>;
  /**
   * Stops the workers for a benchmark that runs its own (their bridge would share its consumer
   * group); the next benchmark asking for fresh workers gets them back.
   */
  releaseWorkers(): Promise<void>;
  /** Marks the workers as used by a benchmark. */
  used(): void;
  /** CPU used per process (services, bare, Temporal, Kafka, this load generator) over a phase. */
  cpu(): { stop(): Record<string, CpuShare> };
}

/** Where the rig keeps what outlives the lab. */
export interface RigFiles {
  /** The lab's logs (servers, services, bare worker), copied here before the lab is removed. */
  logsDir: string;
  /** With --cpu-prof: each worker process writes a CPU profile per thread here when it stops. */
  profilesDir?: string;
}

async function startWorkers(lab: Lab, tag: string, files: RigFiles, progress: Progress): Promise<Workers> {
  const servicesTaskQueue = `carepath-journeys-${tag}`;
  const bareTaskQueue = `bench-bare-${tag}`;
  const profiled = (name: string) =>
    files.profilesDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(files.profilesDir, name)}`] } : {};
  progress(
    `starting carepath's services and the bare worker (task queues ${servicesTaskQueue}, ${bareTaskQueue})…`,
  );
  // One after the other: each creates topics at start, and a broker slow to elect their leaders
  // has failed a start that overlapped the other's (KafkaJSProtocolError: not host this topic-partition).
  const services = await startServicesProcess(lab, {
    name: `services-${tag}`,
    env: { TEMPORAL_TASK_QUEUE: servicesTaskQueue },
    ...profiled(`services-${tag}`),
  });
  try {
    const bare = await startLabProcess(lab, {
      name: `bare-${tag}`,
      ...profiled(`bare-${tag}`),
      entry: 'bench/bare/worker.js',
      readyLine: bareWorkerReady,
      env: { TEMPORAL_TASK_QUEUE: bareTaskQueue },
    });
    return { services, bare, servicesTaskQueue, bareTaskQueue };
  } catch (error) {
    await services.stop();
    throw error;
  }
}

/**
 * Starts the rig; everything it opens is added to `cleanup`, which the caller runs. The lab's logs
 * are kept (see RigFiles): the bridge's lines time its stage, and a bottleneck is looked for there.
 */
export async function startRig(progress: Progress, cleanup: Cleanup, files: RigFiles): Promise<Rig> {
  const lab = await startLab(progress);
  cleanup.add('the lab (Temporal and Kafka)', () => lab.close());
  cleanup.add('the lab logs', async () =>
    cpSync(join(lab.dataDir, 'logs'), files.logsDir, { recursive: true }),
  );
  let workers = await startWorkers(lab, 'main', files, progress);
  cleanup.add('the workers', () => Promise.all([workers.services.stop(), workers.bare.stop()]));
  const kafka = kafkaClient(
    { brokers: lab.brokers, connection: { ssl: false } },
    { clientId: 'carepath-bench', logs: 'error' },
  );
  const producer = kafka.producer({ idempotent: false });
  await producer.connect();
  cleanup.add('the inbound producer', () => producer.disconnect());
  // After the workers: they create the topics the tap subscribes to.
  const tap = await Tap.start(kafka, [...outboundTopics(), bareTopic]);
  cleanup.add('the outbound tap', () => tap.stop());
  const connection = await Connection.connect({ address: lab.temporalAddress });
  cleanup.add('the Temporal client', () => connection.close());
  let used = false;
  return {
    lab,
    get workers() {
      return workers;
    },
    temporal: new Client({ connection }),
    arrivals: new Arrivals(tap),
    async produce(event) {
      await producer.send(onTopic(carepathTopics['client-events'], [inboundRecord(event)]));
    },
    async freshWorkers(tag) {
      if (!used) return;
      await Promise.all([workers.services.stop(), workers.bare.stop()]);
      workers = await startWorkers(lab, tag, files, progress);
      used = false;
    },
    async releaseWorkers() {
      await Promise.all([workers.services.stop(), workers.bare.stop()]);
      used = true;
    },
    used: () => void (used = true),
    cpu: () =>
      cpuMeter({
        services: workers.services.pid,
        bare: workers.bare.pid,
        temporal: lab.temporal().pid,
        kafka: lab.kafka().pid,
        'load generator': process.pid,
      }),
  };
}
