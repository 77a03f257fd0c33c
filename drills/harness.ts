import { shippedPrograms } from '../programs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type { KafkaAdmin } from '../activities/kafka/admin';
import { kafkaClient, type KafkaClient } from '../activities/kafka/connection';
import type { KafkaProducer } from '../activities/kafka/producer';
import { onTopic, type InboundMessage } from '../testkit/inbound';
import type { Lab } from '../testkit/lab';
import { startServicesProcess, type ServicesProcess } from '../testkit/services';
import { Journeys } from '../client/journeys';
import { carepathDataConverter } from '../codec/data-converter';
import { loadKeyRing } from '../codec/key-ring';
import { loadConfig, type CarepathConfig } from '../config';
import type { RoleChoice } from '../config/service-roles';
import { carepathTopics } from '../schemas/contract';
import type { Progress } from './report';

const inboundTopic = carepathTopics['client-events'];
/** Stays below the broker's default 1 MiB record batch, oversize drill messages included. */
const maxChunkBytes = 512 * 1024;

/** Inbound positions, partition → offset: where the inbound topic ended at some moment. */
export type InboundMarks = ReadonlyMap<number, bigint>;

/** Splits records into sends that each stay below `maxChunkBytes`. */
function chunks(messages: readonly InboundMessage[]): InboundMessage[][] {
  const out: InboundMessage[][] = [];
  let current: InboundMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.value?.length ?? 0) + 100;
    if (current.length > 0 && bytes + size > maxChunkBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** One carepath process of a drill's deployment and the roles it runs. */
export interface ServiceSlot {
  name: string;
  role: RoleChoice;
}

/** Every role in one process, as a small installation runs them. */
const allInOne: readonly ServiceSlot[] = [{ name: 'services', role: 'all' }];

/**
 * What every drill works with: the lab, carepath's services in a child process (restartable),
 * a producer standing in for the EHR feed, and clients that read the journeys' state for the
 * verdict. The services' configuration is rebuilt here from the same environment, so the drill
 * reads with their payload key and their consumer group.
 */
export class Harness {
  private generation = 0;
  /** Inbound records produced so far by this harness, for a drill to say how much load it was under. */
  inboundSent = 0;
  private readonly running = new Map<string, ServicesProcess>();
  private temporal: { connection: Connection; client: Client; journeys: Journeys } | undefined;

  private constructor(
    readonly lab: Lab,
    readonly config: CarepathConfig,
    readonly kafka: KafkaClient,
    private readonly producer: KafkaProducer,
    readonly admin: KafkaAdmin,
    private readonly progress: Progress,
    readonly deployment: readonly ServiceSlot[],
  ) {}

  static async open(
    lab: Lab,
    progress: Progress,
    deployment: readonly ServiceSlot[] = allInOne,
  ): Promise<Harness> {
    const config = loadConfig({
      ...process.env,
      CAREPATH_MODE: 'local',
      CAREPATH_DATA_DIR: join(lab.dataDir, 'carepath'),
      TEMPORAL_ADDRESS: lab.temporalAddress,
      KAFKA_BROKERS: lab.brokers.join(','),
    });
    // Quiet: the drill's own clients fail on purpose during outages and say so in its progress lines.
    const kafka = kafkaClient(
      { brokers: lab.brokers, connection: { ssl: false } },
      { clientId: 'carepath-drill', retries: 2 },
    );
    const producer = kafka.producer({ idempotent: false });
    const admin = kafka.admin();
    const harness = new Harness(lab, config, kafka, producer, admin, progress, deployment);
    try {
      // The services create the topics and the payload key the drill's clients need.
      await harness.startServices();
      await Promise.all([producer.connect(), admin.connect()]);
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  /** Starts every process of the deployment that is not running; each start logs to a file of its own. */
  async startServices(progress = this.progress): Promise<void> {
    // One after the other: the first creates the topics the others then find.
    for (const slot of this.deployment)
      if (!this.running.has(slot.name)) await this.startService(slot.name, progress);
  }

  /** Starts one process of the deployment, by name. */
  async startService(name: string, progress = this.progress): Promise<void> {
    const slot = this.deployment.find((s) => s.name === name);
    if (!slot) throw new Error(`the drill's deployment has no process ${name}`);
    const started = Date.now();
    const services = await startServicesProcess(this.lab, {
      name: `${name}-${++this.generation}`,
      role: slot.role,
    });
    this.running.set(name, services);
    progress('services started', { process: name, pid: services.pid, ms: Date.now() - started });
  }

  /** Starts the services unless they run: a drill that failed halfway may have left them stopped. */
  async ensureServices(progress = this.progress): Promise<void> {
    await this.startServices(progress);
  }

  /** SIGKILLs every services process mid-flight and waits until they have gone. */
  async killServices(progress = this.progress): Promise<void> {
    for (const name of [...this.running.keys()]) await this.killService(name, progress);
  }

  /** SIGKILLs one process of the deployment, by name, and waits until it has gone. */
  async killService(name: string, progress = this.progress): Promise<void> {
    const services = this.running.get(name);
    if (!services) return;
    this.running.delete(name);
    services.kill('SIGKILL');
    await services.exited;
    progress('services killed', { process: name, pid: services.pid });
  }

  /**
   * Freezes one process of the deployment (SIGSTOP) until `resumeService`: a worker starved of CPU,
   * whose workflow tasks stay started but do not complete, while its connections stay open.
   */
  pauseService(name: string): void {
    this.runningService(name).kill('SIGSTOP');
  }

  resumeService(name: string): void {
    this.runningService(name).kill('SIGCONT');
  }

  private runningService(name: string): ServicesProcess {
    const services = this.running.get(name);
    if (!services) throw new Error(`the drill's process ${name} is not running`);
    return services;
  }

  /** Stops the services as an operator would (SIGTERM), then SIGKILL if they do not leave in time. */
  async stopServices(graceMs: number): Promise<void> {
    const stopping = [...this.running.values()];
    this.running.clear();
    await Promise.all(stopping.map((services) => services.stop(graceMs)));
  }

  /** A client of the lab's Temporal with the services' data converter (their payloads are encrypted). */
  async journeys(): Promise<{ client: Client; journeys: Journeys }> {
    if (!this.temporal) {
      const connection = await Connection.connect({ address: this.lab.temporalAddress });
      const client = new Client({
        connection,
        namespace: this.config.temporal.namespace,
        dataConverter: carepathDataConverter(loadKeyRing(this.config)),
      });
      this.temporal = {
        connection,
        client,
        journeys: new Journeys(client, this.config.temporal.taskQueue, shippedPrograms),
      };
    }
    return this.temporal;
  }

  /**
   * Produces records to the inbound topic, in order, waiting out an unreachable broker as an EHR
   * feed would. A send retried after a lost acknowledgement may store a record twice: the same
   * event id, which carepath must recognise anyway.
   */
  async produce(messages: readonly InboundMessage[], progress = this.progress): Promise<void> {
    for (const chunk of chunks(messages)) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.producer.send(onTopic(inboundTopic, chunk));
          this.inboundSent += chunk.length;
          break;
        } catch (error) {
          if (attempt === 1 || attempt % 10 === 0)
            progress('inbound send failed; retrying', {
              attempt,
              error: error instanceof Error ? error.name : 'unknown',
            });
          await sleep(1000);
        }
      }
    }
  }

  /** Produces `messages` spread evenly over `seconds` (all at once for 0): load while a drill disrupts. */
  async feed(messages: readonly InboundMessage[], seconds: number, progress = this.progress): Promise<void> {
    const started = Date.now();
    let sent = 0;
    let reported = started;
    while (sent < messages.length) {
      const elapsed = Date.now() - started;
      const due = seconds <= 0 ? messages.length : Math.ceil((messages.length * elapsed) / (seconds * 1000));
      const upTo = Math.min(messages.length, due);
      if (upTo > sent) {
        await this.produce(messages.slice(sent, upTo), progress);
        sent = upTo;
      } else await sleep(100);
      if (Date.now() - reported >= 5000) {
        reported = Date.now();
        progress('feeding inbound events', { sent, of: messages.length });
      }
    }
  }

  /** Where the inbound topic ends now: messages past these marks belong to what a drill sends next. */
  async inboundMarks(): Promise<InboundMarks> {
    const offsets = await this.admin.partitionBounds(inboundTopic);
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  }

  /** Inbound messages the bridge has not committed yet (its consumer group's lag). */
  async bridgeLag(): Promise<number> {
    const [ends, committed] = await Promise.all([
      this.admin.partitionBounds(inboundTopic),
      this.admin.committedOffsets(this.config.kafka.consumerGroup, inboundTopic),
    ]);
    return ends.reduce((lag, { partition, high }) => {
      const at = Number(committed.find((p) => p.partition === partition)?.offset ?? '-1');
      return lag + Number(high) - Math.max(at, 0);
    }, 0);
  }

  /** Stops the services (SIGKILL after `graceMs`) and disconnects; the lab itself is its owner's to close. */
  async close(graceMs = 20_000): Promise<void> {
    await this.stopServices(graceMs);
    await Promise.allSettled([
      this.producer.disconnect(),
      this.admin.disconnect(),
      this.temporal?.connection.close(),
    ]);
  }
}
