import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  log,
  metricMeter,
  proxyLocalActivities,
  sleep,
  workflowInfo,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { ChunkReport, EffectActivities, OutboxChunk, Unsendable } from '../activities/effects';
import type { Effect } from '../schemas';
import { isOutboundStream } from '../schemas/contract/topics';
import type { OutboxItem, UnsentOutbox } from '../schemas/outbox';
import { outboxSettingsDefaults } from '../schemas/engine-defaults';
import type { JourneySettings } from '../schemas/journey';
import { outboxStreamOf, outboxSummary, routeOutbox } from './effect-routing';
import { isCurrentCode } from './patches';

/**
 * A send is tried twice in the worker (the second after a workflow timer, so the workflow task
 * completes and updates are answered meanwhile); then the round has failed and the outbox waits a
 * pause that grows with each failed round, on a workflow timer.
 */
const sendOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 2,
  },
  localRetryThreshold: '1 second',
};
const { sendOutbox, sendOutboxRound } = proxyLocalActivities<EffectActivities>(sendOptions);

export type OutboxSettings = Pick<JourneySettings, keyof typeof outboxSettingsDefaults>;

/** The outbox settings of a journey, the defaults for any its (older) input does not carry. */
export const outboxSettingsOf = (settings: Partial<OutboxSettings>): OutboxSettings => ({
  ...outboxSettingsDefaults,
  ...settings,
});

/** Who the outbox sends for, and the billing codes of the program version its episode runs under. */
export type OutboxIdentity = Omit<OutboxChunk, 'stream' | 'items'>;

/** The items a send reported as never sendable, when that is why it failed. */
function unsendableOf(error: unknown): Unsendable[] | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure) || cause.type !== 'OutboxItemsUnsendable') return undefined;
  const details = cause.details?.[0] as { unsendable?: Unsendable[] } | undefined;
  return details?.unsendable ?? [];
}

/**
 * A journey's outbox: what its decisions asked to publish, and the dead letters it writes, sent in
 * bounded chunks per stream, in order. A transient failure keeps the rest of that stream for the
 * next round; an item that can never be sent is parked on the outbound dead-letter topic and the
 * stream goes on.
 */
export class Outbox {
  private items: OutboxItem[];
  /** Consecutive failed rounds: the pause before the next round grows with it. */
  failedRounds: number;

  /**
   * `oneSendPerRound`: a round sends a chunk of every stream in one local activity (one marker in
   * history however many streams it touches); runs recorded before send one per stream and chunk.
   */
  constructor(
    unsent: UnsentOutbox | undefined,
    private readonly settings: OutboxSettings,
    private readonly identity: () => OutboxIdentity,
    private readonly oneSendPerRound: boolean,
  ) {
    this.items = unsent ? [...unsent.items] : [];
    this.failedRounds = unsent?.failedRounds ?? 0;
  }

  get pending(): boolean {
    return this.items.length > 0;
  }

  /** Queues a decision's effects; timer effects stay in the workflow. */
  add(effects: readonly Effect[]): void {
    for (const effect of effects) {
      const item: OutboxItem = { kind: 'effect', effect };
      if (outboxStreamOf(item)) this.items.push(item);
    }
  }

  deadLetter(item: Extract<OutboxItem, { kind: 'inbound-dead-letter' }>): void {
    this.items.push(item);
  }

  /** Everything queued, taken out (for journeys replaying the send path recorded before the outbox). */
  takeEffects(): Effect[] {
    return this.items.splice(0).flatMap((item) => (item.kind === 'effect' ? [item.effect] : []));
  }

  unsent(): UnsentOutbox {
    return { items: [...this.items], failedRounds: this.failedRounds };
  }

  /** The pause after the latest failed round: doubling from the first, up to the maximum. */
  retryDelayMs(): number {
    const { sendRetryFirstSeconds: first, sendRetryMaxSeconds: max } = this.settings;
    return Math.min(first * 2 ** Math.max(0, this.failedRounds - 1), max) * 1000;
  }

  /** True when the latest failures call for a continue-as-new to keep history bounded. */
  dueForContinueAsNew(): boolean {
    return (
      (this.failedRounds > 0 &&
        this.failedRounds % this.settings.failedSendRoundsBeforeContinueAsNew === 0) ||
      workflowInfo().continueAsNewSuggested
    );
  }

  /** One round: tries to send everything queued. `failed` when a transient failure left items unsent. */
  deliver(): Promise<'progress' | 'failed'> {
    return this.oneSendPerRound ? this.deliverTogether() : this.deliverPerStream();
  }

