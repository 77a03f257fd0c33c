import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ApiApp } from './app';
import type { ApiContext } from './context';
import { ApiProblem, problemContentType } from './problem';
import { problemFromJourneyError } from './refusals';
import { everAdmitted } from './write';

// A body can fail on every element of a long array; the first problems say what to fix.
const listedIssues = 20;

/** Fastify's own 4xx errors (bad JSON, wrong media type, body too large), as problems. */
function fastifyClientError(error: FastifyError): ApiProblem | undefined {
  const status = error.statusCode;
  if (status === undefined || status < 400 || status > 499) return undefined;
  const slug = (error.code ?? 'bad-request')
    .replace(/^FST_ERR_/, '')
    .toLowerCase()
    .replace(/_/g, '-');
  return new ApiProblem(
    status,
    slug,
    'Request not accepted',
    `${error.message}: fix the request and send it again.`,
  );
}

/** Every error leaves as application/problem+json; only unexpected ones are logged, with identifiers only. */
export function answerErrorsAsProblems(app: ApiApp, ctx: ApiContext): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let problem: ApiProblem | undefined;
    if (hasZodFastifySchemaValidationErrors(error)) {
      const location = error.validationContext ?? 'body';
      problem = new ApiProblem(
        400,
        'invalid-request',
        'Invalid request',
        `The request's ${location} does not match the API's schema (see /openapi.json): fix the issues listed.`,
        {
          issues: error.validation.slice(0, listedIssues).map((issue) => ({
            location,
            path: issue.instancePath.split('/').filter(Boolean),
            message: issue.message ?? 'invalid',
          })),
          ...(error.validation.length > listedIssues && {
            issuesNotListed: error.validation.length - listedIssues,
          }),
        },
      );
    } else if (!isResponseSerializationError(error)) {
      problem = (await problemFromJourneyError(error, everAdmitted(ctx))) ?? fastifyClientError(error);
    }
    if (!problem) {
      // The error's name only: its message and stack may quote what the request carried.
      request.log.error({ error: error.name }, 'request failed');
      problem = new ApiProblem(
        500,
        'internal-error',
        'Internal error',
        `carepath could not answer this request: retry later, and if it keeps failing give your administrator the request id ${request.id}.`,
        { requestId: request.id },
      );
    }
    return reply
      .code(problem.status)
      .headers({ ...problem.headers, 'content-type': problemContentType })
      .send(problem.toProblem(request.url.split('?')[0] ?? request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(problemContentType)
      .send(
        new ApiProblem(
          404,
          'no-such-route',
          'No such route',
          `${request.method} ${request.url.split('?')[0]} is not part of the API: see /docs for the routes.`,
        ).toProblem(request.url.split('?')[0] ?? request.url),
      ),
  );
}
