import { checkDecider, PathwayError } from '../../pathway';
import { UnknownClient } from '../../client/errors';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import { caseloadVisibilityQuery, mapBounded, queryConcurrency, scanEpisodes } from '../caseload';
import type { ApiContext } from '../context';
import { proposalDeciders, readers, type ApiRole } from '../roles';
import { approvalsAnswer } from '../route-schemas';

export function approvalRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/approvals',
    {
      config: { access: readers },
      schema: {
        summary: 'Proposals awaiting a decision across your caseload, oldest deadline first',
        description:
          "Only clients of the programs your token covers. `decidable` is the care rules' own check of you " +
          "(approver or escalation role, four eyes) and of your token's role; every open episode is queried once.",
        tags: ['approvals'],
        security: bearer,
        response: { 200: approvalsAnswer, ...problemAnswers(401, 403, 503) },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const open = await scanEpisodes(
        ctx.temporal,
        ctx.namespace,
        caseloadVisibilityQuery({ status: 'active' }, staff.programs, ctx.journeys.taskQueue),
      );
      const states = await mapBounded(open, queryConcurrency, (row) =>
        ctx.journeys.state(row.clientId).catch((error: unknown) => {
          if (error instanceof UnknownClient) return null;
          throw error;
        }),
      );
      const proposals = states.flatMap((state) =>
        state === null || state.status !== 'active'
          ? []
          : state.pendingProposals.map((proposal) => {
              const { escalateTo: _e, ...shown } = proposal;
              const whyNot = notDecidable(staff.role, () => checkDecider(state, proposal, staff.actor));
              return {
                clientId: state.clientId,
                programId: state.programId,
                ...shown,
                decidable: whyNot === null,
                ...(whyNot !== null && { notDecidableReason: whyNot }),
              };
            }),
      );
      proposals.sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
      return { proposals };
    },
  );
}

/** Why the caller may not decide: the token's role first, then the care rules' own guard. */
function notDecidable(role: ApiRole, check: () => void): string | null {
  if (!proposalDeciders.includes(role))
    return `Your token's role '${role}' may not decide proposals; it needs one of: ${proposalDeciders.join(', ')}.`;
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof PathwayError) return error.message;
    throw error;
  }
}
