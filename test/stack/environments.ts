import { createHash, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { installTemporalLogging } from '../../workers/structured-logs';
import { carepathDataConverter } from '../../codec/data-converter';
import type { KeyRing } from '../../codec/key-ring';
import { timeSkippingServer } from '../../testkit/time-skipping';
import { testStack } from './test-stack';

// The services' structured, redacted log, as in production; INFO lines would bury test output.
installTemporalLogging('WARN');

/**
 * The tests' payload key: tests run with encryption on, as carepath always does. Fixed, because the
 * recorded replay fixtures (test/fixtures/histories) are encrypted with it; it protects nothing else.
 */
export const testKeyRing: KeyRing = {
  currentKeyId: 'test-1',
  keys: new Map([['test-1', createHash('sha256').update('carepath test payload key').digest()]]),
};
export const testDataConverter = carepathDataConverter(testKeyRing);

/**
 * A time-skipping server of the file's own: its clock is global to the server, so files running in
 * parallel must not share one.
 */
export function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return timeSkippingServer(testStack().testServerBin, testDataConverter);
}

/** A client (encrypting with the test key) and a worker connection to the run's dev server. */
export async function devServer() {
  const { address } = testStack().stack.temporal;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, dataConverter: testDataConverter }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A worker on a task queue of its own, using the run's shared workflow bundle. */
export function testWorker(
  connection: NativeConnection,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue: `test-${randomUUID()}`,
    workflowBundle: { codePath: testStack().bundlePath },
    dataConverter: testDataConverter,
    ...options,
  });
}
