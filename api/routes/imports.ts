import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { coordinators } from '../roles';
import { importAnswer, importBody, writeHeaders } from '../route-schemas';
import { UnknownClient } from '../../client/errors';
import { requireProgramInScope, seesClient } from '../scope';
import { write } from '../write';

/** Clients already in care when a provider adopts carepath, one per request. */
export function importRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/v1/imports/clients',
    {
      config: { access: coordinators },
      schema: {
        summary: 'Import a client already in care: start the episode where the client is',
        description:
          'Starts an episode at the given level since the given date, with milestones met, sobriety date and authorizations; ' +
          'timers start from now, so no past week, deadline or reminder is replayed. Idempotent by importId: ' +
          'a repeat answers 200 with outcome already-imported and changes nothing. 409 when another episode is open, ' +
          '422 when the program refuses the row, with why.',
        tags: ['imports'],
        security: bearer,
        headers: writeHeaders,
        body: importBody,
        response: {
          200: importAnswer,
          201: importAnswer,
          ...problemAnswers(400, 401, 403, 409, 422, 503),
        },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async () => {
        const staff = staffOf(request);
        // The client is named in the body here, not the path: the scope hook cannot see it.
        if (!(await seesClient(ctx, staff, request.body.clientId)))
          throw new UnknownClient(request.body.clientId);
        requireProgramInScope(staff, request.body.programId);
        const imported = { ...request.body, importedBy: staff.actor };
        const done = await ctx.journeys.importClient(imported);
        const headers: Record<string, string> =
          done.outcome === 'imported' ? { location: `/v1/clients/${imported.clientId}` } : {};
        return {
          status: done.outcome === 'imported' ? 201 : 200,
          headers,
          body: { clientId: imported.clientId, importId: imported.importId, ...done },
        };
      }),
  );
}
