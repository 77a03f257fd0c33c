import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { journeyBundleOptions, journeyBundlePath } from './workflow-bundle';

/**
 * Part of `npm run build`: bundles the journey workflows once, into lib/, so that workers (and the
 * image) load the bundle instead of bundling at every start.
 */
async function main() {
  const { code } = await bundleWorkflowCode({
    ...journeyBundleOptions(),
    logger: {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      log: () => undefined,
      warn: (message: string) => console.error(`bundle-workflows: ${message}`),
      error: (message: string) => console.error(`bundle-workflows: ${message}`),
    },
  });
  writeFileSync(journeyBundlePath(), code);
  console.log(`bundle-workflows: wrote ${journeyBundlePath()} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
