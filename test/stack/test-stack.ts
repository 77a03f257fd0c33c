import type { RunningStack } from '../../infra/stack';

/**
 * How global setup hands its stack to test files (which run in other processes) and to teardown:
 * through environment variables, which jest workers inherit.
 */
export interface TestStack {
  stack: RunningStack;
  dataDir: string;
  /** The run's workflow bundle, so workers skip re-bundling: an untraced worker's. */
  bundlePath: string;
  /** The same with the tracing interceptors, a traced worker's. */
  tracedBundlePath: string;
  /** The time-skipping test server binary from the cache. */
  testServerBin: string;
}

const variable = 'CAREPATH_TEST_STACK';

export function setTestStack(testStack: TestStack): void {
  process.env[variable] = JSON.stringify(testStack);
  process.env.TEMPORAL_ADDRESS = testStack.stack.temporal.address;
  process.env.KAFKA_BROKERS = testStack.stack.kafka.brokers.join(',');
}

export function testStack(): TestStack {
  const value = process.env[variable];
  if (!value)
    throw new Error(
      `${variable} is unset: run integration tests through jest, whose global setup starts the stack`,
    );
  return JSON.parse(value) as TestStack;
}
