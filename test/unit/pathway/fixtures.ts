import {
  AdmissionRefused,
  applyCommand,
  applyEvent,
  admit,
  importEpisode,
  onTimer,
  type Decision,
} from '../../../pathway';
import type {
  AdmittedEvent,
  ClientEvent,
  CoordinatorCommand,
  Effect,
  EffectOf,
  EffectType,
  EpisodeState,
  ImportedClient,
  Intake,
  LevelOfCare,
  ProgramDefinition,
  StaffActor,
} from '../../../schemas';
import { levelPlan } from '../../../pathway/plan';
import { addDays, later, toMillis } from '../../../pathway/time';
import { eligibleIntake, intake, staff } from '../../../testkit/fixtures';

export const start = '2025-01-06T09:00:00.000Z';
/** An instant `days` (fractions allowed) after the journey's start. */
export const day = (days: number): string => addDays(start, days);

let sequence = 0;
const nextEventId = (): string => `event-${++sequence}`;

type Body<T extends ClientEvent['type']> = Omit<
  Extract<ClientEvent, { type: T }>,
  'type' | 'eventId' | 'clientId' | 'occurredAt' | 'recordedBy'
>;

/** Builds a client event for client-1, recorded by the counsellor unless another actor is given. */
export const event = <T extends ClientEvent['type']>(
  type: T,
  occurredAt: string,
  body: Body<T>,
  recordedBy: StaffActor = staff.counsellor,
): Extract<ClientEvent, { type: T }> =>
  ({ type, eventId: nextEventId(), clientId: 'client-1', occurredAt, recordedBy, ...body }) as Extract<
    ClientEvent,
    { type: T }
  >;

export const admitted = (
  at: string,
  level: LevelOfCare,
  overrides: Partial<Intake> = {},
  programId = 'default',
): AdmittedEvent =>
  event('admitted', at, { programId, intake: intake(overrides), recommendedLevel: level }, staff.coordinator);

export const attended = (at: string, hours: number, kind: 'group' | 'individual' | 'check-in' = 'group') =>
  event('session-attended', at, { sessionId: `session-${at}`, kind, hours });

export const missed = (at: string, absence: 'excused' | 'unexcused' | 'no-show' = 'unexcused') =>
  event('session-missed', at, { sessionId: `session-${at}`, kind: 'group', absence });

export const milestone = (at: string, milestoneId: string) =>
  event('milestone-completed', at, { milestoneId });

export const drugTest = (at: string, result: 'negative' | 'positive' | 'dilute' | 'invalid') =>
  event('drug-test-resulted', at, { testId: `test-${at}`, result });

let commandSequence = 0;
type CommandBody<T extends CoordinatorCommand['type']> = Omit<
  Extract<CoordinatorCommand, { type: T }>,
  'type' | 'commandId' | 'issuedBy'
>;
export const command = <T extends CoordinatorCommand['type']>(
  type: T,
  body: CommandBody<T>,
  issuedBy: StaffActor = staff.coordinator,
): Extract<CoordinatorCommand, { type: T }> =>
  ({ type, commandId: `command-${++commandSequence}`, issuedBy, ...body }) as Extract<
    CoordinatorCommand,
    { type: T }
  >;

export const ofType = <T extends EffectType>(effects: readonly Effect[], type: T): EffectOf<T>[] =>
  effects.filter((e): e is EffectOf<T> => e.type === type);

export const notified = (effects: readonly Effect[]) =>
  ofType(effects, 'staff-notification').map(({ code, recipientRole }) => ({ code, recipientRole }));

/**
 * Plays the journey workflow's part: keeps the state, fires armed timers in order when time
 * passes, and logs every effect.
 */
export class Journey {
  state!: EpisodeState;
  readonly effects: Effect[] = [];
  last: Effect[] = [];

  constructor(readonly program: ProgramDefinition) {}

