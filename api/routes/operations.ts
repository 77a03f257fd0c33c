import { z } from 'zod';
import type { ApiApp } from '../app';
import { bearer, problemAnswers } from '../app';
import type { ApiContext } from '../context';
import { readers } from '../roles';
import { livenessAnswer, readinessAnswer } from '../../schemas/readiness';
import { healthAnswer } from '../route-schemas';
import { temporalSdkMetrics } from '../../workers/temporal-metrics';

export function operationsRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public', traced: false },
      schema: {
        summary:
          'Whether Temporal and Kafka answer: 200 when both do, 503 otherwise; degraded (still 200) while the inbound bridge is stalled or retrying',
        tags: ['operations'],
        response: { 200: healthAnswer, 503: healthAnswer },
      },
    },
    async (_request, reply) => {
      const reachable = await ctx.health.check();
      const bridge = ctx.bridge?.health();
      // The API still answers while the bridge lags, so only Temporal or Kafka away makes it unready.
      const up = reachable.temporal.ok && reachable.kafka.ok;
      const ok = up && (bridge?.ok ?? true);
      return reply
        .code(up ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', checks: { ...reachable, ...(bridge && { bridge }) } });
    },
  );

  app.get(
    '/livez',
    {
      config: { access: 'public', traced: false },
      schema: {
        summary: 'Liveness: 200 while the process answers; restart it when it does not',
        tags: ['operations'],
        response: { 200: livenessAnswer },
      },
    },
    () => ({ status: 'alive' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public', traced: false },
      schema: {
        summary:
          "Readiness of the process's roles: 200 when every one serves, 503 while one starts or after a stop signal",
        tags: ['operations'],
        response: { 200: readinessAnswer, 503: readinessAnswer },
      },
    },
    async (_request, reply) => {
      // An API built without a process around it (tests) serves as soon as it answers.
      const report = ctx.readiness?.report() ?? {
        status: 'ready' as const,
        roles: { api: 'ready' as const },
      };
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: readers, traced: false },
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
    async (_request, reply) => {
      const bridge = ctx.bridge ? await ctx.bridge.registry.metrics() : '';
      return reply
        .type(ctx.metrics.registry.contentType)
        .send((await ctx.metrics.registry.metrics()) + bridge + (await temporalSdkMetrics()));
    },
  );

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
}
