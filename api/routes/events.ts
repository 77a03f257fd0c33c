import { boundedClientEventSchema, type ClientEvent } from '../../schemas';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { ApiProblem } from '../problem';
import { eventRouteRoles } from '../../schemas/event-permissions';
import { refuseEventInFuture, refuseEventNotPermitted } from '../refusals';
import {
  clientParams,
  eventAccepted,
  eventBodySchema,
  eventQuery,
  outcomeAnswer,
  writeHeaders,
} from '../route-schemas';
import { write } from '../write';

export function eventRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/v1/clients/:clientId/events',
    {
      config: { access: eventRouteRoles },
      schema: {
        summary: 'Record what happened to a client',
        description:
          'The event of the Kafka inbound topic, without clientId (the path) and recordedBy (your token). ' +
          'Answers 202 once the journey has it; with wait=true, 200 with the outcome once applied. ' +
          "An event type your role may not record (e.g. a clinician's discharge-requested) is 403 event-not-permitted.",
        tags: ['events'],
        security: bearer,
        params: clientParams,
        querystring: eventQuery,
        headers: writeHeaders,
        body: eventBodySchema,
        response: {
          200: outcomeAnswer,
          202: eventAccepted,
          ...problemAnswers(400, 401, 403, 404, 409, 422, 503),
        },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { clientId } = request.params;
        const body = request.body as Record<string, unknown> & {
          type: ClientEvent['type'];
          eventId?: string;
          occurredAt?: string;
        };
        const staff = staffOf(request);
        refuseEventNotPermitted(staff.role, body.type);
        // The per-type schemas above cannot carry the cross-field rules (e.g. a score's maximum): check the whole event.
        const parsed = boundedClientEventSchema.safeParse({
          ...body,
          eventId: newId('evt', body.eventId),
          clientId,
          occurredAt: body.occurredAt ?? ctx.now(),
          recordedBy: staff.actor,
        });
        if (!parsed.success)
          throw new ApiProblem(
            400,
            'invalid-request',
            'Invalid request',
            'The event is not valid: fix the issues listed.',
            {
              issues: parsed.error.issues.map((i) => ({
                location: 'body',
                path: i.path.map(String),
                message: i.message,
              })),
            },
          );
        const event = parsed.data;
        refuseEventInFuture(ctx, event.occurredAt);
        if (request.query.wait === 'true')
          return { status: 200, headers: {}, body: await ctx.journeys.recordEventAndWait(event) };
        await ctx.journeys.recordEvent(event);
        return { status: 202, headers: {}, body: { clientId, eventId: event.eventId, status: 'accepted' } };
      }),
  );
}