  private take(decision: Decision): Decision {
    this.state = decision.state;
    this.last = decision.effects;
    this.effects.push(...decision.effects);
    return decision;
  }

  admit(event: AdmittedEvent, episodeId = 'episode-1'): this {
    this.take(admit({ ...event, programId: this.program.programId }, this.program, episodeId));
    return this;
  }

  /** Starts the episode of a client already in care, imported at `now`. */
  import(imported: ImportedClient, now: string, episodeId = 'episode-1'): this {
    this.take(
      importEpisode({ ...imported, programId: this.program.programId }, this.program, episodeId, now),
    );
    return this;
  }

  /** Fires every timer due by `instant`, earliest first, as the workflow would. Returns their effects. */
  advanceTo(instant: string): Effect[] {
    const fired: Effect[] = [];
    for (;;) {
      const due = this.state.timers
        .filter((t) => toMillis(t.fireAt) <= toMillis(instant))
        .sort((a, b) => toMillis(a.fireAt) - toMillis(b.fireAt))[0];
      if (!due) return fired;
      fired.push(...this.take(onTimer(this.state, due, this.program, due.fireAt)).effects);
    }
  }

  apply(event: ClientEvent): Effect[] {
    this.advanceTo(event.occurredAt);
    return this.take(applyEvent(this.state, event, this.program)).effects;
  }

  command(command: CoordinatorCommand, now: string): Effect[] {
    this.advanceTo(now);
    return this.take(applyCommand(this.state, command, this.program, now)).effects;
  }

  /** Attends `sessionsPerWeek` sessions of `hours` on consecutive days of each week from `from`; returns the end. */
  attendWeeks(
    from: string,
    weeks: number,
    sessionsPerWeek: number,
    hours: number,
    kind: 'group' | 'check-in' = 'group',
  ): string {
    for (let week = 0; week < weeks; week++)
      for (let session = 0; session < sessionsPerWeek; session++)
        this.apply(attended(addDays(from, week * 7 + session), hours, kind));
    return addDays(from, weeks * 7);
  }

  /**
   * Meets every milestone of the current level's plan at `at`, waits out the minimum stay and
   * approves the step-down when the program proposes it. Returns when the step-down happened.
   */
  completePlan(at: string, approver: StaffActor = staff.coordinator): string {
    const plan = levelPlan(this.program, this.state.level);
    const due = later(at, addDays(this.state.levelSince, plan.lengthOfStayDays.min));
    for (const { milestoneId } of plan.milestones) this.apply(milestone(at, milestoneId));
    this.advanceTo(due);
    if (this.state.pendingProposals.length > 0)
      this.command(command('transition-approved', { proposalId: this.pendingProposalId() }, approver), due);
    return due;
  }

  /** Attends a check-in every week of aftercare, then lets the aftercare completion timer fire. */
  completeAftercare(): void {
    const { durationDays } = this.program.aftercare!;
    const since = this.state.levelSince;
    this.attendWeeks(addDays(since, 1), durationDays / 7 - 1, 1, 1, 'check-in');
    this.advanceTo(addDays(since, durationDays));
  }

  levels(): LevelOfCare[] {
    return this.state.history.map((entry) => entry.to);
  }

  /** The single pending proposal's id (fails the test when there is not exactly one). */
  pendingProposalId(): string {
    expect(this.state.pendingProposals).toHaveLength(1);
    return this.state.pendingProposals[0]!.proposalId;
  }
}

/** A journey admitted at day 0 to `level` (default: the program's first entry level). */
export const admitTo = (
  program: ProgramDefinition,
  level: LevelOfCare = program.admission.entryLevels[0]!,
): Journey => new Journey(program).admit(admitted(day(0), level, eligibleIntake));

/** The AdmissionRefused `fn` throws; fails the test when it throws nothing or something else. */
export const admissionRefusalOf = (fn: () => unknown): AdmissionRefused => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AdmissionRefused) return error;
    throw error;
  }
  throw new Error('expected an AdmissionRefused');
};
