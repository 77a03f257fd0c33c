import type { KafkaMessage } from 'kafkajs';

/** Caps how many messages the bridge hands to Temporal at once, across all partitions. */
export class InFlightLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((admit) => this.waiting.push(admit));
    else this.active++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never overshoots `max`.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Handles a partition's batch with its clients side by side and each client's messages in offset
 * order: ordering matters within a client's journey only (records are keyed by client id), and a
 * journey signal's round trip to Temporal dominates, so one client at a time per partition would
 * leave the bridge idle. A record without a key is a group of its own (it becomes a dead letter).
 *
 * A handler that throws stops its own client's remaining messages (they stay uncommitted and are
 * read again); the others finish. Returns the offsets handled and the first such error.
 */
export async function handleInClientOrder(
  messages: readonly KafkaMessage[],
  limit: InFlightLimit,
  handle: (message: KafkaMessage) => Promise<void>,
): Promise<{ handled: Set<string>; failure: unknown }> {
  const byClient = new Map<string, KafkaMessage[]>();
  for (const message of messages) {
    const client = message.key?.toString('utf8') ?? `unkeyed@${message.offset}`;
    const queue = byClient.get(client);
    if (queue) queue.push(message);
    else byClient.set(client, [message]);
  }
  const handled = new Set<string>();
  const failures: unknown[] = [];
  await Promise.all(
    [...byClient.values()].map(async (queue) => {
      for (const message of queue) {
        try {
          await limit.run(() => handle(message));
          handled.add(message.offset);
        } catch (error) {
          failures.push(error);
          return;
        }
      }
    }),
  );
  return { handled, failure: failures[0] };
}

/**
 * The offset to commit after a batch of which only `handled` are done: one past the longest run of
 * handled messages from the batch's start. Anything after a gap is read again, and recognised as a
 * redelivery by its event id.
 */
export function committableOffset(
  messages: readonly KafkaMessage[],
  handled: ReadonlySet<string>,
): string | undefined {
  let next: string | undefined;
  for (const message of messages) {
    if (!handled.has(message.offset)) break;
    next = (BigInt(message.offset) + 1n).toString();
  }
  return next;
}
