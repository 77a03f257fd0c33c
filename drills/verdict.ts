import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterOf, outboundTopics, Tap } from '../testkit/tap';
import { UnknownClient } from '../client/errors';
import type { Journeys } from '../client/journeys';
import type { ClientEvent, EpisodeState } from '../schemas';
import { journeySettingsSchema, type JourneySettings } from '../schemas/journey';
import { carepathTopics, type DeadLetterReason } from '../schemas/contract';
import { episodeWorkflowId } from '../workflows/definitions';
import { integrationActor } from '../workers/inbound/identity';
import type { Harness, InboundMarks } from './harness';
import type { DrillCounts, DrillResult, Progress } from './report';
import { appliedEventIds } from '../pathway/dedup';
import { expectedOutcome, stateDifferences } from './scenario';

export interface DrillRun {
  name: string;
  /** Every client id and every published effect id of the drill starts with it. */
  prefix: string;
  /** What the drill did, for the report. */
  did: string[];
  started: number;
  /** The valid events, in the order their first copy was sent. */
  delivered: readonly ClientEvent[];
  /** Inbound records produced, all kinds. */
  sent: number;
  /** Where the inbound topic ended before the drill sent anything: later dead letters are the drill's. */
  marks: InboundMarks;
  expectedDeadLetters?: Partial<Record<DeadLetterReason, number>>;
  /** Bad messages put into a valid client's stream, by client: inputs its journey receives besides its events. */
  inserted?: ReadonlyMap<string, number>;
  /** How long to wait for carepath to finish after the last message was sent. */
  settleSeconds: number;
}

/** How many of `items` to run at once against Temporal, so the verdict does not load the lab itself. */
const concurrency = 8;

async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const failures: unknown[] = [];
  // A failure stops new work but lets the calls under way finish: none may outlive the connection.
  const lane = async () => {
    for (let i = next++; i < items.length && failures.length === 0; i = next++) {
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (failures.length > 0) throw failures[0];
  return results;
}

const histogram = (reasons: readonly string[]) => {
  const counts: Record<string, number> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
};

const sortedJson = (counts: Record<string, number | undefined>) =>
  JSON.stringify(Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))));

/** How many distinct events the journeys have applied so far (a journey not yet started counts none). */
async function appliedSoFar(journeys: Journeys, clientIds: readonly string[]): Promise<number> {
  const states = await mapLimited(clientIds, (clientId) => journeys.state(clientId).catch(() => undefined));
  return states.reduce((n, state) => n + new Set(state && appliedEventIds(state)).size, 0);
}

/**
 * The journey's state, or undefined when it was never started. A busy worker can let a query time
 * out: that is retried, so the verdict rests on the journey's state, not on the lab's load.
 */
async function finalState(journeys: Journeys, clientId: string): Promise<EpisodeState | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await journeys.state(clientId);
    } catch (error) {
      if (error instanceof UnknownClient) return undefined;
      if (attempt >= 5) throw error;
      await sleep(2000 * attempt);
    }
  }
}

/** The engine settings carepath's services start journeys with. */
export const serviceJourneySettings = journeySettingsSchema.parse({});

/**
 * The most history events one run of a journey may hold, from the journey settings: its start and
 * first workflow task (4) and its close (1); per input (a signal, at most `continueAsNewAfter` before
 * it continues as new) a signal event, a workflow task (3), a send marker per outbox stream (5) and a
 * wake-up timer (1); per failed send round (at most `failedSendRoundsBeforeContinueAsNew` before it
 * continues as new) a marker per stream (5), the workflow tasks that keep a slow send alive (3 × 3),
 * the pause's timer (2) and the task it wakes (3) — 10 per input, 20 per failed round.
 */
export function journeyHistoryBound(
  inputs: number,
  settings: JourneySettings = serviceJourneySettings,
): number {
  return (
    4 +
    1 +
    10 * Math.min(inputs, settings.continueAsNewAfter) +
    20 * settings.failedSendRoundsBeforeContinueAsNew
  );
}

