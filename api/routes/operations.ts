import { z } from 'zod';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import type { ApiContext } from '../context';
import { readers } from '../roles';
import { healthAnswer } from '../schemas';

export function operationsRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Whether Temporal and Kafka answer: 200 when both do, 503 otherwise',
        tags: ['operations'],
        response: { 200: healthAnswer, 503: healthAnswer },
      },
    },
    async (_request, reply) => {
      const checks = await ctx.health.check();
      const ok = checks.temporal.ok && checks.kafka.ok;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: readers },
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        security: bearer,
        response: {
          200: z.string().describe('Prometheus text exposition format'),
          ...problemAnswers(401, 403),
        },
      },
    },
    async (_request, reply) =>
      reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
}