  /** Every stream's next chunk in one send, until each stream is sent or has failed. */
  private async deliverTogether(): Promise<'progress' | 'failed'> {
    const taken = [...routeOutbox(this.items.splice(0))].map(([stream, items]) => ({
      stream,
      items,
      sent: 0,
    }));
    const unsent: OutboxItem[] = [];
    const parked: OutboxItem[] = [];
    const { maxItemsPerSend } = this.settings;
    for (;;) {
      const open = taken.filter((stream) => stream.sent < stream.items.length);
      if (open.length === 0) break;
      const chunks = open.map(({ stream, items, sent }) => ({
        stream,
        items: items.slice(sent, sent + maxItemsPerSend),
      }));
      let reports: ChunkReport[];
      try {
        reports = await sendOutboxRound.executeWithOptions(
          { ...sendOptions, summary: chunks.map((c) => outboxSummary(c.stream, c.items)).join('; ') },
          [{ ...this.identity(), chunks }],
        );
      } catch {
        reports = chunks.map(({ stream }) => ({ stream, outcome: 'failed' }));
      }
      reports.forEach((report, i) => {
        const stream = open[i]!;
        const chunk = chunks[i]!;
        if (report.outcome === 'failed') {
          this.warnFailed(stream.stream, stream.items.length - stream.sent);
          unsent.push(...stream.items.slice(stream.sent));
          stream.sent = stream.items.length;
          return;
        }
        if (report.outcome === 'unsendable')
          parked.push(...this.park({ ...this.identity(), ...chunk }, report.unsendable));
        stream.sent += chunk.items.length;
      });
    }
    return this.endRound(unsent, parked);
  }

  private warnFailed(stream: string, items: number): void {
    log.warn('outbox send failed; retrying after a pause', {
      episodeId: this.identity().episodeId,
      stream,
      items,
      failedRounds: this.failedRounds + 1,
    });
  }

  /** Puts back what a round did not send, ahead of what was queued meanwhile, and counts a failed round. */
  private endRound(unsent: OutboxItem[], parked: OutboxItem[]): 'progress' | 'failed' {
    this.items = [...unsent, ...parked, ...this.items];
    if (unsent.length > 0) {
      this.failedRounds += 1;
      return 'failed';
    }
    this.failedRounds = 0;
    return 'progress';
  }

  /** Each stream's chunks in a local activity of their own (journeys recorded before one send per round). */
  private async deliverPerStream(): Promise<'progress' | 'failed'> {
    const taken = this.items.splice(0);
    const unsent: OutboxItem[] = [];
    const parked: OutboxItem[] = [];
    const { maxItemsPerSend } = this.settings;
    await Promise.all(
      [...routeOutbox(taken)].map(async ([stream, items]) => {
        for (let start = 0; start < items.length; start += maxItemsPerSend) {
          const chunk: OutboxChunk = {
            ...this.identity(),
            stream,
            items: items.slice(start, start + maxItemsPerSend),
          };
          try {
            await sendOutbox.executeWithOptions(
              { ...sendOptions, summary: outboxSummary(stream, chunk.items) },
              [chunk],
            );
          } catch (error) {
            const unsendable = unsendableOf(error);
            if (!unsendable) {
              this.warnFailed(stream, items.length - start);
              unsent.push(...items.slice(start));
              return;
            }
            parked.push(...this.park(chunk, unsendable));
          }
        }
      }),
    );
    return this.endRound(unsent, parked);
  }

  /** The parked form of each unsendable effect; a dead letter that cannot be sent is only counted. */
  private park(chunk: OutboxChunk, unsendable: readonly Unsendable[]): OutboxItem[] {
    const byIndex = new Map(unsendable.map((u) => [u.index, u]));
    const parked: OutboxItem[] = [];
    for (const [index, { reason, detail }] of byIndex) {
      const item = chunk.items[index];
      if (!item) continue;
      if (item.kind === 'effect' && isOutboundStream(chunk.stream)) {
        parked.push({ kind: 'parked', effect: item.effect, stream: chunk.stream, reason, detail });
        log.warn('effect parked on the outbound dead-letter topic', {
          episodeId: chunk.episodeId,
          effectId: item.effect.effectId,
          stream: chunk.stream,
          reason,
        });
        metricMeter
          .createCounter('carepath_effects_parked', 'effects', 'Effects parked as never sendable')
          .add(1, { stream: chunk.stream, reason });
      } else {
        log.error('dead letter refused by the broker; it is not sent', {
          episodeId: chunk.episodeId,
          stream: chunk.stream,
          reason,
        });
        metricMeter
          .createCounter('carepath_dead_letters_refused', 'records', 'Dead letters the broker refused')
          .add(1, { stream: chunk.stream, reason });
      }
    }
    return parked;
  }
}

/** What a discharged episode hands over when its last effects could not be sent yet. */
export interface OutboxWorkflowInput {
  identity: OutboxIdentity;
  unsent: UnsentOutbox;
  settings: OutboxSettings;
}

export const outboxWorkflowId = (episodeId: string): string => `outbox-${episodeId}`;

/**
 * Sends a discharged episode's remaining effects, however long Kafka is away, so the episode itself
 * can close and the client be readmitted. Continues as new like a journey to keep history bounded.
 */
export async function outboxWorkflow(input: OutboxWorkflowInput): Promise<void> {
  const outbox = new Outbox(
    input.unsent,
    outboxSettingsOf(input.settings),
    () => input.identity,
    isCurrentCode(),
  );
  while (outbox.pending) {
    if ((await outbox.deliver()) !== 'failed') continue;
    if (outbox.dueForContinueAsNew())
      return await continueAsNew<typeof outboxWorkflow>({ ...input, unsent: outbox.unsent() });
    await sleep(outbox.retryDelayMs(), {
      summary: `outbox retry after ${outbox.failedRounds} failed round(s)`,
    });
  }
}
