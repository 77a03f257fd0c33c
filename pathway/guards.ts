import type { EpisodeState, ProgramDefinition } from '../schemas';
import { ProgramMismatch } from './errors';

/** Decisions need the program the episode was admitted under. */
export const requireProgram = (state: EpisodeState, program: ProgramDefinition): void => {
  if (state.programId !== program.programId) throw new ProgramMismatch(state.programId, program.programId);
};
