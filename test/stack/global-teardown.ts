import { rmSync } from 'node:fs';
import { stopStack } from '../../infra/stack';
import { testStack } from './test-stack';

export default async function globalTeardown(): Promise<void> {
  const { stack, dataDir } = testStack();
  await stopStack(stack, dataDir);
  if (process.env.CAREPATH_KEEP_TEST_DATA) process.stderr.write(`[test stack] data kept in ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}
