import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { journeyBundleOptions, journeyBundlePath } from './workflow-bundle';

/**
 * Part of `npm run build`: bundles the journey workflows once, into lib/, so that workers (and the
 * image) load a bundle instead of bundling at every start: one for untraced workers, one with the
 * tracing interceptors.
 */
async function main() {
  const logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    log: () => undefined,
    warn: (message: string) => console.error(`bundle-workflows: ${message}`),
    error: (message: string) => console.error(`bundle-workflows: ${message}`),
  };
  for (const traced of [false, true]) {
    const { code } = await bundleWorkflowCode({ ...journeyBundleOptions({ traced }), logger });
    const path = journeyBundlePath({ traced });
    writeFileSync(path, code);
    console.log(`bundle-workflows: wrote ${path} (${Math.round(code.length / 1024)} KiB)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
