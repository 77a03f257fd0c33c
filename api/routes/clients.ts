import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { listCaseload } from '../caseload';
import type { ApiContext } from '../context';
import { readers } from '../roles';
import {
  caseloadAnswer,
  caseloadQuery,
  clientParams,
  episodeState,
  historyAnswer,
  weeksAnswer,
} from '../route-schemas';

export function clientRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/clients',
    {
      config: { access: readers },
      schema: {
        summary: 'The caseload: episodes filtered by level, program, risk and status, a page at a time',
        tags: ['clients'],
        security: bearer,
        querystring: caseloadQuery,
        response: { 200: caseloadAnswer, ...problemAnswers(400, 401, 403, 503) },
      },
    },
    (request) => listCaseload(ctx.temporal, ctx.namespace, request.query),
  );

  app.get(
    '/v1/clients/:clientId',
    {
      config: { access: readers },
      schema: {
        summary: "A client's latest episode, open or discharged",
        tags: ['clients'],
        security: bearer,
        params: clientParams,
        response: { 200: episodeState, ...problemAnswers(400, 401, 403, 404, 503) },
      },
    },
    (request) => ctx.journeys.state(request.params.clientId),
  );

  app.get(
    '/v1/clients/:clientId/history',
    {
      config: { access: readers },
      schema: {
        summary: 'Level-of-care history: every change with who, when and why',
        tags: ['clients'],
        security: bearer,
        params: clientParams,
        response: { 200: historyAnswer, ...problemAnswers(400, 401, 403, 404, 503) },
      },
    },
    async (request) => ({
      clientId: request.params.clientId,
      history: await ctx.journeys.history(request.params.clientId),
    }),
  );

  app.get(
    '/v1/clients/:clientId/weeks',
    {
      config: { access: readers },
      schema: {
        summary:
          "Recent weeks and the current one in the clinic's time zone: hours and sessions scheduled and attended, target, floor and flags",
        tags: ['clients'],
        security: bearer,
        params: clientParams,
        response: { 200: weeksAnswer, ...problemAnswers(400, 401, 403, 404, 503) },
      },
    },
    (request) => ctx.journeys.weeks(request.params.clientId),
  );
}
