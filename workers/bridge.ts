import type { KafkaClient } from '../activities/kafka/connection';
import type { InboundRecord, KafkaConsumer } from '../activities/kafka/consumer';
import type { RecordSender } from '../activities/kafka/record-sender';
import { eventInFutureDetail, occurredInFuture } from '../client/event-time';
import type { IntegrationActor } from '../schemas';
import type { Topics } from '../schemas/contract';
import { deadLetterRecord, minimalDeadLetterRecord, type InboundOrigin } from './inbound/dead-letter';
import { decodeInbound, type DeadLetterVerdict, type Decoded } from './inbound/decode';
import { deliver, type Delivery, type JourneyPort } from './inbound/deliver';
import type { PermanentFailure } from './inbound/failures';
import type { BridgeMonitor } from './inbound/monitor';
import { BridgeStopping, defaultBackoff, retryUntilDone, type Backoff } from './inbound/retry';
import { withInboundSpan } from './inbound/trace';
import { logLine } from './log';

export interface BridgeOptions {
  kafka: KafkaClient;
  journeys: JourneyPort;
  /** Where dead letters go: the worker's idempotent producer. */
  sender: RecordSender;
  topics: Topics;
  /** Who every event read is recorded as: the integration this consumer authenticated as (inbound/identity.ts). */
  integration: IntegrationActor;
  groupId: string;
  maxMessageBytes: number;
  /** The largest record the brokers accept: dead letters are cut to fit. */
  maxRecordBytes: number;
  /** How far ahead of `now` an event's occurredAt may be. */
  maxEventClockSkewSeconds: number;
  monitor: BridgeMonitor;
  backoff?: Backoff;
  now?: () => number;
}

export interface RunningBridge {
  /** In its consumer group: joined, and neither crashed for good nor stopped (for /readyz). */
  inGroup(): boolean;
  /** Finishes (or abandons, uncommitted) the message in hand, commits nothing more and leaves the group. */
  stop(): Promise<void>;
}

/**
 * The inbound bridge: a consumer group on the client-events topic that applies each message to its
 * client's journey, in order per partition (per client, as records are keyed by client id).
 *
 * Nothing lost: a message's offset is committed only after Temporal accepted its event (or its dead
 * letter was acknowledged). Nothing stuck: only Temporal or the broker being away is waited out
 * without limit; a message that fails any other way is a dead letter after a few attempts, so the
 * partition moves on. Nothing duplicated: a message read again after a crash or rebalance carries
 * the same event id, which the episode ignores the second time (and an admission already applied
 * is recognised as such).
 */
