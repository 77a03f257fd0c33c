import type { ClientEvent, EpisodeState, LevelOfCare, ProgramDefinition } from '../schemas';
import { levelPlan } from '../pathway/plan';
import { addDays } from '../pathway/time';

/**
 * The happy path of a program, walked on any journey that can move time forward and record events:
 * the reference-program tests walk it through the workflow and the HTTP API, the long-journey
 * benchmark through the workflow on the time-skipping server.
 */

/** A client event without its identity: what a caller records, through whichever door. */
export type ClientEventBody = ClientEvent extends infer E
  ? E extends ClientEvent
    ? Omit<E, 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'>
    : never
  : never;

/**
 * What walking a program's happy path needs from a journey, whether it is driven through the
 * Temporal client or through the HTTP API.
 */
export interface HappyPathJourney {
  readonly program: ProgramDefinition;
  advanceTo(instant: string): Promise<void>;
  state(): Promise<Pick<EpisodeState, 'status' | 'level' | 'levelSince' | 'riskFlags' | 'pendingProposals'>>;
  recordAt(occurredAt: string, body: ClientEventBody): Promise<void>;
  approve(proposalId: string): Promise<void>;
}

/**
 * Completes the current level as its plan asks: the weekly hours attended for the minimum stay,
 * every milestone met, and the step-down approved when the program proposes it.
 */
async function completeLevel(journey: HappyPathJourney): Promise<void> {
  const state = await journey.state();
  const plan = levelPlan(journey.program, state.level);
  const since = state.levelSince;
  if (plan.weeklyHours) {
    const sessions = Math.max(1, plan.sessionsPerWeek?.min ?? 1);
    for (let week = 0; week < Math.ceil(plan.lengthOfStayDays.min / 7); week++)
      for (let session = 0; session < sessions; session++) {
        const at = addDays(since, week * 7 + session + 0.25);
        await journey.recordAt(at, {
          type: 'session-attended',
          sessionId: `session-${Date.parse(at)}`,
          kind: 'group',
          hours: plan.weeklyHours.target / sessions,
        });
      }
  }
  const milestonesAt = addDays(since, 1);
  if (state.riskFlags.includes('withdrawal-risk'))
    await journey.recordAt(milestonesAt, {
      type: 'assessment-completed',
      recommendedLevel: state.level,
      withdrawalRisk: false,
    });
  for (const { milestoneId } of plan.milestones)
    await journey.recordAt(milestonesAt, { type: 'milestone-completed', milestoneId });
  await journey.advanceTo(addDays(since, plan.lengthOfStayDays.min + 0.1));
  for (const proposal of (await journey.state()).pendingProposals) await journey.approve(proposal.proposalId);
}

/** Check-ins through aftercare at the program's interval, then the completion timer. */
async function completeAftercare(journey: HappyPathJourney): Promise<void> {
  const aftercare = journey.program.aftercare;
  if (!aftercare) throw new Error(`program ${journey.program.programId} has no aftercare`);
  const since = (await journey.state()).levelSince;
  for (let day = 1; day < aftercare.durationDays; day += aftercare.checkInIntervalDays)
    await journey.recordAt(addDays(since, day), {
      type: 'session-attended',
      sessionId: `check-in-${day}`,
      kind: 'check-in',
      hours: 1,
    });
  await journey.advanceTo(addDays(since, aftercare.durationDays + 0.1));
}

/** Walks the program from the journey's current level to its end (at most ten levels). */
export async function walkHappyPath(journey: HappyPathJourney): Promise<void> {
  for (let level = 0; level < 10; level++) {
    const state = await journey.state();
    if (state.status !== 'active') return;
    if (state.level === 'aftercare') await completeAftercare(journey);
    else await completeLevel(journey);
  }
}

/** The levels a program's happy path walks: from the entry level down each `stepsDownTo`. */
export function ladder(program: ProgramDefinition, entry: LevelOfCare): LevelOfCare[] {
  const path: LevelOfCare[] = [entry];
  for (let next = program.levels[entry]?.stepsDownTo; next; next = program.levels[next]?.stepsDownTo)
    path.push(next);
  return path;
}
