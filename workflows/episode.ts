import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { RetryPolicy, UpdateDefinition } from '@temporalio/common';
import type { EffectActivities, EffectStream } from '../activities/effects';
import type { JourneyRefusal } from '../client/errors';
import {
  admit,
  applyCommand,
  applyEvent,
  changeProgramVersion,
  checkBackdate,
  checkProgramVersionChange,
  EpisodeNotActive,
  importedEpisodeId,
  importEpisode,
  onTimer,
  PathwayError,
  refusalReason,
  validateCommand,
  validateEvent,
  weeksView,
  type Decision,
} from '../pathway';
import { afterRefusal, rememberRefusal, sighting } from '../pathway/dedup';
import { snapshotOf } from '../schemas/episode-snapshot';
import type { DeadLetterReason } from '../schemas/contract';
import { defaultMaxBackdateDays } from '../schemas/engine-defaults';
import type {
  ClientEvent,
  CoordinatorCommand,
  Effect,
  EpisodeState,
  ProgramDefinition,
  ProgramVersionChangeCommand,
  Timer,
} from '../schemas';
// From their own modules, not the index: each journey evaluates every schema module it imports.
import {
  dischargeCommandSchema,
  transitionApprovedCommandSchema,
  transitionRejectedCommandSchema,
  transitionRequestedCommandSchema,
} from '../schemas/commands';
import { clientEventSchema } from '../schemas/events';
import { issueList } from '../schemas/issues';
import { clinicClockDefaults } from '../schemas/time';
import { eventRefusalSchema, type CommandOutcome, type EpisodeWorkflowInput } from '../schemas/journey';
import {
  approveProposalUpdate,
  changeProgramVersionUpdate,
  clientEventSignal,
  dischargeUpdate,
  eventRefusedSignal,
  historyQuery,
  recordEventUpdate,
  rejectProposalUpdate,
  requestTransitionUpdate,
  stateQuery,
  weeksQuery,
  programQuery,
} from './definitions';
import { batchSummary, effectBatch, programBilling, publishActivityOf, routeEffects } from './effect-routing';
import { nextTimer, operatorView, viewAtStart } from './operator-view';
import { Outbox, outboxSettingsOf, outboxWorkflow, outboxWorkflowId } from './outbox';
import { isCurrentCode } from './patches';
import { PendingTraces } from './traces';
import type { z } from 'zod';

// Unlimited attempts: an effect is never dropped, however long Kafka is away.
const retry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};
const activityOptions: ActivityOptions = { startToCloseTimeout: '30 seconds', retry };
/**
 * Effects leave through local activities: a publish is one Kafka send from the worker that made the
 * decision, so a round trip through Temporal's task queue would add three history events and a
 * workflow task per batch for nothing (see README, "Benchmarks"). A crashed worker's batch is sent
 * again by the next worker, with the same effect ids, as a retried activity would be. After a failed
 * send the retry waits on a workflow timer, not in the worker: the workflow task completes, so
 * coordinators' updates are answered while Kafka is away.
 */
const localActivityOptions: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry,
  localRetryThreshold: '1 second',
};
const activities = proxyActivities<EffectActivities>(activityOptions);
const localActivities = proxyLocalActivities<EffectActivities>(localActivityOptions);
const publishers = (proxy: typeof activities | typeof localActivities) => (stream: EffectStream) =>
  proxy[publishActivityOf[stream]];
const send = publishers(activities);
const sendLocally = publishers(localActivities);
/** Histories recorded before effects became local activities replay with the activities they had. */
const localEffectsPatch = 'effects-as-local-activities';
/** Episodes admitted before it keep care-rule revision 1 (see `pathway/revision.ts`). */
const rulesRevision2Patch = 'care-rules-revision-2';
/** Episodes admitted before it keep the revision they had: an integration-opened proposal needs one staff approval. */
const rulesRevision3Patch = 'care-rules-revision-3';
/** The care-rule revision a new episode is admitted under; a replayed one gets the revision it was admitted under. */
const admissionRulesRevision = (current: boolean) =>
  current || patched(rulesRevision3Patch) ? 3 : patched(rulesRevision2Patch) ? 2 : 1;

/**
 * Journeys recorded before the clinic's clock carry programs without a time zone and replay with
 * their 7-day weeks from admission. Any other run (a new journey, or an old one continued as new)
 * gets the clock, with the defaults for a program that names none.
 */
