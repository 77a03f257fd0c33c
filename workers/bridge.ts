import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { RecordSender } from '../activities/kafka/record-sender';
import type { Topics } from '../schemas/contract';
import { deadLetterRecord } from './inbound/dead-letter';
import { decodeInbound } from './inbound/decode';
import { deliver, type Delivery, type JourneyPort } from './inbound/deliver';
import { BridgeStopping, defaultBackoff, retryUntilDone, type Backoff } from './inbound/retry';
import { logLine } from './log';

export interface BridgeOptions {
  kafka: Kafka;
  journeys: JourneyPort;
  /** Where dead letters go: the worker's idempotent producer. */
  sender: RecordSender;
  topics: Topics;
  groupId: string;
  maxMessageBytes: number;
  backoff?: Backoff;
}

export interface RunningBridge {
  /** Finishes (or abandons, uncommitted) the message in hand, commits nothing more and leaves the group. */
  stop(): Promise<void>;
}

/**
 * The inbound bridge: a consumer group on the client-events topic that applies each message to its
 * client's journey, in order per partition (per client, as records are keyed by client id).
 *
 * Nothing lost: a message's offset is committed only after Temporal accepted its event (or its dead
 * letter was acknowledged); transient errors are retried with backoff, never skipped. Nothing
 * duplicated: a message read again after a crash or rebalance carries the same event id, which the
 * episode ignores the second time (and an admission already applied is recognised as such).
 */
export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const backoff = opts.backoff ?? defaultBackoff;
  const stopping = new AbortController();
  const consumer: Consumer = opts.kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topics['client-events'], fromBeginning: true });

  const handle = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ) => {
    const ids = { topic, partition, offset: message.offset };
    const untilDone = <T>(what: string, operation: () => Promise<T>) =>
      retryUntilDone(operation, {
        signal: stopping.signal,
        backoff,
        onFailure: async (error, attempt) => {
          logLine('warn', `bridge: ${what} failed, retrying`, {
            ...ids,
            attempt,
            error: error instanceof Error ? error.name : 'unknown',
          });
          // A long outage must not cost the partition: the group would hand it to another member.
          await heartbeat().catch(() => undefined);
        },
      });

    const decoded = decodeInbound(message, opts.maxMessageBytes);
    const delivery: Delivery =
      decoded.kind === 'event'
        ? await untilDone('delivery to Temporal', () => deliver(opts.journeys, decoded.event))
        : decoded;
    const event =
      decoded.kind === 'event' ? { clientId: decoded.event.clientId, eventId: decoded.event.eventId } : {};
    if (delivery.kind === 'dead-letter') {
      await untilDone('dead-letter send', () =>
        opts.sender.send([
          deadLetterRecord(
            opts.topics['client-events-dlq'],
            { ...ids, key: message.key, value: message.value },
            delivery,
          ),
        ]),
      );
      logLine('warn', 'bridge: message dead-lettered', { ...ids, ...event, reason: delivery.reason });
    } else {
      logLine('info', `bridge: event ${delivery.kind}`, { ...ids, ...event });
    }
    // Commits are cumulative: one that fails (a rebalance, the broker away) is covered by the next,
    // or the message is read again and recognised as a redelivery.
    await consumer
      .commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
      .catch((error: unknown) =>
        logLine('warn', 'bridge: offset commit failed; the message may be read again', {
          ...ids,
          error: error instanceof Error ? error.name : 'unknown',
        }),
      );
  };

  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      try {
        await handle(topic, partition, message, heartbeat);
      } catch (error) {
        if (!(error instanceof BridgeStopping)) throw error;
      }
    },
  });

  return {
    async stop() {
      stopping.abort();
      await consumer.disconnect();
    },
  };
}
