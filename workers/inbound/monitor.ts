import type { KafkaAdmin } from '../../activities/kafka/admin';
import { Counter, Gauge, Registry } from 'prom-client';
import type { DeadLetterReason } from '../../schemas/contract';

/** The bridge's health as /healthz reports it: identifiers and counts only. */
export interface BridgeHealth {
  ok: boolean;
  detail?: string;
}

interface InHand {
  partition: number;
  offset: string;
  sinceMs: number;
  /** What is being retried and why, while it is. */
  retrying?: { what: string; cause: string; attempt: number };
}

/**
 * What the bridge is doing, for /healthz and Prometheus: the messages in hand on each partition and
 * since when, retries, dead letters by reason, and the consumer group's lag. Labels are topics,
 * partitions, reasons and causes, never client ids.
 */
export class BridgeMonitor {
  readonly registry = new Registry();
  /** By partition and offset: a partition has a record in hand per client being handled. */
  private readonly inHand = new Map<string, InHand>();
  private readonly retries = new Counter({
    name: 'carepath_bridge_retries_total',
    help: 'Failed attempts at an inbound message that were retried, by what failed and why',
    labelNames: ['what', 'cause'] as const,
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'carepath_bridge_dead_letters_total',
    help: 'Inbound messages set aside on the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly opts: {
      stallMs: number;
      now?: () => number;
      /** Where the lag comes from: the client-events topic's high watermarks and the group's commits. */
      lag?: { admin: KafkaAdmin; topic: string; groupId: string };
    },
  ) {
    const lag = opts.lag;
    if (!lag) return;
    let connected = false;
    new Gauge({
      name: 'carepath_bridge_consumer_lag',
      help: 'Inbound messages not yet handled, per partition: high watermark minus the committed offset',
      labelNames: ['topic', 'partition'] as const,
      registers: [this.registry],
      async collect() {
        try {
          if (!connected) {
            await lag.admin.connect();
            connected = true;
          }
          const [ends, committed] = await Promise.all([
            lag.admin.partitionBounds(lag.topic),
            lag.admin.committedOffsets(lag.groupId, lag.topic),
          ]);
          for (const { partition, high, low } of ends) {
            const at = committed.find((p) => p.partition === partition)?.offset ?? '-1';
            // Nothing committed yet: everything still in the partition is waiting.
            const from = BigInt(at) < 0n ? BigInt(low) : BigInt(at);
            this.set({ topic: lag.topic, partition: String(partition) }, Number(BigInt(high) - from));
          }
        } catch {
          // The broker is away: the scrape shows the last known lag, and /healthz says why.
          connected = false;
          await lag.admin.disconnect().catch(() => undefined);
        }
      },
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  began(partition: number, offset: string): void {
    this.inHand.set(`${partition}/${offset}`, { partition, offset, sinceMs: this.now() });
  }

  retrying(partition: number, offset: string, what: string, cause: string, attempt: number): void {
    this.retries.inc({ what, cause });
    const hand = this.inHand.get(`${partition}/${offset}`);
    if (hand) hand.retrying = { what, cause, attempt };
  }

  deadLettered(reason: DeadLetterReason): void {
    this.deadLetters.inc({ reason });
  }

  finished(partition: number, offset: string): void {
    this.inHand.delete(`${partition}/${offset}`);
  }

  /** Degraded while a message is retried or has been in hand longer than the stall threshold. */
  health(): BridgeHealth {
    const now = this.now();
    const problems = [...this.inHand.values()]
      .filter((hand) => hand.retrying || now - hand.sinceMs > this.opts.stallMs)
      .map(({ partition, ...hand }) => {
        const held = `partition ${partition} offset ${hand.offset} in hand for ${Math.round((now - hand.sinceMs) / 1000)} s`;
        return hand.retrying
          ? `${held}, retrying ${hand.retrying.what} (${hand.retrying.cause}, attempt ${hand.retrying.attempt})`
          : held;
      });
    return problems.length === 0 ? { ok: true } : { ok: false, detail: problems.join('; ') };
  }

  async close(): Promise<void> {
    await this.opts.lag?.admin.disconnect().catch(() => undefined);
  }
}
