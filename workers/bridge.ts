import type { KafkaClient } from '../activities/kafka/connection';
import type { InboundRecord, KafkaConsumer, RecordBatch } from '../activities/kafka/consumer';
import type { RecordSender } from '../activities/kafka/record-sender';
import { eventInFutureDetail, occurredInFuture } from '../client/event-time';
import type { IntegrationActor } from '../schemas';
import type { Topics } from '../schemas/contract';
import { deadLetterRecord, minimalDeadLetterRecord, type InboundOrigin } from './inbound/dead-letter';
import { decodeInbound, type DeadLetterVerdict, type Decoded } from './inbound/decode';
import { deliver, type Delivery, type JourneyPort } from './inbound/deliver';
import type { PermanentFailure } from './inbound/failures';
import type { BridgeMonitor } from './inbound/monitor';
import { HandledOffsets } from './inbound/offsets';
import { BridgeStopping, defaultBackoff, retryUntilDone, type Backoff } from './inbound/retry';
import { Slots } from '../client/slots';
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
  /** How many records (of different clients) are handled at once. */
  concurrency: number;
  monitor: BridgeMonitor;
  backoff?: Backoff;
  now?: () => number;
}

export interface RunningBridge {
  /** In its consumer group: joined, and neither crashed for good nor stopped (for /readyz). */
  inGroup(): boolean;
  /** Finishes (or abandons, uncommitted) the messages in hand, commits what they complete and leaves the group. */
  stop(): Promise<void>;
}

