import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createEffectActivities, type EffectPublisher } from '../activities/effects';
import { logLine } from './log';
import { journeyWorkerTracing, type Tracing } from './tracing';
import { journeyBundleOptions, prebuiltJourneyBundle } from './workflow-bundle';

/**
 * The bundle `npm run build` made, traced or not as the worker is, else the workflows bundled now,
 * which delays the start.
 */
function journeyWorkflows(opts: { traced: boolean }): Pick<
  WorkerOptions,
  'workflowBundle' | 'workflowsPath' | 'bundlerOptions'
> & {
  workflowModules?: string[];
} {
  const prebuilt = prebuiltJourneyBundle(opts);
  if (prebuilt) return { workflowBundle: prebuilt };
  logLine('warn', 'journey worker: no current prebuilt workflow bundle (npm run build); bundling at start');
  const { workflowsPath, preloadModules, workflowInterceptorModules } = journeyBundleOptions(opts);
  return { workflowsPath, bundlerOptions: { preloadModules }, workflowModules: workflowInterceptorModules };
}

/** The worker that runs journey workflows and the activities their effects leave through. */
export function createJourneyWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  publisher: EffectPublisher;
  /** carepath's encrypting converter (codec/data-converter.ts): histories hold no clinical values in clear. */
  dataConverter: DataConverter;
  /**
   * A bundle made elsewhere (tests share them); otherwise the build's, or the workflows bundled at
   * start, with the tracing interceptors when `tracing` is given.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where spans go; without it workflow spans are dropped and activities make none. */
  tracing?: Tracing;
  /** Journeys kept in memory (TEMPORAL_MAX_CACHED_WORKFLOWS); the SDK's default when unset. */
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  const { workflowModules, ...workflows } = opts.workflowBundle
    ? { workflowBundle: opts.workflowBundle }
    : journeyWorkflows({ traced: opts.tracing !== undefined });
  const tracing = journeyWorkerTracing(opts.tracing);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter: opts.dataConverter,
    ...(opts.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: opts.maxCachedWorkflows }),
    ...workflows,
    sinks: tracing.sinks,
    interceptors: { ...tracing.interceptors, ...(workflowModules && { workflowModules }) },
    activities: createEffectActivities(opts.publisher),
  });
}
