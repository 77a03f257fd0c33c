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
  const [stack, workflowBundle] = await Promise.all([
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
    // Bundled once per run and shared by every test's workers.
    bundleWorkflowCode({
      ...journeyBundleOptions(require.resolve('../workflows')),
      logger: quietBundlerLogger,
    }),
  ]);
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, workflowBundle.code);
  setTestStack({ stack, dataDir, bundlePath, testServerBin: install.temporalTestServer });
  progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${dataDir})`);
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
