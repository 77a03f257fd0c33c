import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { logLevel, type logCreator } from 'kafkajs';
import { logLine, type LogFields } from './log';

/**
 * Routes the Temporal SDK's (its Core's included) and kafkajs's own log lines through carepath's structured, redacted
 * JSON log, so that every line a service writes follows the same rules.
 */

type Level = 'info' | 'warn' | 'error';

/** Scalar fields only: nested objects could carry anything, so they never reach the log. */
function scalars(fields: Record<string, unknown> | undefined): LogFields {
  return Object.fromEntries(
    Object.entries(fields ?? {}).filter(([, value]) =>
      ['string', 'number', 'boolean'].includes(typeof value),
    ),
  ) as LogFields;
}

const temporalLevels: Partial<Record<LogEntry['level'], Level>> = {
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Must run before any Temporal worker or connection is created in the process. `shutdownSignals`
 * are those on which the SDK shuts workers down itself (its default: SIGINT, SIGTERM, SIGQUIT,
 * SIGUSR2); carepath's services pass none, as they report not-ready before their worker drains.
 */
export function installTemporalLogging(
  minimum: 'INFO' | 'WARN' = 'INFO',
  shutdownSignals?: NodeJS.Signals[],
): void {
  Runtime.install({
    ...(shutdownSignals && { shutdownSignals }),
    // Core (the SDK's native part) would otherwise print its own lines straight to the console.
    telemetryOptions: { logging: { filter: { core: minimum, other: 'WARN' }, forward: {} } },
    logger: new DefaultLogger(minimum, (entry) => {
      const level = temporalLevels[entry.level];
      if (level) logLine(level, entry.message, { logger: 'temporal', ...scalars(entry.meta) });
    }),
  });
}

const kafkaLevels: Partial<Record<logLevel, Level>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
};

export const kafkaLogCreator: logCreator =
  () =>
  ({ level, log }) => {
    const mapped = kafkaLevels[level];
    const { message, ...fields } = log;
    if (mapped) logLine(mapped, message, { logger: 'kafkajs', ...scalars(fields) });
  };
