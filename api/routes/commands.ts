import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { coordinators, proposalDeciders } from '../roles';
import {
  approvalBody,
  clientParams,
  dischargeBody,
  outcomeAnswer,
  programVersionBody,
  proposalParams,
  rejectionBody,
  transitionAnswer,
  transitionBody,
  writeHeaders,
} from '../route-schemas';
import { write } from '../write';

/** Coordinators' commands: each is a workflow Update, so the answer is the journey's own outcome. */
export function commandRoutes(app: ApiApp, ctx: ApiContext): void {
  const refusals = problemAnswers(400, 401, 403, 404, 409, 422, 503);

  app.post(
    '/v1/clients/:clientId/transitions',
    {
      config: { access: coordinators },
      schema: {
        summary: 'Request a change of level of care',
        description:
          '200 with the new state, or with the proposal awaiting approval when the program asks for one; 409 with the reason and the allowed targets when the care rules refuse.',
        tags: ['commands'],
        security: bearer,
        params: clientParams,
        headers: writeHeaders,
        body: transitionBody,
        response: { 200: transitionAnswer, ...refusals },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { commandId, targetLevel, reasonCode, overrideReasonCode } = request.body;
        const outcome = await ctx.journeys.requestTransition(request.params.clientId, {
          type: 'transition-requested',
          commandId: newId('cmd', commandId),
          issuedBy: staffOf(request).actor,
          targetLevel,
          reasonCode,
          ...(overrideReasonCode ? { overrideReasonCode } : {}),
        });
        const proposal =
          outcome.state.level === targetLevel
            ? null
            : (outcome.state.pendingProposals.find(
                (p) => p.action.type === 'level-change' && p.action.to === targetLevel,
              ) ?? null);
        return { status: 200, headers: {}, body: { ...outcome, proposal } };
      }),
  );

  app.post(
    '/v1/clients/:clientId/proposals/:proposalId/approve',
    {
      config: { access: proposalDeciders },
      schema: {
        summary: 'Approve a pending proposal',
        tags: ['commands'],
        security: bearer,
        params: proposalParams,
        headers: writeHeaders,
        body: approvalBody,
        response: { 200: outcomeAnswer, ...refusals },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { clientId, proposalId } = request.params;
        const outcome = await ctx.journeys.approveProposal(clientId, {
          type: 'transition-approved',
          commandId: newId('cmd', request.body?.commandId),
          issuedBy: staffOf(request).actor,
          proposalId,
        });
        return { status: 200, headers: {}, body: outcome };
      }),
  );

  app.post(
    '/v1/clients/:clientId/proposals/:proposalId/reject',
    {
      config: { access: proposalDeciders },
      schema: {
        summary: 'Reject a pending proposal',
        tags: ['commands'],
        security: bearer,
        params: proposalParams,
        headers: writeHeaders,
        body: rejectionBody,
        response: { 200: outcomeAnswer, ...refusals },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { clientId, proposalId } = request.params;
        const outcome = await ctx.journeys.rejectProposal(clientId, {
          type: 'transition-rejected',
          commandId: newId('cmd', request.body.commandId),
          issuedBy: staffOf(request).actor,
          proposalId,
          reasonCode: request.body.reasonCode,
        });
        return { status: 200, headers: {}, body: outcome };
      }),
  );

  app.post(
    '/v1/clients/:clientId/discharge',
    {
      config: { access: coordinators },
      schema: {
        summary: 'Discharge a client: end the open episode',
        tags: ['commands'],
        security: bearer,
        params: clientParams,
        headers: writeHeaders,
        body: dischargeBody,
        response: { 200: outcomeAnswer, ...refusals },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { commandId, kind, reasonCode } = request.body;
        const outcome = await ctx.journeys.discharge(request.params.clientId, {
          type: 'discharge',
          commandId: newId('cmd', commandId),
          issuedBy: staffOf(request).actor,
          kind,
          reasonCode,
        });
        return { status: 200, headers: {}, body: outcome };
      }),
  );

  app.post(
    '/v1/clients/:clientId/program-version',
    {
      config: { access: coordinators },
      schema: {
        summary: "Move the client's episode to a newer version of its program",
        description:
          "Later decisions and billing follow the new version; the move is kept in the episode's programVersionChanges with who, when and why. " +
          "409 when the version is not newer than the episode's; 422 when the program has no such version.",
        tags: ['commands'],
        security: bearer,
        params: clientParams,
        headers: writeHeaders,
        body: programVersionBody,
        response: { 200: outcomeAnswer, ...refusals },
      },
    },
    (request, reply) =>
      write(ctx, request, reply, async (newId) => {
        const { commandId, version, reasonCode } = request.body;
        const outcome = await ctx.journeys.changeProgramVersion(request.params.clientId, {
          commandId: newId('cmd', commandId),
          issuedBy: staffOf(request).actor,
          reasonCode,
          ...(version !== undefined && { version }),
        });
        return { status: 200, headers: {}, body: outcome };
      }),
  );
}
