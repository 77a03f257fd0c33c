import type { ProgramRegistry } from '../../programs/registry';
import { UnknownProgram } from '../../programs/registry';
import { levelsOfCare } from '../../schemas';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import type { ApiContext } from '../context';
import { ApiProblem } from '../problem';
import { readers } from '../roles';
import { programAnswer, programListAnswer, programParams } from '../route-schemas';

/** What a program list shows of one program: its versions and the latest version's levels. */
export function summarizeProgram(programs: ProgramRegistry, programId: string) {
  const latest = programs.latest(programId);
  return {
    programId,
    latestVersion: latest.version,
    versions: programs.versions(programId).map((p) => p.version),
    levels: levelsOfCare.filter((level) => latest.levels[level] !== undefined),
    entryLevels: latest.admission.entryLevels,
  };
}

/** The programs this deployment loaded (CAREPATH_PROGRAMS_DIR), for coordinators and tools. */
export function programRoutes(app: ApiApp, ctx: ApiContext): void {
  const { programs } = ctx.journeys;

  app.get(
    '/v1/programs',
    {
      config: { access: readers },
      schema: {
        summary: 'The programs clients can be admitted to, with their versions',
        tags: ['programs'],
        security: bearer,
        response: { 200: programListAnswer, ...problemAnswers(401, 403) },
      },
    },
    () => ({ programs: programs.programIds().map((programId) => summarizeProgram(programs, programId)) }),
  );

  app.get(
    '/v1/programs/:programId',
    {
      config: { access: readers },
      schema: {
        summary: 'One program: every version loaded, in full',
        tags: ['programs'],
        security: bearer,
        params: programParams,
        response: { 200: programAnswer, ...problemAnswers(400, 401, 403, 404) },
      },
    },
    (request) => {
      const { programId } = request.params;
      try {
        return {
          programId,
          latestVersion: programs.latest(programId).version,
          versions: [...programs.versions(programId)],
        };
      } catch (error) {
        if (!(error instanceof UnknownProgram)) throw error;
        throw new ApiProblem(404, 'unknown-program', 'Unknown program', error.message, {
          knownProgramIds: error.knownProgramIds,
        });
      }
    },
  );
}
