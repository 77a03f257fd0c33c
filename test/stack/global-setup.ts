import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadLocalConfig } from '../../config';
import { ensureInstalled } from '../../infra/install';
import { freePort } from '../../infra/ports';
import { startStack } from '../../infra/stack';
import { journeyBundleOptions } from '../../workers/workflow-bundle';
import { setTestStack } from './test-stack';

/**
 * The integration tests' own Temporal dev server and Kafka broker: free ports, a throwaway data
 * dir, never the developer's running stack. A server that cannot start fails the run with its reason.
 */
export default async function globalSetup(): Promise<void> {
  const progress = (message: string) => process.stderr.write(`[test stack] ${message}\n`);
  const started = Date.now();
  const config = loadLocalConfig();
  const install = await ensureInstalled(config.cacheDir, progress);
  const dataDir = mkdtempSync(join(tmpdir(), 'carepath-test-stack-'));
  const [stack, untraced, traced] = await Promise.all([
    (async () =>
      startStack(
        install,
        {
          dataDir,
          temporal: { port: await freePort() },
          kafka: { port: await freePort(), controllerPort: await freePort() },
        },
        progress,
      ))(),
    // Bundled once per run and shared by every test's workers, as a worker is: untraced or traced.
    bundleJourneys({ traced: false }),
    bundleJourneys({ traced: true }),
  ]);
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  const tracedBundlePath = join(dataDir, 'workflow-bundle.traced.js');
  writeFileSync(bundlePath, untraced.code);
  writeFileSync(tracedBundlePath, traced.code);
  setTestStack({ stack, dataDir, bundlePath, tracedBundlePath, testServerBin: install.temporalTestServer });
  progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${dataDir})`);
}

const bundleJourneys = (opts: { traced: boolean }) =>
  bundleWorkflowCode({
    ...journeyBundleOptions({ ...opts, workflowsPath: require.resolve('../workflows') }),
    logger: quietBundlerLogger,
  });

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
