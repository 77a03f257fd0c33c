import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from './problem';

/** The fastify instance routes are declared on: zod schemas validate requests and answers. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Problem answers a route can give, documented in OpenAPI. */
export const problemAnswers = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, problemSchema]));

export const bearer = [{ bearerAuth: [] }];
