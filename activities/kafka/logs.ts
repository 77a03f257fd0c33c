import { logLevel, type logCreator } from 'kafkajs';
import { logLine, scalarFields } from '../../workers/log';

/** The lowest level of kafkajs's own lines that reach carepath's structured log, or none of them. */
export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'none';

export const kafkajsLogLevel: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  none: logLevel.NOTHING,
};

const carepathLevels: Partial<Record<logLevel, 'info' | 'warn' | 'error'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
};

/** kafkajs's lines through carepath's structured, redacted log, as every other line a service writes. */
export const kafkaLogCreator: logCreator =
  () =>
  ({ level, log }) => {
    const mapped = carepathLevels[level];
    const { message, ...fields } = log;
    if (mapped) logLine(mapped, message, { logger: 'kafkajs', ...scalarFields(fields) });
  };
