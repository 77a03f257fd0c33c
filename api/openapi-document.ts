import { shippedPrograms } from '../programs';
import type { Journeys } from '../client/journeys';
import type { ApiContext } from './context';
import { ApiMetrics } from './metrics';
import { buildApi } from './server';
import { TokenRegistry } from './tokens';

/**
 * The API's OpenAPI document, built from its routes without Temporal, Kafka or a listening server:
 * routes read their context only when answering, except the program routes' registry.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const ctx = {
    journeys: { programs: shippedPrograms } as Pick<Journeys, 'programs'>,
    metrics: new ApiMetrics(),
  } as ApiContext;
  const app = await buildApi(ctx, new TokenRegistry({ tokens: [] }), false);
  try {
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

type Operation = { parameters?: { in: string; name: string }[] };

/**
 * Every operation the document describes, keyed `METHOD path` (e.g. `get /v1/clients/{clientId}`),
 * with the names of its query parameters.
 */
export function operationsOf(document: Record<string, unknown>): Record<string, string[]> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation | undefined>>;
  const methods = ['get', 'put', 'post', 'delete', 'patch'];
  const entries = Object.entries(paths).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item[method];
      if (!operation) return [];
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      return [[`${method} ${path}`, query] as const];
    }),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
