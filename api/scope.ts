import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { UnknownClient } from '../client/errors';
import { episodeWorkflowId } from '../workflows/definitions';
import { ProgramId } from '../workflows/search-attributes';
import type { ApiContext } from './context';
import { ApiProblem } from './problem';
import { neverAdmittedToWrite } from './refusals';
import type { AuthenticatedStaff } from './tokens';

/**
 * Who sees what: a token may name the programs whose clients its staff member sees. A client of
 * another program answers as a client never admitted (404), so its existence is not revealed.
 */

export const seesProgram = (staff: AuthenticatedStaff, programId: string): boolean =>
  staff.programs === null || staff.programs.includes(programId);

/** The program of the client's latest episode from its search attributes, or null for a client never admitted. */
export async function programOfClient(ctx: ApiContext, clientId: string): Promise<string | null> {
  try {
    const description = await ctx.temporal.workflow.getHandle(episodeWorkflowId(clientId)).describe();
    return description.typedSearchAttributes.get(ProgramId) ?? null;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/** Whether the staff member may see the client; a client never admitted is left to the route to answer. */
export async function seesClient(
  ctx: ApiContext,
  staff: AuthenticatedStaff,
  clientId: string,
): Promise<boolean> {
  if (staff.programs === null) return true;
  const programId = await programOfClient(ctx, clientId);
  return programId === null || seesProgram(staff, programId);
}

/** Refuses a new episode in a program outside the caller's (admission, import). */
export function requireProgramInScope(staff: AuthenticatedStaff, programId: string): void {
  if (seesProgram(staff, programId)) return;
  throw new ApiProblem(
    403,
    'program-not-in-scope',
    'Program not in your scope',
    `Your token covers the programs ${staff.programs?.join(', ') ?? ''} only: ask your administrator to add this program to it.`,
    { programs: staff.programs },
  );
}

/**
 * Every route with a client in its path checks the caller's programs before its handler runs, so no
 * client-scoped route (read or write) can forget it.
 */
export function enforceProgramScope(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('preHandler', async (request) => {
    const staff = request.staff;
    const clientId = (request.params as { clientId?: unknown } | undefined)?.clientId;
    if (!staff || staff.programs === null || typeof clientId !== 'string') return;
    // Answered word for word as the route answers a client never admitted: a read or a write.
    if (!(await seesClient(ctx, staff, clientId)))
      throw request.method === 'GET' ? new UnknownClient(clientId) : neverAdmittedToWrite(clientId);
  });
}
