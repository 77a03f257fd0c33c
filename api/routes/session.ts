import { z } from 'zod';
import { identifierSchema, staffRoleSchema } from '../../schemas';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import { staffOf } from '../authentication';
import type { ApiContext } from '../context';
import { ApiProblem } from '../problem';
import { apiRoleSchema, readers } from '../roles';
import { signInAnswer, signInBody } from '../sign-in';

export const sessionAnswer = z
  .object({
    staffId: identifierSchema,
    role: apiRoleSchema.describe('What the token may do at the API'),
    staffRole: staffRoleSchema.describe('The clinical role the care rules check, e.g. who may approve'),
    programs: z
      .array(z.string())
      .nullable()
      .describe('The programs whose clients this token sees; null: every program'),
  })
  .meta({ id: 'Session' });

export function sessionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/v1/session',
    {
      config: { access: readers },
      schema: {
        summary: 'Who the bearer token identifies: staff id, API role, clinical role and programs',
        tags: ['session'],
        security: bearer,
        response: { 200: sessionAnswer, ...problemAnswers(401, 403) },
      },
    },
    (request) => {
      const staff = staffOf(request);
      return {
        staffId: staff.actor.staffId,
        role: staff.role,
        staffRole: staff.actor.role,
        programs: staff.programs === null ? null : [...staff.programs],
      };
    },
  );

  app.post(
    '/v1/sign-in',
    {
      config: { access: 'public' },
      schema: {
        summary:
          "Local mode: trade the one-time code of `npm start`'s sign-in link for the development token",
        description:
          'The code is good once, for 15 minutes after start. 401 for an unknown, used or expired code; ' +
          '404 outside local mode, where no code exists.',
        tags: ['session'],
        body: signInBody,
        response: { 200: signInAnswer, ...problemAnswers(400, 401, 404) },
      },
    },
    (request) => {
      if (!ctx.signIn)
        throw new ApiProblem(
          404,
          'sign-in-not-offered',
          'No sign-in link here',
          'Sign-in links exist only in local mode (`npm start`): use a bearer token from your administrator.',
        );
      return ctx.signIn.redeem(request.body.code);
    },
  );
}
