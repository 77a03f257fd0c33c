import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { carepathSearchAttributes } from '../workflows/search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

/**
 * A time-skipping test server (the installed binary at `testServerBin`) with carepath's search
 * attributes registered, as journeys set them. Its clock is global to the server, so every caller
 * that moves time needs a server of its own.
 */
export async function timeSkippingServer(
  testServerBin: string,
  dataConverter: DataConverter,
): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerBin } },
    client: { dataConverter },
  });
  // The dev server registers these at start (infra/temporal-server.ts); the test server needs telling.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      carepathSearchAttributes.map((key) => [
        key.name,
        key.type === 'DATETIME'
          ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
          : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** Moves a time-skipping server's clock forward to `instant` (never back). */
export async function advanceClock(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const delta = Date.parse(instant) - (await env.currentTimeMs());
  if (delta > 0) await env.sleep(delta);
}
