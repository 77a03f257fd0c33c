import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { listCaseload } from '../caseload';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { readers } from '../roles';
import {
  caseloadAnswer,
  caseloadQuery,
  clientParams,
  episodeState,
  historyAnswer,
  transitionOptionsAnswer,
  weeksAnswer,
} from '../route-schemas';
import { refusalOf } from '../refusals';
import { transitionOptions, TransitionRefused } from '../../pathway';

export function clientRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/clients',
    {
      config: { access: readers },
      schema: {
        summary:
          'The caseload: episodes filtered by level, program, risk, status, awaiting approval and below floor, sorted, a page at a time',
        description:
          'Only the programs your token covers. Unsorted pages follow Temporal visibility; each open episode on a page is ' +
          'queried for its pending approvals and this clinic week. `sort` reads the whole filtered caseload to order it.',
        tags: ['clients'],
        security: bearer,
        querystring: caseloadQuery,
        response: { 200: caseloadAnswer, ...problemAnswers(400, 401, 403, 503) },
      },
    },
    (request) =>
      listCaseload(
        ctx.temporal,
        ctx.namespace,
        ctx.journeys,
        request.query,
        staffOf(request).programs,
        Date.parse(ctx.now()),
      ),
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

  app.get(
    '/v1/clients/:clientId/transition-options',
    {
      config: { access: readers },
      schema: {
        summary:
          'The levels the client could be moved to now, each allowed or with the refusal a request would get',
        description:
          "From the care rules of the episode's own program version, checked as POST …/transitions checks a request " +
          'without an override reason: same refusal codes and words.',
        tags: ['clients'],
        security: bearer,
        params: clientParams,
        response: { 200: transitionOptionsAnswer, ...problemAnswers(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { clientId } = request.params;
      const [state, program] = await Promise.all([
        ctx.journeys.state(clientId),
        ctx.journeys.program(clientId),
      ]);
      const options = transitionOptions(state, program, ctx.now()).map(({ level, refusal }) =>
        refusal === null
          ? { level, allowed: true }
          : {
              level,
              allowed: false,
              refusal: {
                code: refusalOf(refusal.name).slug,
                ...(refusal instanceof TransitionRefused && { reason: refusal.reason }),
                message: refusal.message,
              },
            },
      );
      return { clientId, level: state.level, options };
    },
  );
}
