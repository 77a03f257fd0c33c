import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { identifierMaxLength } from '../schemas';
import type { ApiApp } from './app';
import { requireTokens } from './authentication';
import type { ApiContext } from './context';
import { serveCoordinatorApp } from './coordinator-app';
import { answerErrorsAsProblems } from './error-answers';
import { approvalRoutes } from './routes/approvals';
import { clientRoutes } from './routes/clients';
import { commandRoutes } from './routes/commands';
import { episodeRoutes } from './routes/episodes';
import { groupRoutes } from './routes/groups';
import { eventRoutes } from './routes/events';
import { importRoutes } from './routes/imports';
import { operationsRoutes } from './routes/operations';
import { programRoutes } from './routes/programs';
import { sessionRoutes } from './routes/session';
import { enforceProgramScope } from './scope';
import type { TokenRegistry } from './tokens';
import { traceRequests } from './tracing';
import type { ServeTls } from '../config/serve-tls';
import { logger as carepathLogger } from '../workers/log';

/**
 * One access line per answered request through carepath's logger (so it has the same shape and
 * redaction as every other line): request id, method, path (whose ids are client and proposal
 * ids), route template, status, time taken and, once authenticated, the staff id (a binding
 * `requireTokens` gives `request.log`); never bodies, headers, tokens or addresses.
 */
class AccessLines extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(_error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  }
}

/** The coordinator API, ready to listen (or to take injected requests); over HTTPS when given `tls`. */
export async function buildApi(
  ctx: ApiContext,
  tokens: TokenRegistry,
  logger: FastifyBaseLogger | false = carepathLogger,
  tls?: ServeTls,
): Promise<ApiApp> {
  // Every id that validates must be routable (fastify answers 404 to a longer path parameter), even
  // with each character percent-encoded.
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    logController: new AccessLines(),
    routerOptions: { maxParamLength: 3 * identifierMaxLength },
    ...(tls && { https: { cert: tls.cert, key: tls.key.reveal() } }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'carepath coordinator API',
        description:
          'Admit clients, record what happened, request and decide level-of-care changes, discharge. ' +
          'Errors are application/problem+json (RFC 9457). Writes accept an Idempotency-Key.',
        version: '1',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  // First, so a request's span covers its authentication and its scope check's query.
  traceRequests(app);
  requireTokens(app, tokens, ctx.oidc);
  enforceProgramScope(app, ctx);
  ctx.metrics.instrument(app);
  answerErrorsAsProblems(app, ctx);
  operationsRoutes(app, ctx);
  sessionRoutes(app, ctx);
  episodeRoutes(app, ctx);
  clientRoutes(app, ctx);
  approvalRoutes(app, ctx);
  eventRoutes(app, ctx);
  groupRoutes(app, ctx);
  commandRoutes(app, ctx);
  programRoutes(app, ctx);
  importRoutes(app, ctx);
  serveCoordinatorApp(app);
  await app.ready();
  return app;
}
