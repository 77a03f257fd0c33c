import { sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CareLevel } from '../../workflows/search-attributes';

/** Sets a search attribute and returns, so a test can find it through a visibility query. */
export async function searchAttributeProbe(level: string): Promise<string> {
  upsertSearchAttributes([{ key: CareLevel, value: level }]);
  return workflowInfo().workflowId;
}

/** Sleeps for `days` of workflow time and reports how much workflow time passed. */
export async function longSleepProbe(days: number): Promise<number> {
  const before = Date.now();
  await sleep(`${days} days`);
  return Date.now() - before;
}