/**
 * The inbound bridge: a consumer group on the client-events topic that applies each message to its
 * client's journey. Records are keyed by client id: within a partition's batch each client's records
 * are handled in offset order, different clients' side by side (at most `concurrency` records at
 * once), so one slow client does not hold up the others.
 *
 * Nothing lost: an offset is committed only once every record below it was handled — Temporal
 * accepted its event, or its dead letter was acknowledged. Nothing stuck: only Temporal or the
 * broker being away is waited out without limit; a message that fails any other way is a dead
 * letter after a few attempts, so the partition moves on. Nothing duplicated: a record read again
 * after a crash or rebalance (any after the committed offset, handled or not) carries the same event
 * id, which the client's episode recognises: applied ones are redeliveries, refused ones are refused
 * again (the episode remembers both, `pathway/dedup.ts`).
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

  const slots = new Slots(opts.concurrency);

  const handle = async (message: InboundRecord, heartbeat: () => Promise<void>, signal: AbortSignal) => {
    const { topic, partition } = message;
    const ids = { topic, partition, offset: message.offset };
    const origin: InboundOrigin = { ...ids, key: message.key, value: message.value };
    const attempt = <T>(what: string, operation: () => Promise<T>) =>
      retryUntilDone(operation, {
        signal,
        backoff,
        onFailure: async (error, attempt, failure) => {
          const cause = failure.kind === 'permanent' ? failure.code : failure.cause;
          monitor.retrying(partition, message.offset, what, cause, attempt);
          logLine('warn', `bridge: ${what} failed`, {
            ...ids,
            attempt,
            failure: failure.kind,
            cause,
            error: error instanceof Error ? error.name : 'unknown',
          });
          // A long outage must not cost the partition: the group would hand it to another member.
          await heartbeat();
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
        signal,
        backoff,
        classify: () => ({ kind: 'infrastructure-away', cause: 'kafka-unavailable' }),
        onFailure: async (error, attempt) => {
          monitor.retrying(
            partition,
            message.offset,
            'minimal dead-letter send',
            'kafka-unavailable',
            attempt,
          );
          logLine('warn', 'bridge: minimal dead-letter send failed', {
            ...ids,
            attempt,
            error: error instanceof Error ? error.name : 'unknown',
          });
          await heartbeat();
        },
      });
    };

    monitor.began(partition, message.offset);
    try {
      const { delivery, event } = await delivered();
      if (delivery.kind === 'dead-letter') {
        await sendDeadLetter(delivery);
        monitor.deadLettered(delivery.reason);
        logLine('warn', 'bridge: message dead-lettered', {
          ...ids,
          ...(event ?? {}),
          reason: delivery.reason,
        });
      } else {
        logLine('info', `bridge: event ${delivery.kind}`, { ...ids, ...(event ?? {}) });
      }
    } finally {
      monitor.finished(partition, message.offset);
    }
  };

  /**
   * One partition's batch: each client's records in order, clients side by side. Commits follow the
   * contiguous handled prefix. When the bridge stops or the group takes the partition away, records
   * not begun are left and those in hand finish (retries give up): all after the prefix are read
   * again by whoever holds the partition next.
   */
  const handleBatch = async (batch: RecordBatch) => {
    const { topic, partition } = batch;
    const abandon = new AbortController();
    const signal = AbortSignal.any([stopping.signal, abandon.signal]);
    const leaving = () => {
      if (!signal.aborted && !batch.stillHeld()) abandon.abort();
      return signal.aborted;
    };
    // The group is rebalancing: the partition may be gone, so finish what is in hand and go. A
    // heartbeat that fails otherwise (the broker away) is the next one's to make.
    const beat = () =>
      batch.heartbeat().then(
        (held) => void (held === 'rejoining' && abandon.abort()),
        () => undefined,
      );
    const handled = new HandledOffsets(batch.records.map((record) => record.offset));
    // One commit at a time, each for the prefix as it stands when it runs, so none goes backwards.
    let committing = Promise.resolve();
    const commit = () =>
      (committing = committing.then(async () => {
        const offset = handled.takeCommit();
        if (offset === undefined) return;
        batch.resolveOffset((BigInt(offset) - 1n).toString());
        // Commits are cumulative: one that fails (a rebalance, the broker away) is covered by the
        // next, or the records are read again and recognised.
        await consumer.commit([{ topic, partition, offset }]).catch((error: unknown) =>
          logLine('warn', 'bridge: offset commit failed; records after it may be read again', {
            topic,
            partition,
            offset,
            error: error instanceof Error ? error.name : 'unknown',
          }),
        );
      }));

    const chains = [...byClient(batch.records).values()].map(async (records) => {
      for (const message of records) {
        const finished = await slots.run(async () => {
          if (leaving()) return false;
          await withInboundSpan(message, message.headers, () => handle(message, beat, signal));
          return true;
        });
        if (!finished) return;
        handled.done(message.offset);
        void commit();
        await beat();
      }
    });
    const outcomes = await Promise.allSettled(chains);
    await commit();
    const defect = outcomes.find(
      (outcome): outcome is PromiseRejectedResult =>
        outcome.status === 'rejected' && !(outcome.reason instanceof BridgeStopping),
    );
    // The consumer restarts from the committed offset; the client's records after the failed one were
    // left, so none is applied out of its order.
    if (defect) throw defect.reason;
  };

  // The batch being handled, so that stopping can let it finish while commits are still accepted:
  // the consumer drops commits once it is stopping.
  let current: Promise<void> = Promise.resolve();
  await consumer.run({
    autoCommit: false,
    // One partition's batch at a time; the concurrency is among the clients within a batch.
    eachBatch: (batch) => (current = handleBatch(batch)),
  });

  return {
    inGroup: () => inGroup,
    async stop() {
      stopping.abort();
      await current.catch(() => undefined);
      await consumer.disconnect();
      await monitor.close();
    },
  };
}

/** A batch's records per record key (the client id), each client's in offset order. */
function byClient(messages: readonly InboundRecord[]): Map<string | null, InboundRecord[]> {
  const clients = new Map<string | null, InboundRecord[]>();
  for (const message of messages) {
    // Keys are compared as bytes: a key that is not the client id is dead-lettered on its own.
    const key = message.key === null ? null : message.key.toString('latin1');
    const records = clients.get(key);
    if (records) records.push(message);
    else clients.set(key, [message]);
  }
  return clients;
}
