import { UnknownClient } from '../../client/errors';
import { boundedClientEventSchema, type ClientEvent } from '../../schemas';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import { mapBounded, queryConcurrency } from '../caseload';
import type { ApiContext } from '../context';
import { idFromKey } from '../idempotency';
import { ApiProblem } from '../problem';
import { problemFromJourneyError, refuseEventInFuture } from '../refusals';
import { apiRolesSending } from '../../schemas/event-permissions';
import { groupAttendanceAnswer, groupAttendanceBody, writeHeaders } from '../route-schemas';
import { seesProgram } from '../scope';
import { everAdmitted, write } from '../write';

/** One client's event id for a group session: the same on every retry, whoever sends it. */
export const groupEventId = (sessionId: string, clientId: string): string =>
  idFromKey('evt', 'group-attendance', `${sessionId}\n${clientId}`);

export function groupRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/v1/groups/attendance',
    {
      // Each roster entry becomes an attended or a missed event: only roles that may send both.
      config: {
        access: apiRolesSending('session-attended').filter((role) =>
          apiRolesSending('session-missed').includes(role),
        ),
      },
      schema: {
        summary: "Record a group session's roster: who attended, who was absent and how",
        description:
          'One session-attended (present) or session-missed (absent) event per client, each applied and answered on its own: ' +
          'a client refused (not admitted, refused by the care rules, outside your programs) does not stop the others. ' +
          'Event ids come from sessionId and clientId, so sending the roster again records nothing twice (outcome duplicate).',
        tags: ['events'],
        security: bearer,
        headers: writeHeaders,
        body: groupAttendanceBody,
        response: { 200: groupAttendanceAnswer, ...problemAnswers(400, 401, 403, 422, 503) },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async () => {
        const staff = staffOf(request);
        const { sessionId, kind, occurredAt, hours, roster } = request.body;
        refuseEventInFuture(ctx, occurredAt);
        const results = await mapBounded(roster, queryConcurrency, async ({ clientId, status }) => {
          const eventId = groupEventId(sessionId, clientId);
          const parsed = boundedClientEventSchema.safeParse({
            eventId,
            clientId,
            occurredAt,
            recordedBy: staff.actor,
            sessionId,
            kind,
            ...(status === 'present'
              ? { type: 'session-attended', hours }
              : { type: 'session-missed', absence: status }),
          });
          try {
            if (!parsed.success)
              throw new ApiProblem(
                422,
                'invalid-input',
                'Invalid event',
                `The event for client ${clientId} is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}.`,
              );
            const event: ClientEvent = parsed.data;
            const state = await ctx.journeys.state(clientId);
            // Outside the caller's programs: answered as a client never admitted.
            if (!seesProgram(staff, state.programId)) throw new UnknownClient(clientId);
            if (state.status === 'active' && state.recentEventIds.includes(eventId))
              return { clientId, outcome: 'duplicate' as const, eventId };
            await ctx.journeys.recordEventAndWait(event);
            return { clientId, outcome: 'recorded' as const, eventId };
          } catch (error) {
            const problem = await problemFromJourneyError(error, everAdmitted(ctx));
            // Temporal away: the whole roster answers 503, and a retry finds the recorded ones as duplicates.
            if (!problem || problem.status >= 500) throw error;
            const { type, title, detail } = problem.toProblem(request.url);
            return { clientId, outcome: 'refused' as const, eventId, problem: { type, title, detail } };
          }
        });
        return { status: 200, headers: {}, body: { results } };
      }),
  );
}
