import { z } from 'zod';
import { ConfigError } from '.';

/**
 * OpenTelemetry's own variables, read as every OpenTelemetry SDK reads them, so an operator's
 * collector settings work unchanged. The OTLP exporter itself reads the endpoint, headers and
 * timeouts; this decides only whether traces are exported, and names the service.
 */
export const tracingEnvironmentSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'none'], { message: "expected 'otlp' or 'none' (carepath exports traces over OTLP only)" })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'expected the collector’s base URL, e.g. http://collector:4318' })
    .optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      message: 'expected the collector’s traces URL, e.g. http://collector:4318/v1/traces',
    })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('carepath'),
});

export const tracingVariables = Object.keys(tracingEnvironmentSchema.shape);

/** Whether traces leave the process, and under which service name. */
export type TracingConfig = { export: 'none' } | { export: 'otlp'; serviceName: string };

/**
 * Off unless a collector is named: a deployment without one pays nothing for spans. Asking for OTLP
 * without an endpoint is refused rather than sent to a default address nobody listens on.
 */
export function loadTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const parsed = tracingEnvironmentSchema.safeParse(
    Object.fromEntries(tracingVariables.map((name) => [name, env[name] === '' ? undefined : env[name]])),
  );
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        return { variable, value: env[variable], message: issue.message };
      }),
    );
  const e = parsed.data;
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (e.OTEL_SDK_DISABLED === 'true' || e.OTEL_TRACES_EXPORTER === 'none') return { export: 'none' };
  if (endpoint === undefined) {
    if (e.OTEL_TRACES_EXPORTER === 'otlp')
      throw new ConfigError([
        {
          variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: undefined,
          message:
            "OTEL_TRACES_EXPORTER is 'otlp': set the collector's base URL, or set OTEL_TRACES_EXPORTER=none",
        },
      ]);
    return { export: 'none' };
  }
  return { export: 'otlp', serviceName: e.OTEL_SERVICE_NAME };
}
