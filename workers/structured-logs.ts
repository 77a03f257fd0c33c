import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { logLine, scalarFields } from './log';
import { exportTemporalMetricsOn } from './temporal-metrics';

/**
 * Routes the Temporal SDK's (its Core's included) own log lines through carepath's structured, redacted
 * JSON log, so that every line a service writes follows the same rules (kafkajs's: activities/kafka/logs.ts).
 */

type Level = 'info' | 'warn' | 'error';

const temporalLevels: Partial<Record<LogEntry['level'], Level>> = {
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed: Runtime | undefined;

/**
 * Must run before any Temporal worker or connection is created in the process. `shutdownSignals`
 * are those on which the SDK shuts workers down itself (its default: SIGINT, SIGTERM, SIGQUIT,
 * SIGUSR2); carepath's services pass none, as they report not-ready before their worker drains.
 * With `metricsPort` (a free loopback port), the SDK's metrics join the process's `/metrics`.
 */
export function installTemporalLogging(
  minimum: 'INFO' | 'WARN' = 'INFO',
  shutdownSignals?: NodeJS.Signals[],
  metricsPort?: number,
): void {
  installed = Runtime.install({
    ...(shutdownSignals && { shutdownSignals }),
    // Core (the SDK's native part) would otherwise print its own lines straight to the console.
    telemetryOptions: {
      logging: { filter: { core: minimum, other: 'WARN' }, forward: {} },
      ...(metricsPort !== undefined && {
        metrics: {
          // Prometheus' own conventions, as carepath's series follow them.
          prometheus: {
            ...exportTemporalMetricsOn(metricsPort),
            countersTotalSuffix: true,
            unitSuffix: true,
            useSecondsForDurations: true,
          },
        },
      }),
    },
    logger: new DefaultLogger(minimum, (entry) => {
      const level = temporalLevels[entry.level];
      if (level) logLine(level, entry.message, { logger: 'temporal', ...scalarFields(entry.meta) });
    }),
  });
}

/**
 * Once the services have stopped: forwarding Core's logs keeps the process alive until the SDK's
 * runtime shuts down, which it does by itself only when its last worker or connection closes (a
 * process without a worker, the API's or the codec server's, has none).
 */
export async function releaseTemporalRuntime(): Promise<void> {
  await installed?.shutdown();
}