const clinicClockPatch = 'clinic-clock';
const withClinicClock = (program: ProgramDefinition): ProgramDefinition => ({
  ...clinicClockDefaults,
  ...program,
});
/**
 * Journeys recorded before the outbox send in bounded chunks, park unsendable effects and carry
 * unsent ones across continue-as-new replay with one unlimited send per stream.
 */
const outboxPatch = 'outbox-chunks-parking-carry';
/**
 * Journeys recorded before events were refused (dated before the admission, id reused for other
 * content) and dead-lettered replay with the rules they had.
 */
const deadLettersPatch = 'inbound-refusals-dead-lettered';
/** Journeys recorded before the backdating limit replay their admission without it. */
const backdatePatch = 'admission-backdate-limit';
/**
 * Journeys recorded before they remembered the events their care rules refused replay without
 * remembering them (such an event read again was judged again).
 */
const refusalsRememberedPatch = 'inbound-refusals-remembered';
/*
 * `current-code-one-patch` (workflows/patches.ts): a run started by this code records that one
 * patch and takes the current path of every patch above without calling them; since it, the outbox
 * sends every stream's chunk of a round in one local activity, the operator's view starts from
 * the search attributes the run was started with, and Temporal's OpenTelemetry interceptors run
 * (workflows/tracing-interceptors.ts). Runs recorded before it replay as they were.
 */

/** A refusal from the care rules, as a failure the caller receives with its type and details. */
function refusal(error: unknown): unknown {
  if (!(error instanceof PathwayError)) return error;
  const { name, message, stack, ...details } = error as PathwayError & Record<string, unknown>;
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: true,
    details: [details],
  });
}

/** Parses a message with its schema; an invalid one is refused with the zod issues as details. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw ApplicationFailure.create({
    type: 'InvalidInput' satisfies JourneyRefusal,
    message: `Not a valid ${what}: ${issueList(result.error.issues)}`,
    nonRetryable: true,
    details: [
      { issues: result.error.issues.map(({ path, message }) => ({ path: path.map(String), message })) },
    ],
  });
}

/** The episode id is the admission's event id: unique per episode, stable across continue-as-new. */
const episodeIdOf = (admission: ClientEvent) => `ep-${admission.eventId}`;

function initialDecision(input: EpisodeWorkflowInput, current: boolean): Decision {
  try {
    switch (input.kind) {
      case 'continued':
        return { state: input.state, effects: [] };
      case 'admission':
        if (current || patched(backdatePatch)) {
          // A program carried in an input from before the limit has none: the default applies.
          const fallback = { maxBackdateDays: defaultMaxBackdateDays };
          const admission = { ...fallback, ...input.program.admission };
          checkBackdate(input.admission, { ...input.program, admission }, new Date().toISOString());
        }
        return admit(
          input.admission,
          input.program,
          episodeIdOf(input.admission),
          admissionRulesRevision(current),
        );
      case 'import':
        return importEpisode(
          input.imported,
          input.program,
          importedEpisodeId(input.imported.importId),
          new Date().toISOString(),
          admissionRulesRevision(current),
        );
      default: {
        const unknown: never = input;
        throw new Error(`Unknown workflow input kind: ${JSON.stringify(unknown)}`);
      }
    }
  } catch (error) {
    throw refusal(error);
  }
}

/**
 * One client's episode of care, from admission to discharge. Every decision is made by the pure
 * pathway core; this workflow keeps the state, arms the one timer due next, hands effects to
 * activities and keeps the operator's view current.
 */