export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const backoff = opts.backoff ?? defaultBackoff;
  const now = opts.now ?? Date.now;
  const { monitor } = opts;
  const stopping = new AbortController();
  const consumer: KafkaConsumer = opts.kafka.consumer({ groupId: opts.groupId });
  let inGroup = false;
  consumer.on('group-join', () => (inGroup = true));
  // The consumer rejoins after a crash it restarts from; one it does not leaves the process without a consumer.
  consumer.on('crash', (restarting) => (inGroup &&= restarting));
  consumer.on('stop', () => (inGroup = false));
  await consumer.connect();
  await consumer.subscribe([opts.topics['client-events']]);

  const handle = async (message: InboundRecord, heartbeat: () => Promise<void>) => {
    const { topic, partition } = message;
    const ids = { topic, partition, offset: message.offset };
    const origin: InboundOrigin = { ...ids, key: message.key, value: message.value };
    const attempt = <T>(what: string, operation: () => Promise<T>) =>
      retryUntilDone(operation, {
        signal: stopping.signal,
        backoff,
        onFailure: async (error, attempt, failure) => {
          const cause = failure.kind === 'permanent' ? failure.code : failure.cause;
          monitor.retrying(partition, what, cause, attempt);
          logLine('warn', `bridge: ${what} failed`, {
            ...ids,
            attempt,
            failure: failure.kind,
            cause,
            error: error instanceof Error ? error.name : 'unknown',
          });
          // A long outage must not cost the partition: the group would hand it to another member.
          await heartbeat().catch(() => undefined);
        },
      });

    const permanently = (failure: PermanentFailure, attempts: number) =>
      ({
        kind: 'dead-letter',
        reason: failure.reason,
        detail: `Failed on ${attempts} attempt(s) (${failure.code}): ${
          failure.reason === 'temporal-refused'
            ? 'Temporal refused the event; correct it and produce it again.'
            : 'a defect in carepath; report it with the original offset, and produce the message again once fixed.'
        }`,
      }) satisfies DeadLetterVerdict;

    /** What becomes of the message, and the ids of its event when it has one (for the logs). */
    const delivered = async (): Promise<{
      delivery: Delivery;
      event?: { clientId: string; eventId: string };
    }> => {
      let decoded: Decoded;
      try {
        decoded = decodeInbound(message, opts.maxMessageBytes, opts.integration);
      } catch (error) {
        // Reading a message is pure: failing on it once is failing on it every time.
        const code = error instanceof Error ? error.name : 'unknown';
        return { delivery: permanently({ kind: 'permanent', reason: 'internal-error', code }, 1) };
      }
      if (decoded.kind !== 'event') return { delivery: decoded };
      const { event } = decoded;
      const eventIds = { clientId: event.clientId, eventId: event.eventId };
      if (occurredInFuture(event.occurredAt, now(), opts.maxEventClockSkewSeconds))
        return {
          delivery: {
            kind: 'dead-letter',
            reason: 'event-in-future',
            detail: eventInFutureDetail(opts.maxEventClockSkewSeconds),
          },
          event: eventIds,
        };
      const result = await attempt('delivery to Temporal', () => deliver(opts.journeys, event));
      return {
        delivery: result.done ? result.value : permanently(result.failure, result.attempts),
        event: eventIds,
      };
    };

    const sendDeadLetter = async (verdict: DeadLetterVerdict) => {
      const dlq = opts.topics['client-events-dlq'];
      const sent = await attempt('dead-letter send', () =>
        opts.sender.send([deadLetterRecord(dlq, origin, verdict, opts.maxRecordBytes)]),
      );
      if (sent.done) return;
      // A record of a few headers cannot be too large or invalid: should the broker refuse it too,
      // it is not accepting writes at all, which is waited out like an outage.
      const minimal = minimalDeadLetterRecord(dlq, origin, verdict, sent.failure.code);
      await retryUntilDone(() => opts.sender.send([minimal]), {
        signal: stopping.signal,
        backoff,
        classify: () => ({ kind: 'infrastructure-away', cause: 'kafka-unavailable' }),
        onFailure: async (error, attempt) => {
          monitor.retrying(partition, 'minimal dead-letter send', 'kafka-unavailable', attempt);
          logLine('warn', 'bridge: minimal dead-letter send failed', {
            ...ids,
            attempt,
            error: error instanceof Error ? error.name : 'unknown',
          });
          await heartbeat().catch(() => undefined);
        },
      });
    };

    monitor.began(partition, message.offset);
    const { delivery, event } = await delivered();
    if (delivery.kind === 'dead-letter') {
      await sendDeadLetter(delivery);
      monitor.deadLettered(delivery.reason);
      logLine('warn', 'bridge: message dead-lettered', { ...ids, ...(event ?? {}), reason: delivery.reason });
    } else {
      logLine('info', `bridge: event ${delivery.kind}`, { ...ids, ...(event ?? {}) });
    }
    // Commits are cumulative: one that fails (a rebalance, the broker away) is covered by the next,
    // or the message is read again and recognised as a redelivery.
    await consumer
      .commit([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
      .catch((error: unknown) =>
        logLine('warn', 'bridge: offset commit failed; the message may be read again', {
          ...ids,
          error: error instanceof Error ? error.name : 'unknown',
        }),
      );
    monitor.finished(partition);
  };

  await consumer.run({
    autoCommit: false,
    eachRecord: async (message, heartbeat) => {
      try {
        await withInboundSpan(message, message.headers, () => handle(message, heartbeat));
      } catch (error) {
        monitor.finished(message.partition);
        if (!(error instanceof BridgeStopping)) throw error;
      }
    },
  });

  return {
    inGroup: () => inGroup,
    async stop() {
      stopping.abort();
      await consumer.disconnect();
      await monitor.close();
    },
  };
}
