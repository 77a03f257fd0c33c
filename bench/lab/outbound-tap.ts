import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { carepathTopics, deadLetterHeaders, outboundStreams } from '../../schemas/contract';

/** One outbound CloudEvent as a downstream service reads it. */
export interface OutboundEvent {
  topic: string;
  /** `source id`: unique per event in carepath's contract, the key to de-duplicate on. */
  key: string;
  type: string;
  subject: string;
  /** When the tap read it (ms since the epoch), for latency figures. */
  readAt: number;
}

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

/** The event id in a journey's dead letter, whose value is the refused event as JSON. */
function refusedEventId(value: Buffer | null): string {
  try {
    const event = JSON.parse(value?.toString('utf8') ?? 'null') as { eventId?: unknown } | null;
    return typeof event?.eventId === 'string' ? event.eventId : '?';
  } catch {
    return '?';
  }
}

const outboundTopics = outboundStreams.map((stream) => carepathTopics[stream]);

/**
 * An independent consumer of carepath's outbound and dead-letter topics, in a group of its own, that
 * records every event id it reads and how often: the drills' and benchmarks' witness of what left
 * carepath, kept apart from the code under test.
 */
export class OutboundTap {
  /** Times each `source id` was read: more than once is a duplicate. */
  readonly seen = new Map<string, number>();
  readonly events: OutboundEvent[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private listeners: ((event: OutboundEvent) => void)[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /**
   * `extraTopics` are read like the outbound ones (structured CloudEvents): a benchmark's baseline
   * publishes its own records there, so both sides are timed by the same consumer.
   */
  static async start(kafka: Kafka, extraTopics: readonly string[] = []): Promise<OutboundTap> {
    const consumer = kafka.consumer({ groupId: `carepath-tap-${randomUUID()}`, maxWaitTimeInMs: 50 });
    const tap = new OutboundTap(consumer);
    await consumer.connect();
    await consumer.subscribe({
      topics: [...outboundTopics, ...extraTopics, carepathTopics['client-events-dlq']],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const readAt = Date.now();
        const header = (name: string) => message.headers?.[name]?.toString();
        if (topic === carepathTopics['client-events-dlq']) {
          const reason = header(deadLetterHeaders.reason) ?? 'missing';
          const journey = header(deadLetterHeaders.journey);
          tap.deadLetters.push(
            journey === undefined
              ? {
                  reason,
                  of: `${header(deadLetterHeaders.partition) ?? '?'}:${header(deadLetterHeaders.offset) ?? '?'}`,
                }
              : { reason, of: `${journey} ${refusedEventId(message.value)}`, journey },
          );
          return;
        }
        const json = JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
        const event: OutboundEvent = {
          topic,
          key: `${String(json.source)} ${String(json.id)}`,
          type: String(json.type),
          subject: message.key?.toString('utf8') ?? '',
          readAt,
        };
        tap.seen.set(event.key, (tap.seen.get(event.key) ?? 0) + 1);
        tap.events.push(event);
        for (const listener of tap.listeners) listener(event);
      },
    });
    return tap;
  }

  /** Called for every outbound event read from now on. */
  onEvent(listener: (event: OutboundEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Event keys read more than once. */
  duplicates(): string[] {
    return [...this.seen].filter(([, times]) => times > 1).map(([key]) => key);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
