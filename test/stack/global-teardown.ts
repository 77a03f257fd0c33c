import { rmSync } from 'node:fs';
import { stopStack } from '../../infra/stack';
import { checkStructuredLogs, readCapturedLogs } from './log-capture';
import { testStack } from './test-stack';

export default async function globalTeardown(): Promise<void> {
  const { stack, dataDir } = testStack();
  await stopStack(stack, dataDir);
  const { structured, problems } = checkStructuredLogs(readCapturedLogs(dataDir));
  process.stderr.write(`[test stack] checked ${structured} structured log lines for clinical data\n`);
  if (process.env.CAREPATH_KEEP_TEST_DATA) process.stderr.write(`[test stack] data kept in ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
  // A few files may log nothing; the whole suite (as CI runs it) always logs, unless capture broke.
  if (structured === 0 && process.env.CI)
    throw new Error('No structured log line was captured: the log check would prove nothing.');
  if (problems.length > 0) {
    throw new Error(
      `Logs written during the suite carry clinical data:\n${problems.slice(0, 20).join('\n')}`,
    );
  }
}
