import type { EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';

/** One record as carepath reads it; offsets are Kafka's 64-bit positions as decimal strings. */
export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Each header's value as UTF-8 text; a header repeated in one record keeps its last value. */
  headers: Readonly<Record<string, string>>;
  /** The record's timestamp, ms since the epoch. */
  timestamp: number;
}

/** Where a consumer group resumes: `offset` is the next record to read on the partition. */
export interface CommitPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** The group membership changes a consumer reports. */
export interface ConsumerEvents {
  /** Joined its group (again, after a rebalance). */
  'group-join': () => void;
  /** Its run failed; `restarting` says whether it rejoins by itself. */
  crash: (restarting: boolean) => void;
  /** Left its group for good. */
  stop: () => void;
}

/** One fetch of a partition's records, handed over whole so its records can be handled side by side. */
export interface RecordBatch {
  topic: string;
  partition: number;
  records: readonly InboundRecord[];
  /**
   * Keeps the group's assignment during a long handling; `rejoining` when the group is rebalancing
   * and this member must rejoin (the partition may be gone).
   */
  heartbeat(): Promise<'held' | 'rejoining'>;
  /** False once the consumer stops or the batch went stale (the partition was sought or moved on). */
  stillHeld(): boolean;
  /** The records up to this offset are handled: the consumer's next fetch of the partition starts after it. */
  resolveOffset(lastHandled: string): void;
}

/** Off (`autoCommit: false`): the handler commits what it finished itself, through `commit`. */
export type ConsumerRun =
  | {
      autoCommit: boolean;
      /** Records of a partition come one at a time, in order; `heartbeat` keeps the group's assignment during a long handling. */
      eachRecord: (record: InboundRecord, heartbeat: () => Promise<void>) => Promise<void>;
    }
  | {
      autoCommit: boolean;
      /** A partition's records a batch at a time, one batch of one partition at a time. */
      eachBatch: (batch: RecordBatch) => Promise<void>;
    };

/** A consumer group member as carepath uses one. */
export interface KafkaConsumer {
  connect(): Promise<void>;
  /** From the beginning, or from the group's committed offsets when it has any. */
  subscribe(topics: readonly string[]): Promise<void>;
  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void;
  /** Starts handing records to `eachRecord` or batches to `eachBatch`; resolves once it runs. */
  run(run: ConsumerRun): Promise<void>;
  /** Cumulative per partition: the group resumes at each position given. */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  /** Leaves the group, after the record in hand is handled. */
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /** Subscribing to a missing topic creates it (broker defaults); off, a missing topic is an error. */
  createsMissingTopics?: boolean;
  /** How long the broker may hold a fetch while no record arrives (kafkajs's default otherwise). */
  maxWaitMs?: number;
}

function headerText(value: IHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}

function inboundRecord(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    timestamp: Number(message.timestamp),
  };
}

/** A kafkajs consumer, as carepath uses one. */
export function kafkajsConsumer(kafka: Kafka, options: ConsumerOptions): KafkaConsumer {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: options.createsMissingTopics ?? false,
    ...(options.maxWaitMs !== undefined && { maxWaitTimeInMs: options.maxWaitMs }),
  });
  return {
    connect: () => consumer.connect(),
    subscribe: (topics) => consumer.subscribe({ topics: [...topics], fromBeginning: true }),
    on(event, listener) {
      switch (event) {
        case 'group-join':
          consumer.on(consumer.events.GROUP_JOIN, () => (listener as ConsumerEvents['group-join'])());
          return;
        case 'crash':
          consumer.on(consumer.events.CRASH, ({ payload }) => listener(payload.restart));
          return;
        case 'stop':
          consumer.on(consumer.events.STOP, () => (listener as ConsumerEvents['stop'])());
          return;
        default: {
          const unknown: never = event;
          throw new Error(`Unknown consumer event: ${String(unknown)}`);
        }
      }
    },
    run: (run) =>
      'eachRecord' in run
        ? consumer.run({
            autoCommit: run.autoCommit,
            eachMessage: (payload) =>
              run.eachRecord(inboundRecord(payload.topic, payload.partition, payload.message), () =>
                payload.heartbeat(),
              ),
          })
        : consumer.run({
            autoCommit: run.autoCommit,
            // The handler commits; kafkajs must not resolve the batch's offsets on its own.
            eachBatchAutoResolve: false,
            // One partition's batch at a time: kafkajs's concurrent partitions can hand out one
            // partition's records side by side.
            partitionsConsumedConcurrently: 1,
            eachBatch: (payload) => run.eachBatch(recordBatch(payload)),
          }),
    commit: (positions) => consumer.commitOffsets(positions.map((p) => ({ ...p }))),
    disconnect: () => consumer.disconnect(),
  };
}

/** Heartbeat refusals saying this member must rejoin the group, its partitions possibly reassigned. */
const rejoinRefusals = new Set([
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'FENCED_INSTANCE_ID',
]);

function recordBatch(payload: EachBatchPayload): RecordBatch {
  const { topic, partition, messages } = payload.batch;
  return {
    topic,
    partition,
    records: messages.map((message) => inboundRecord(topic, partition, message)),
    heartbeat: () =>
      payload.heartbeat().then(
        () => 'held' as const,
        (error: unknown) => {
          if (rejoinRefusals.has(String((error as { type?: unknown }).type))) return 'rejoining' as const;
          throw error;
        },
      ),
    stillHeld: () => payload.isRunning() && !payload.isStale(),
    resolveOffset: (lastHandled) => payload.resolveOffset(lastHandled),
  };
}
