import type { EpisodeState, ProgramDefinition, ProgramVersionChangeCommand } from '../schemas';
import { alreadySeen, rememberId } from './dedup';
import { DecisionDraft, type Decision } from './draft';
import { EpisodeNotActive, ProgramMismatch, ProgramVersionRefused } from './errors';
import { requireProgram } from './guards';
import { levelPlan } from './plan';
import { refreshWeekTarget } from './week';

/** Checks a move to another version of the episode's program without applying it. */
export const checkProgramVersionChange = (
  state: EpisodeState,
  command: ProgramVersionChangeCommand,
  current: ProgramDefinition,
): void => {
  requireProgram(state, current);
  if (alreadySeen(state, command.commandId)) return;
  if (state.status === 'discharged') throw new EpisodeNotActive(state.episodeId);
  const next = command.program;
  if (next.programId !== state.programId) throw new ProgramMismatch(state.programId, next.programId);
  if (next.version <= current.version)
    throw new ProgramVersionRefused('not-newer', current.version, next.version);
  levelPlan(next, state.level);
};

/**
 * Moves the episode to a newer version of its program at `now`, recorded with who and why. Later
 * decisions and billing use the new version; the current week's target is re-read from it, and
 * timers already armed keep their times. A repeated commandId changes nothing.
 */
export const changeProgramVersion = (
  state: EpisodeState,
  command: ProgramVersionChangeCommand,
  current: ProgramDefinition,
  now: string,
): Decision => {
  checkProgramVersionChange(state, command, current);
  if (alreadySeen(state, command.commandId)) return { state, effects: [] };
  const next = command.program;
  const draft = new DecisionDraft(state, next, now, command.issuedBy);
  rememberId(draft, command.commandId, next);
  draft.update({
    programVersionChanges: [
      ...(state.programVersionChanges ?? []),
      {
        commandId: command.commandId,
        fromVersion: current.version,
        toVersion: next.version,
        at: now,
        reasonCode: command.reasonCode,
        actor: command.issuedBy,
      },
    ],
  });
  refreshWeekTarget(draft);
  return draft.done();
};
