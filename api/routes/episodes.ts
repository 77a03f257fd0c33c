import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { refuseEventInFuture } from '../refusals';
import { apiRolesSending } from '../../schemas/event-permissions';
import { admissionAnswer, admissionBody, admissionParams, writeHeaders } from '../route-schemas';
import { requireProgramInScope } from '../scope';
import { write } from '../write';

export function episodeRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/v1/clients/:clientId/episodes',
    {
      config: { access: apiRolesSending('admitted') },
      schema: {
        summary: 'Admit a client: start an episode in a program',
        description:
          "The program's admission criteria are checked first: a refusal (422) names the reason and what would be accepted.",
        tags: ['episodes'],
        security: bearer,
        params: admissionParams,
        headers: writeHeaders,
        body: admissionBody,
        response: { 201: admissionAnswer, ...problemAnswers(400, 401, 403, 409, 422, 503) },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { clientId } = request.params;
        const { eventId, occurredAt, ...admission } = request.body;
        requireProgramInScope(staffOf(request), admission.programId);
        const event = {
          type: 'admitted' as const,
          eventId: newId('evt', eventId),
          clientId,
          occurredAt: occurredAt ?? ctx.now(),
          recordedBy: staffOf(request).actor,
          ...admission,
        };
        refuseEventInFuture(ctx, event.occurredAt);
        const started = await ctx.journeys.admit(event);
        return {
          status: 201,
          headers: { location: `/v1/clients/${clientId}` },
          body: {
            clientId,
            eventId: event.eventId,
            programId: event.programId,
            level: event.recommendedLevel,
            ...started,
          },
        };
      }),
  );
}