export async function episodeWorkflow(input: EpisodeWorkflowInput): Promise<EpisodeState> {
  const { settings } = input;
  // First, before any other patch: a run recorded before it replays the patches it called.
  const current = isCurrentCode();
  const clinicClock = current || patched(clinicClockPatch);
  // A coordinator may move the episode to a newer version of its program (changeProgramVersion).
  let program = clinicClock ? withClinicClock(input.program) : input.program;
  const refreshView = operatorView(current ? viewAtStart() : {});
  const first = initialDecision(input, current);
  let state = first.state;
  const outboxSettings = outboxSettingsOf(settings);
  const outbox = new Outbox(
    input.kind === 'continued' ? input.outbox : undefined,
    outboxSettings,
    () => ({
      clientId: state.clientId,
      episodeId: state.episodeId,
      programId: state.programId,
      billing: programBilling(program),
    }),
    current,
  );
  outbox.add(first.effects);
  const traces = new PendingTraces();
  traces.noteInput();
  let applied = 0;
  refreshView(state);

  const apply = (decision: Decision) => {
    state = decision.state;
    outbox.add(decision.effects);
    traces.noteInput();
    applied += 1;
    refreshView(state);
  };
  const now = () => new Date().toISOString();
  const eventRules = () => (current || patched(deadLettersPatch) ? 'current' : 'before-refusals');

  /** A signalled event the journey does not apply goes to the inbound dead-letter topic, never nowhere. */
  const deadLetter = (event: unknown, eventId: string | null, reason: DeadLetterReason, detail: string) => {
    log.warn('client event dead-lettered', { eventId, reason });
    outbox.deadLetter({ kind: 'inbound-dead-letter', eventId, event, reason, detail });
    traces.noteInput();
  };

  setHandler(clientEventSignal, (event) => {
    const rules = eventRules();
    const result = clientEventSchema.safeParse(event);
    if (!result.success) {
      log.warn('client event ignored: not a valid client event', { issues: result.error.issues.length });
      if (rules === 'current') deadLetter(event, null, 'invalid-event', issueList(result.error.issues));
      return;
    }
    const received = result.data;
    if (rules === 'current' && state.status === 'discharged') {
      if (sighting(state, received) !== 'redelivery')
        deadLetter(
          received,
          received.eventId,
          'no-open-episode',
          `Episode ${state.episodeId} is discharged: admit the client again, then send the event.`,
        );
      return;
    }
    try {
      apply(applyEvent(state, received, program, rules));
    } catch (error) {
      if (!(error instanceof PathwayError)) throw error;
      log.warn('client event refused by the care rules', { eventId: received.eventId, refusal: error.name });
      if (rules !== 'current') return;
      const reason = refusalReason(error);
      if (reason === 'event-refused' && (current || patched(refusalsRememberedPatch)))
        state = afterRefusal(state, received, reason, program);
      deadLetter(received, received.eventId, reason, error.message);
    }
  });

  setHandler(eventRefusedSignal, (refusal) => {
    const result = eventRefusalSchema.safeParse(refusal);
    if (!result.success) {
      log.warn('event refusal ignored: not a valid refusal', { issues: result.error.issues.length });
      return;
    }
    state = rememberRefusal(state, result.data, program);
  });

  setHandler(
    recordEventUpdate,
    (event): CommandOutcome => {
      try {
        const decision = applyEvent(
          state,
          parsed(clientEventSchema, event, 'client event'),
          program,
          eventRules(),
        );
        apply(decision);
        return { state: snapshotOf(state), effects: decision.effects };
      } catch (error) {
        throw refusal(error);
      }
    },
    {
      validator: (event) => {
        const valid = parsed(clientEventSchema, event, 'client event');
        if (state.status !== 'active') throw refusal(new EpisodeNotActive(state.episodeId));
        try {
          validateEvent(state, valid, program);
        } catch (error) {
          throw refusal(error);
        }
      },
    },
  );

  const commandUpdate = <C extends CoordinatorCommand>(
    update: UpdateDefinition<CommandOutcome, [C]>,
    schema: z.ZodType<C>,
    what: string,
  ) =>
    setHandler(
      update,
      (command): CommandOutcome => {
        try {
          const decision = applyCommand(state, parsed(schema, command, what), program, now());
          apply(decision);
          return { state: snapshotOf(state), effects: decision.effects };
        } catch (error) {
          throw refusal(error);
        }
      },
      {
        validator: (command) => {
          try {
            validateCommand(state, parsed(schema, command, what), program, now());
          } catch (error) {
            throw refusal(error);
          }
        },
      },
    );
  commandUpdate(requestTransitionUpdate, transitionRequestedCommandSchema, 'transition request');
  commandUpdate(approveProposalUpdate, transitionApprovedCommandSchema, 'approval');
  commandUpdate(rejectProposalUpdate, transitionRejectedCommandSchema, 'rejection');
  commandUpdate(dischargeUpdate, dischargeCommandSchema, 'discharge');

  setHandler(
    changeProgramVersionUpdate,
    (command): CommandOutcome => {
      try {
        const decision = changeProgramVersion(state, command, program, now());
        apply(decision);
        program = clinicClock ? withClinicClock(command.program) : command.program;
        return { state: snapshotOf(state), effects: decision.effects };
      } catch (error) {
        throw refusal(error);
      }
    },
    {
      validator: (command: ProgramVersionChangeCommand) => {
        try {
          checkProgramVersionChange(state, command, program);
        } catch (error) {
          throw refusal(error);
        }
      },
    },
  );

  setHandler(stateQuery, () => state);
  setHandler(historyQuery, () => state.history);
  setHandler(weeksQuery, () => weeksView(state, program));
  setHandler(programQuery, () => program);

  const deliver = async (effects: Effect[]) => {
    const batch = (streamEffects: Effect[]) => effectBatch(state, program, streamEffects);
    const local = patched(localEffectsPatch);
    await Promise.all(
      [...routeEffects(effects)].map(([stream, streamEffects]) => {
        const summary = batchSummary(stream, streamEffects);
        return local
          ? sendLocally(stream).executeWithOptions({ ...localActivityOptions, summary }, [
              batch(streamEffects),
            ])
          : send(stream).executeWithOptions({ ...activityOptions, summary }, [batch(streamEffects)]);
      }),
    );
  };

  // Wake-ups are never cancelled: one no longer needed fires and finds nothing due. Cancelling
  // would race a timer firing at the same moment, which the time-skipping test server rejects.
  const wakeUps = new Set<string>();
  let woke = false;
  const wakeUp = (timer: Timer) => {
    wakeUps.add(timer.fireAt);
    sleep(Date.parse(timer.fireAt) - Date.now(), { summary: `${timer.kind} due ${timer.fireAt}` }).then(
      () => {
        wakeUps.delete(timer.fireAt);
        woke = true;
      },
      // A wake-up fails only when the workflow is cancelled, which the main loop's wait reports too;
      // left unhandled, the rejection would fail every workflow task and the cancellation never end.
      (error: unknown) => {
        if (!isCancellation(error)) throw error;
      },
    );
  };

  for (;;) {
    if (outbox.pending) {
      if (!current && !patched(outboxPatch)) {
        await traces.send(
          () => deliver(outbox.takeEffects()),
          () => true,
        );
        continue;
      }
      const round = await traces.send(
        () => outbox.deliver(),
        (outcome) => outcome === 'progress',
      );
      if (round === 'failed') {
        if (state.status === 'discharged') {
          // Readmission must not wait for Kafka: the unsent effects go on in an outbox run of their own.
          await condition(allHandlersFinished);
          await startChild(outboxWorkflow, {
            workflowId: outboxWorkflowId(state.episodeId),
            parentClosePolicy: ParentClosePolicy.ABANDON,
            args: [
              {
                identity: {
                  clientId: state.clientId,
                  episodeId: state.episodeId,
                  programId: state.programId,
                  billing: programBilling(program),
                },
                unsent: outbox.unsent(),
                settings: outboxSettings,
              },
            ],
          });
          return state;
        }
        if (outbox.dueForContinueAsNew()) {
          await condition(allHandlersFinished);
          return await continueAsNew<typeof episodeWorkflow>({
            kind: 'continued',
            state,
            program,
            settings,
            outbox: outbox.unsent(),
          });
        }
        await sleep(outbox.retryDelayMs(), {
          summary: `outbox retry after ${outbox.failedRounds} failed round(s)`,
        });
      }
      continue;
    }
    if (state.status === 'discharged') {
      await condition(allHandlersFinished);
      if (!outbox.pending) return state;
      continue;
    }
    if (applied >= settings.continueAsNewAfter || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if (outbox.pending) continue;
      return await continueAsNew<typeof episodeWorkflow>({ kind: 'continued', state, program, settings });
    }
    const due = nextTimer(state.timers);
    if (due && Date.parse(due.fireAt) <= Date.now()) {
      traces.onTimer(due.kind, () => apply(onTimer(state, due, program, now())));
      continue;
    }
    if (due && !wakeUps.has(due.fireAt)) wakeUp(due);
    await condition(
      () =>
        woke ||
        outbox.pending ||
        nextTimer(state.timers)?.timerId !== due?.timerId ||
        workflowInfo().continueAsNewSuggested,
    );
    woke = false;
  }
}
