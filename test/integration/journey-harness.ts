import { shippedPrograms } from '../../programs';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { EffectBatch, EffectPublisher, EffectStream, OutboxChunk } from '../../activities/effects';
import type { OutboxItem } from '../../schemas/outbox';
import { Journeys } from '../../client/journeys';
import type { Effect } from '../../schemas';
import type { JourneySettings } from '../../schemas/journey';
import { createJourneyWorker } from '../../workers/journey-worker';
import { testStack } from '../stack/test-stack';
import { testDataConverter, timeSkippingEnvironment } from '../stack/environments';

export const historyFixturesDir = join(__dirname, '..', 'fixtures', 'histories');

/**
 * With CAREPATH_RECORD_HISTORIES=1 (`npm run fixtures:histories`), saves a run's history as a replay
 * fixture (binary protobuf, as the server stores it): test/integration/journey-replay.test.ts replays
 * every fixture in every run, so a workflow change that would break running journeys fails CI.
 */
export async function saveHistoryFixture(
  handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> },
  name: string,
): Promise<void> {
  if (!process.env.CAREPATH_RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  mkdirSync(historyFixturesDir, { recursive: true });
  writeFileSync(
    join(historyFixturesDir, `${name}.history`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
  process.stderr.write(`[fixtures] ${name}: ${history.events?.length ?? 0} history events\n`);
}

/** Records what the workflow's activities were asked to publish: the collaborator these tests fake. */
export class RecordingPublisher implements EffectPublisher {
  readonly sent: (EffectBatch & { stream: EffectStream })[] = [];
  /** Outbox items other than effects: parked effects and inbound dead letters. */
  readonly deadLetters: (OutboxItem & { clientId: string })[] = [];
  async publish(stream: EffectStream, batch: EffectBatch) {
    this.sent.push({ stream, ...batch });
  }
  async sendOutbox({ items, stream, ...batch }: OutboxChunk) {
    const effects = items.flatMap((item) => (item.kind === 'effect' ? [item.effect] : []));
    if (effects.length > 0 && stream !== 'client-events-dlq' && stream !== 'effects-dlq')
      this.sent.push({ stream, ...batch, effects });
    for (const item of items)
      if (item.kind !== 'effect') this.deadLetters.push({ ...item, clientId: batch.clientId });
  }
  effectsOf(clientId: string): Effect[] {
    return this.sent.filter((b) => b.clientId === clientId).flatMap((b) => b.effects);
  }

  /** The client's effects once `ready` holds: activities deliver after the workflow has answered. */
  async effectsWhen(
    clientId: string,
    ready: (effects: Effect[]) => boolean,
    timeoutMs = 10000,
  ): Promise<Effect[]> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.effectsOf(clientId)) && Date.now() < deadline) await sleep(50);
    return this.effectsOf(clientId);
  }
}

/**
 * A running journey worker on a task queue of its own, with the run's shared bundle and a
 * recording publisher in place of Kafka.
 */
export async function runJourneyWorker(connection: NativeConnection, name: string) {
  const publisher = new RecordingPublisher();
  const taskQueue = `${name}-${randomUUID()}`;
  const worker = await createJourneyWorker({
    connection,
    namespace: 'default',
    taskQueue,
    publisher,
    workflowBundle: { codePath: testStack().bundlePath },
    dataConverter: testDataConverter,
  });
  return { worker, running: worker.run(), publisher, taskQueue };
}

/** A time-skipping server and a journey worker of the test file's own. */
export async function journeyHarness(settings: Partial<JourneySettings> = {}) {
  const env = await timeSkippingEnvironment();
  const { worker, running, publisher, taskQueue } = await runJourneyWorker(env.nativeConnection, 'journeys');
  return {
    env,
    publisher,
    journeys: new Journeys(env.client, taskQueue, shippedPrograms, settings),
    taskQueue,
    async close(w: Worker = worker) {
      w.shutdown();
      await running;
      await env.teardown();
    },
  };
}
