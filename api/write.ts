import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { episodeWorkflowId } from '../workflows/definitions';
import { staffOf } from './authentication';
import type { ApiContext } from './context';
import { idFromKey, type StoredAnswer } from './idempotency';
import { problemContentType } from './problem';
import { problemFromJourneyError } from './refusals';

/** Whether a client ever had an episode (a closed one included), to tell 404 from 409. */
export const everAdmitted = (ctx: ApiContext) => async (clientId: string) => {
  try {
    await ctx.temporal.workflow.getHandle(episodeWorkflowId(clientId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
};

/** Makes the id of the event or command a write sends: from the caller, from Idempotency-Key, or new. */
export type IdMaker = (prefix: 'evt' | 'cmd', given: string | undefined) => string;

/**
 * Runs a write once per Idempotency-Key (see idempotency.ts) and sends its answer; refusals
 * become problem answers here so that they, too, are replayed to a repeat.
 */
export async function write(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  perform: (newId: IdMaker) => Promise<StoredAnswer>,
): Promise<void> {
  const staff = staffOf(request);
  const path = request.url.split('?')[0] ?? request.url;
  const key = request.headers['idempotency-key'];
  const scope = `${staff.actor.staffId}\n${request.method} ${path}`;
  const newId: IdMaker = (prefix, given) =>
    given ?? (typeof key === 'string' ? idFromKey(prefix, scope, key) : `${prefix}-${randomUUID()}`);
  const run = async (): Promise<StoredAnswer> => {
    try {
      return await perform(newId);
    } catch (error) {
      const problem = await problemFromJourneyError(error, everAdmitted(ctx));
      if (!problem) throw error;
      return {
        status: problem.status,
        body: problem.toProblem(path),
        headers: { 'content-type': problemContentType, ...problem.headers },
      };
    }
  };
  const answer =
    typeof key === 'string'
      ? await ctx.idempotency.answer(scope, key, { query: request.query, body: request.body }, run)
      : { ...(await run()), replayed: false };
  if (answer.replayed) {
    ctx.metrics.replays.inc();
    reply.header('idempotent-replayed', 'true');
  }
  reply.code(answer.status).headers(answer.headers).send(answer.body);
}
