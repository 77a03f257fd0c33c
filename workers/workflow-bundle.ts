import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How journey workflows are bundled. With the SDK's reusable V8 context every journey evaluates its
 * own copy of each module it imports, and zod's own modules were most of a journey's heap
 * (`npm run bench`, scale). zod keeps no per-journey state, so it is evaluated once per worker and
 * shared, frozen by the SDK. carepath's schemas are not: zod builds parts of a schema on first use,
 * which a frozen schema refuses.
 */
export function journeyBundleOptions(workflowsPath = require.resolve('../workflows')) {
  return {
    workflowsPath,
    preloadModules: [require.resolve('../workflows/shared-zod')],
    // In every bundle, as workflow code cannot tell whether its worker traces: journeys carry the
    // trace of each input to the effects it causes (workers/tracing.ts registers the spans' sink).
    workflowInterceptorModules: [require.resolve('../workflows/tracing-interceptors')],
  };
}

/**
 * Where `npm run build` writes the bundle (workers/bundle-workflows.ts): `lib/journey-workflows.bundle.js`,
 * beside the compiled code it was made from. Running from sources (ts-jest) there is none.
 */
export const journeyBundlePath = (): string => join(__dirname, '..', 'journey-workflows.bundle.js');

/**
 * The bundle made at build time, so a worker starts in seconds instead of bundling; undefined when
 * there is none or it is older than the compiled workflows (a `tsc` run without the bundling step),
 * since a stale bundle would run other code than the one deployed.
 */
export function prebuiltJourneyBundle(): { codePath: string } | undefined {
  const codePath = journeyBundlePath();
  if (!existsSync(codePath)) return undefined;
  const compiledWorkflows = require.resolve('../workflows');
  return statSync(codePath).mtimeMs >= statSync(compiledWorkflows).mtimeMs ? { codePath } : undefined;
}