/** What describing a journey tells about its health: how long its history is, and whether it is stuck. */
interface JourneyHealth {
  historyLength: number;
  /** Its latest run continued an earlier one (after so many inputs or failed send rounds). */
  continued: boolean;
  /** Sends of its latest run that failed (a local activity's marker with a failure): Kafka was away. */
  failedSends: number;
  /** It failed or was ended, or a workflow task of it failed more than once in a row. */
  frozen: boolean;
}

const healthyStatuses = new Set(['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW']);

/** How long the bridge may take to commit what it has handled, once everything else is done. */
const commitGraceMs = 30_000;

/**
 * Waits until carepath has finished the drill's traffic, then judges it by independent witnesses:
 * a fresh outbound tap (every outbound id, from the beginning of the topics), the dead-letter topic,
 * the bridge's committed offsets and each journey's state read from Temporal. Passes only with
 * nothing missing, nothing unexpected (an event applied twice would publish effect ids the
 * scenario has not), every journey in the state the core decides, and exactly the dead letters due.
 */
export async function judge(harness: Harness, run: DrillRun, progress: Progress): Promise<DrillResult> {
  const expected = expectedOutcome(run.delivered, integrationActor(harness.config.inbound.integrationId));
  const clientIds = [...expected.states.keys()];
  const ownKey = ` ep-${run.prefix}-`;
  const expectedDeadLetters = Object.values(run.expectedDeadLetters ?? {}).reduce((a, b) => a + (b ?? 0), 0);
  const problems: string[] = [];
  const did = [...run.did];
  const { client, journeys } = await harness.journeys();
  const tap = await Tap.start(harness.kafka, [...outboundTopics(), carepathTopics['client-events-dlq']]);
  try {
    const published = () =>
      new Map([...tap.timesRead(outboundTopics())].filter(([key]) => key.includes(ownKey)));
    // The drill's dead letters: the bridge's of messages sent after the drill's marks, and those the
    // drill's journeys wrote. Several records of one message (a send repeated) count once.
    const ownJourney = episodeWorkflowId(`${run.prefix}-`);
    const deadLetters = () =>
      new Map(
        tap
          .of(carepathTopics['client-events-dlq'])
          .map(deadLetterOf)
          .filter(({ of, journey }) => {
            if (journey !== undefined) return journey.startsWith(ownJourney);
            const [partition, offset] = of.split(':');
            return (
              /^\d+$/.test(offset ?? '') && BigInt(offset ?? '0') >= (run.marks.get(Number(partition)) ?? 0n)
            );
          })
          .map(({ of, reason }) => [of, reason]),
      );
    // Effects leave through local activities inside workflow tasks (or activities, for histories from
    // before): a task a killed worker held is retried after its timeout and may publish again.
    const workInFlight = async () =>
      (
        await mapLimited(clientIds, async (clientId) => {
          const { raw } = await client.workflow.getHandle(episodeWorkflowId(clientId)).describe();
          return (raw.pendingActivities?.length ?? 0) + (raw.pendingWorkflowTask ? 1 : 0);
        })
      ).reduce((a, b) => a + b, 0);

    // Done when every expected event is out, every dead letter is in, every journey has applied all
    // its events, no task is still in flight, and then nothing more arrives for a moment.
    const deadline = Date.now() + run.settleSeconds * 1000;
    let reported = 0;
    for (;;) {
      const seen = published();
      const missing = [...expected.outbound].filter((key) => !seen.has(key)).length;
      const lettered = deadLetters().size;
      const waitingFor = [
        ...(missing > 0 ? [`${missing} expected events`] : []),
        ...(lettered < expectedDeadLetters ? [`${expectedDeadLetters - lettered} dead letters`] : []),
      ];
      // The costlier checks ask Temporal, once the cheap ones are met.
      if (waitingFor.length === 0) {
        const applied = await appliedSoFar(journeys, clientIds);
        if (applied < expected.applied) waitingFor.push(`${expected.applied - applied} events to be applied`);
      }
      if (waitingFor.length === 0) {
        const pending = await workInFlight().catch(() => -1);
        if (pending !== 0) waitingFor.push(`${pending} workflow or activity tasks in flight`);
      }
      if (waitingFor.length === 0) {
        const before = tap.records.length;
        await sleep(2000);
        if (tap.records.length === before) break;
        continue;
      }
      if (Date.now() > deadline) {
        problems.push(`gave up after ${run.settleSeconds} s waiting for ${waitingFor.join(', ')}`);
        break;
      }
      if (Date.now() - reported >= 5000) {
        reported = Date.now();
        progress('waiting for carepath to finish', {
          published: seen.size,
          expected: expected.outbound.size,
          deadLettered: lettered,
          bridgeLag: await harness.bridgeLag().catch(() => -1),
        });
      }
      await sleep(500);
    }
    // Uncommitted messages are read again after a restart and must be recognised then: not a failure,
    // but worth saying. Waiting for the commits also lets a late redelivery show up in the counts.
    let lag = await harness.bridgeLag().catch(() => -1);
    for (const until = Date.now() + commitGraceMs; lag !== 0 && Date.now() < until;) {
      await sleep(1000);
      lag = await harness.bridgeLag().catch(() => -1);
    }
    if (lag !== 0) did.push(`note: the bridge had not committed ${lag} handled inbound messages at the end`);

    const seen = published();
    const missing = [...expected.outbound].filter((key) => !seen.has(key));
    const unexpected = [...seen.keys()].filter((key) => !expected.outbound.has(key));
    // A journey that was never started (its admission lost) counts as a state mismatch, applied nothing;
    // one that does not answer its query at all is frozen.
    const states = await mapLimited(clientIds, (clientId) =>
      finalState(journeys, clientId).catch(() => 'no answer' as const),
    );
    const health = await mapLimited(clientIds, async (clientId): Promise<JourneyHealth | undefined> => {
      const handle = client.workflow.getHandle(episodeWorkflowId(clientId));
      const description = await handle.describe().catch(() => undefined);
      if (!description) return undefined;
      const history = await handle.fetchHistory();
      return {
        historyLength: description.historyLength,
        continued:
          (description.raw.workflowExecutionInfo?.firstRunId ?? description.runId) !== description.runId,
        failedSends: (history.events ?? []).filter((event) => event.markerRecordedEventAttributes?.failure)
          .length,
        frozen:
          !healthyStatuses.has(description.status.name) ||
          (description.raw.pendingWorkflowTask?.attempt ?? 0) > 1,
      };
    });
    const inputsOf = new Map<string, number>(run.inserted);
    for (const event of run.delivered) inputsOf.set(event.clientId, (inputsOf.get(event.clientId) ?? 0) + 1);
    let longestHistory = 0;
    let historyBound = 0;
    const overBound: string[] = [];
    const frozen: string[] = [];
    let applied = 0;
    let appliedTwice = 0;
    const mismatches: string[] = [];
    states.forEach((state, i) => {
      const clientId = clientIds[i] ?? '';
      const wanted = expected.states.get(clientId);
      const bound = journeyHistoryBound(inputsOf.get(clientId) ?? 0);
      const described = health[i];
      historyBound = Math.max(historyBound, bound);
      longestHistory = Math.max(longestHistory, described?.historyLength ?? 0);
      if (described && described.historyLength > bound)
        overBound.push(`${clientId} (${described.historyLength} > ${bound})`);
      if (state === 'no answer' || described?.frozen) {
        frozen.push(clientId);
        return;
      }
      if (!state || !wanted) {
        mismatches.push(`${clientId} (no journey)`);
        return;
      }
      const ids = appliedEventIds(state);
      applied += new Set(ids).size;
      appliedTwice += ids.length - new Set(ids).size;
      const differences = stateDifferences(wanted, state);
      if (differences.length > 0) mismatches.push(`${clientId} (${differences.join(', ')})`);
    });
    const letters = deadLetters();
    const ends = await harness.inboundMarks();
    const produced = [...ends].reduce(
      (n, [partition, end]) => n + Number(end - (run.marks.get(partition) ?? 0n)),
      0,
    );
    const copies = run.delivered.length - new Set(run.delivered.map((event) => event.eventId)).size;
    const redeliveries = produced - (run.sent - copies);
    const counts: DrillCounts = {
      sent: run.sent,
      applied,
      expectedApplied: expected.applied,
      published: seen.size,
      expectedPublished: expected.outbound.size,
      duplicates: [...seen.values()].filter((times) => times > 1).length,
      missing: missing.length,
      unexpected: unexpected.length,
      deadLettered: letters.size,
      expectedDeadLetters,
      stateMismatches: mismatches.length,
      produced,
      redeliveries,
      longestHistory,
      historyBound,
      frozen: frozen.length,
    };
    const failing = health.filter((h) => (h?.failedSends ?? 0) > 0);
    did.push(
      `${failing.length} journeys kept effects unsent after failed sends in their latest run ` +
        `(${failing.reduce((n, h) => n + (h?.failedSends ?? 0), 0)} failed sends); ` +
        `${health.filter((h) => h?.continued).length} continued as new`,
      `every inbound record accounted for: produced ${produced} = applied ${applied} + identical ` +
        `redeliveries ${redeliveries} + dead-lettered ${letters.size}`,
      `longest journey history ${longestHistory} events; bound ${historyBound} (5 + 10 per input, inputs ` +
        `capped at continueAsNewAfter ${serviceJourneySettings.continueAsNewAfter}, + 20 per failed send round, ` +
        `at most failedSendRoundsBeforeContinueAsNew ${serviceJourneySettings.failedSendRoundsBeforeContinueAsNew})`,
    );

    if (missing.length > 0) problems.push(`missing outbound events, e.g. ${missing.slice(0, 3).join(', ')}`);
    if (unexpected.length > 0)
      problems.push(`outbound events no scenario event produces, e.g. ${unexpected.slice(0, 3).join(', ')}`);
    if (applied !== expected.applied || appliedTwice > 0)
      problems.push(
        `journeys applied ${applied} events (${appliedTwice} twice); expected ${expected.applied}`,
      );
    if (mismatches.length > 0)
      problems.push(
        `${mismatches.length} journeys' states differ from what the core decides for their events, ` +
          `e.g. ${mismatches.slice(0, 3).join('; ')}`,
      );
    if (produced !== applied + redeliveries + letters.size)
      problems.push(
        `inbound records do not add up: produced ${produced} ≠ applied ${applied} + identical redeliveries ` +
          `${redeliveries} + dead-lettered ${letters.size}`,
      );
    if (overBound.length > 0)
      problems.push(
        `${overBound.length} journeys' histories exceed their bound, e.g. ${overBound.slice(0, 3).join('; ')}`,
      );
    if (frozen.length > 0)
      problems.push(
        `${frozen.length} journeys are frozen (no answer to a query, failed, or a workflow task failing ` +
          `again and again), e.g. ${frozen.slice(0, 3).join(', ')}`,
      );
    const reasons = sortedJson(histogram([...letters.values()]));
    const wantedReasons = sortedJson(run.expectedDeadLetters ?? {});
    if (reasons !== wantedReasons)
      problems.push(`dead letters by reason ${reasons}; expected ${wantedReasons}`);
    if (Date.now() >= expected.earliestTimer)
      problems.push('a journey timer fell due during the run, which the expected events do not include');
    return {
      name: run.name,
      did,
      counts,
      problems,
      passed: problems.length === 0,
      seconds: (Date.now() - run.started) / 1000,
    };
  } finally {
    await tap.stop();
  }
}
