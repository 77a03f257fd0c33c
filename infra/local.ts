import type { CarepathConfig } from '../config';
import { ensureInstalled } from './install';
import { localLayout, runningStack, startStack, type RunningStack } from './stack';

/**
 * The developer's local stack: reuses one that is already running for this data dir, or installs
 * what is missing and starts it. `startedHere` tells the caller whether stopping it is its job.
 */
export async function ensureLocalStack(
  config: CarepathConfig,
  progress: (message: string) => void,
): Promise<{ stack: RunningStack; startedHere: boolean }> {
  const running = runningStack(config.dataDir);
  if (running) return { stack: running, startedHere: false };
  const install = await ensureInstalled(config.cacheDir, progress);
  const stack = await startStack(install, await localLayout(config), progress);
  return { stack, startedHere: true };
}

export function describeStack(stack: RunningStack, config: CarepathConfig): string {
  return [
    `Temporal frontend  ${stack.temporal.address}  (namespace ${config.temporal.namespace})`,
    `Temporal Web UI    ${stack.temporal.uiUrl ?? '(headless)'}`,
    `Kafka broker       ${stack.kafka.brokers.join(',')}`,
    `data dir           ${config.dataDir}  (logs in ${config.dataDir}/logs)`,
  ].join('\n');
}
