import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaClient } from '../activities/kafka/connection';
import type { KafkaConsumer } from '../activities/kafka/consumer';
import { carepathTopics, deadLetterHeaders, outboundStreams, type Topics } from '../schemas/contract';

/** One record as a downstream service reads it. */
export interface TappedRecord {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
  /** The parsed value, when it is JSON. */
  json: Record<string, unknown> | undefined;
  /** When the tap read it (ms since the epoch), for latency figures. */
  readAt: number;
}

/** `source id` of a CloudEvent record: unique per event in carepath's contract, the key to de-duplicate on. */
export const eventKey = (record: TappedRecord): string =>
  `${String(record.json?.source)} ${String(record.json?.id)}`;

/** The outbound topics among `topics` (default: the contract's names). */
export const outboundTopics = (topics: Topics = carepathTopics): string[] =>
  outboundStreams.map((stream) => topics[stream]);

/** A dead letter on the inbound dead-letter topic, as an operator reads it from its headers. */
export interface DeadLetter {
  reason: string;
  /**
   * What the dead letter is of, unique per inbound message: the original record's position
   * (`partition:offset`) for one the bridge set aside, or `journey eventId` for an event a journey
   * refused after the bridge handed it over (such a letter names the journey instead of an origin).
   */
  of: string;
  /** The workflow id of the journey that wrote it; absent for the bridge's dead letters. */
  journey?: string;
}

/** Reads a record of the inbound dead-letter topic; a journey's letter holds the refused event as its value. */
export function deadLetterOf({ headers, json }: TappedRecord): DeadLetter {
  const reason = headers[deadLetterHeaders.reason] ?? 'missing';
  const journey = headers[deadLetterHeaders.journey];
  if (journey === undefined)
    return {
      reason,
      of: `${headers[deadLetterHeaders.partition] ?? '?'}:${headers[deadLetterHeaders.offset] ?? '?'}`,
    };
  const eventId = typeof json?.eventId === 'string' ? json.eventId : '?';
  return { reason, of: `${journey} ${eventId}`, journey };
}

/** Polls `done` until it holds, for what happens out of the test's sight (records arriving, spans ending). */
export async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * An independent consumer of carepath's topics, in a group of its own, from their beginning: what
 * downstream services would read, kept apart from the code under test. The tests', drills' and
 * benchmarks' witness of what left carepath.
 */
export class Tap {
  readonly records: TappedRecord[] = [];
  /** The next offset to read, by topic and partition. */
  private readonly next = new Map<string, bigint>();
  private readonly listeners: ((record: TappedRecord) => void)[] = [];

  private constructor(
    private readonly consumer: KafkaConsumer,
    private readonly topics: readonly string[],
  ) {}

  static async start(kafka: KafkaClient, topics: readonly string[]): Promise<Tap> {
    const consumer = kafka.consumer({
      groupId: `carepath-tap-${randomUUID()}`,
      // A tap may start before the code under test created its topics.
      createsMissingTopics: true,
      maxWaitMs: 50,
    });
    const tap = new Tap(consumer, topics);
    await consumer.connect();
    await consumer.subscribe(topics);
    await consumer.run({
      autoCommit: true,
      eachRecord: async ({ topic, partition, offset, key, value: bytes, headers }) => {
        const readAt = Date.now();
        tap.next.set(`${topic}/${partition}`, BigInt(offset) + 1n);
        const value = bytes?.toString('utf8') ?? null;
        let json: Record<string, unknown> | undefined;
        try {
          json = value === null ? undefined : (JSON.parse(value) as Record<string, unknown>);
        } catch {
          json = undefined;
        }
        const record: TappedRecord = {
          topic,
          key: key?.toString('utf8') ?? null,
          headers: { ...headers },
          value,
          json,
          readAt,
        };
        tap.records.push(record);
        for (const listener of tap.listeners) listener(record);
      },
    });
    return tap;
  }

  /** Called for every record read from now on. */
  onRecord(listener: (record: TappedRecord) => void): void {
    this.listeners.push(listener);
  }

  of(topic: string, subject?: string): TappedRecord[] {
    return this.records.filter((r) => r.topic === topic && (subject === undefined || r.key === subject));
  }

  /** One client's records on the outbound topics among `topics` (default: the contract's names). */
  outboundOf(clientId: string, topics: Topics = carepathTopics): TappedRecord[] {
    return outboundTopics(topics).flatMap((topic) => this.of(topic, clientId));
  }

  /** How often each event (by `eventKey`) was read on `topics`: more than once is a duplicate. */
  timesRead(topics: readonly string[]): Map<string, number> {
    const times = new Map<string, number>();
    for (const record of this.records)
      if (topics.includes(record.topic)) times.set(eventKey(record), (times.get(eventKey(record)) ?? 0) + 1);
    return times;
  }

  /** True once the tap has read every record its topics held when asked. */
  async caughtUp(kafka: KafkaClient): Promise<boolean> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.topics) {
        for (const { partition, high } of await admin.partitionBounds(topic)) {
          if ((this.next.get(`${topic}/${partition}`) ?? 0n) < BigInt(high)) return false;
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    return waitFor(what, done, timeoutMs);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
