import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Journeys } from '../client/journeys';
import { addDays } from '../pathway/time';
import type { ProgramDefinition } from '../schemas';
import { walkHappyPath, type ClientEventBody, type HappyPathJourney } from '../testkit/happy-path';
import { WorkflowJourney } from '../testkit/journey-driver';
import type { Progress } from '../testkit/lab';
import { advanceClock } from '../testkit/time-skipping';
import { ticker } from './measure';
import { forEachConcurrently } from './stats';

/**
 * One clock for many journeys on a time-skipping server, whose clock is global: it moves forward
 * only once every journey still living waits on it, to the earliest instant any of them waits for,
 * so each journey's events and timers happen in order and none is recorded after its week closed.
 */
class Lockstep {
  private waiting: { at: number; resume: () => void; fail: (error: unknown) => void }[] = [];
  private advancing = false;
  /** The instant the clock was last moved to. */
  reached: number | undefined;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    private living: number,
  ) {}

  until(instant: string): Promise<void> {
    return new Promise((resume, fail) => {
      this.waiting.push({ at: Date.parse(instant), resume, fail });
      this.step();
    });
  }

  /** A journey that has lived its span no longer holds the clock back. */
  leave(): void {
    this.living--;
    this.step();
  }

  private step(): void {
    if (this.advancing || this.waiting.length === 0 || this.waiting.length < this.living) return;
    const at = Math.min(...this.waiting.map((waiter) => waiter.at));
    this.advancing = true;
    advanceClock(this.env, new Date(at).toISOString()).then(
      () => {
        this.advancing = false;
        this.reached = at;
        const due = this.waiting.filter((waiter) => waiter.at <= at);
        this.waiting = this.waiting.filter((waiter) => waiter.at > at);
        for (const waiter of due) waiter.resume();
      },
      (error: unknown) => {
        for (const waiter of this.waiting) waiter.fail(error);
        this.waiting = [];
      },
    );
  }
}

/** Thrown to a journey's walk once it asks for an instant past its span. */
class SpanLived extends Error {}

/** A journey walked on the shared clock, up to the end of its span. */
class SpannedJourney implements HappyPathJourney {
  constructor(
    private readonly journey: WorkflowJourney,
    private readonly clock: Lockstep,
    private readonly endsAt: number,
    private readonly counted: () => void,
  ) {}

  get program(): ProgramDefinition {
    return this.journey.program;
  }

  state() {
    return this.journey.state();
  }

  async advanceTo(instant: string): Promise<void> {
    await this.reach(instant);
  }

  async recordAt(occurredAt: string, body: ClientEventBody): Promise<void> {
    await this.reach(occurredAt);
    await this.journey.recordAt(occurredAt, body);
    this.counted();
  }

  async approve(proposalId: string): Promise<void> {
    await this.journey.approve(proposalId);
    this.counted();
  }

  private async reach(instant: string): Promise<void> {
    if (Date.parse(instant) > this.endsAt) throw new SpanLived();
    await this.clock.until(instant);
  }
}

/** A journey given its months of history: its client and its first run (continue-as-new follows it). */
export interface LivedJourney {
  clientId: string;
  workflowId: string;
  firstRunId: string;
}

/**
 * Admits `count` clients at once and lives their journeys for `months` (30-day months) as the
 * program's happy path goes — every session of each week at the level's target hours, milestones,
 * approved step-downs — with the workflow's own timers (weekly reviews, minimum stays) firing as
 * the shared clock passes them, then moves the clock to the span's end. A journey whose path ends
 * sooner is discharged, as a real one would be.
 */
export async function liveJourneys(
  env: TestWorkflowEnvironment,
  /** Through which client (so on which task queue) journey `i` is admitted. */
  journeys: (i: number) => Journeys,
  program: ProgramDefinition,
  opts: { count: number; months: number },
  progress: Progress,
): Promise<{ lived: LivedJourney[]; inputs: number; endsAt: string }> {
  const admittedAt = new Date(await env.currentTimeMs()).toISOString();
  const endsAt = addDays(admittedAt, opts.months * 30);
  const clock = new Lockstep(env, opts.count);
  let inputs = 0;
  const lived: LivedJourney[] = [];
  let admitted = 0;
  const tick = ticker(
    progress,
    () =>
      `${admitted}/${opts.count} admitted, ${inputs} inputs recorded, simulated day ${Math.floor(
        ((clock.reached ?? Date.parse(admittedAt)) - Date.parse(admittedAt)) / 86_400_000,
      )} of ${opts.months * 30}`,
    5000,
  );
  try {
    // Every journey walks at once: the clock waits for all of them.
    await forEachConcurrently(
      Array.from({ length: opts.count }, (_, i) => i),
      opts.count,
      async (i) => {
        const journey = new WorkflowJourney(env, journeys(i), program);
        try {
          await journey.admit(undefined, {}, admittedAt);
          inputs++;
          admitted++;
          const { workflowId, runId } = await journey.handle().describe();
          lived[i] = { clientId: journey.clientId, workflowId, firstRunId: runId };
          await walkHappyPath(new SpannedJourney(journey, clock, Date.parse(endsAt), () => inputs++));
        } catch (error) {
          if (!(error instanceof SpanLived)) throw error;
        } finally {
          clock.leave();
        }
      },
    );
    await advanceClock(env, endsAt);
    return { lived, inputs, endsAt };
  } finally {
    tick.stop();
  }
}
