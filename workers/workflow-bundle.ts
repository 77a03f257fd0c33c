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
  };
}
