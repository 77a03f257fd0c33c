import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How journey workflows are bundled. With the SDK's reusable V8 context every journey evaluates its
 * own copy of each module it imports, and zod's own modules were most of a journey's heap
 * (`npm run bench`, scale). zod keeps no per-journey state, so it is evaluated once per worker and
 * shared, frozen by the SDK. carepath's schemas are not: zod builds parts of a schema on first use,
 * which a frozen schema refuses.
 *
 * Temporal's OpenTelemetry workflow interceptors are bundled only for a worker that traces: they
 * make spans, contexts and promises on every activation, replays included, which an untraced worker
 * would only drop. They add no history events, so a journey moves between traced and untraced
 * workers freely (test/integration/journey-replay.test.ts replays every fixture with both bundles).
 */
export function journeyBundleOptions(opts: { traced: boolean; workflowsPath?: string }) {
  return {
    workflowsPath: opts.workflowsPath ?? require.resolve('../workflows'),
    preloadModules: [require.resolve('../workflows/shared-zod')],
    // Journeys carry the trace of each input to the effects it causes (workers/tracing.ts registers
    // the spans' sink).
    workflowInterceptorModules: opts.traced ? [require.resolve('../workflows/tracing-interceptors')] : [],
  };
}

/**
 * Where `npm run build` writes the bundles (workers/bundle-workflows.ts), beside the compiled code
 * they were made from: `lib/journey-workflows.bundle.js`, and `lib/journey-workflows.traced.bundle.js`
 * with the tracing interceptors. Running from sources (ts-jest) there are none.
 */
export const journeyBundlePath = (opts: { traced: boolean }): string =>
  join(__dirname, '..', opts.traced ? 'journey-workflows.traced.bundle.js' : 'journey-workflows.bundle.js');

/**
 * The bundle made at build time, so a worker starts in seconds instead of bundling; undefined when
 * there is none or it is older than the compiled workflows (a `tsc` run without the bundling step),
 * since a stale bundle would run other code than the one deployed.
 */
export function prebuiltJourneyBundle(opts: { traced: boolean }): { codePath: string } | undefined {
  const codePath = journeyBundlePath(opts);
  if (!existsSync(codePath)) return undefined;
  const compiledWorkflows = require.resolve('../workflows');
  return statSync(codePath).mtimeMs >= statSync(compiledWorkflows).mtimeMs ? { codePath } : undefined;
}
