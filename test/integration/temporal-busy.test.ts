import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError, isGrpcServiceError } from '@temporalio/client';
import { Harness } from '../../drills/harness';
import { alreadySeen } from '../../pathway/dedup';
import type { Lab } from '../../testkit/lab';
import { SyntheticClient } from '../../testkit/inbound';
import { deliver } from '../../workers/inbound/deliver';
import { maxPermanentAttempts, type Failure } from '../../workers/inbound/failures';
import { retryUntilDone } from '../../workers/inbound/retry';
import { testStack } from '../stack/test-stack';

/**
 * A journey worker frozen mid-flight (SIGSTOP: a process starved of CPU, its connections open) while
 * the bridge reads an admission again: Temporal first lets the state query run out of time, then,
 * once the frozen worker's workflow task timed out, refuses queries until a worker completes it. The
 * bridge must wait that out, however long, and recognise the redelivery once the worker is back.
 */
jest.setTimeout(240_000);

let harness: Harness | undefined;

beforeAll(async () => {
  // The run's own servers, with a task queue no other test's worker polls.
  process.env.TEMPORAL_TASK_QUEUE = `busy-${randomUUID()}`;
  const { stack, dataDir } = testStack();
  const labDir = join(dataDir, `busy-${randomUUID()}`);
  mkdirSync(join(labDir, 'logs'), { recursive: true });
  // Only the servers' addresses and a data dir are used: this test never stops the shared servers.
  const lab = {
    dataDir: labDir,
    temporalAddress: stack.temporal.address,
    brokers: stack.kafka.brokers,
  } as Lab;
  harness = await Harness.open(lab, () => undefined, [{ name: 'worker', role: 'worker' }]);
}, 180_000);

afterAll(async () => {
  harness?.resumeService('worker');
  await harness?.close(5000);
});

/** The gRPC status under a Temporal client error, as `code details`. */
const grpcStatusOf = (error: unknown): string | undefined => {
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) ? `${cause.code} ${cause.details}` : undefined;
};

test('an admission read again while the journey worker is frozen waits, and is a redelivery once it is back', async () => {
  if (!harness) throw new Error('the worker did not start');
  const { journeys } = await harness.journeys();
  const client = SyntheticClient.unique('step-down-iop');
  const admission = client.admitted();
  await journeys.admit(admission);
  expect((await journeys.state(client.clientId)).status).toBe('active');

  harness.pauseService('worker');
  // Signals need no worker: this one schedules the workflow task the frozen worker then holds.
  const attended = client.attended();
  await journeys.recordEvent(attended);

  const failures: { status: string | undefined; failure: Failure }[] = [];
  const neverStopped = new AbortController();
  const refusedWhileTaskRetried = () =>
    failures.filter(({ status }) => status?.startsWith('9 ') && /Workflow Task in failed state/.test(status))
      .length;
  let settled = false;
  const delivering = retryUntilDone(() => deliver(journeys, admission), {
    signal: neverStopped.signal,
    backoff: { initialMs: 250, maxMs: 2000 },
    onFailure: async (error, _attempt, failure) => {
      failures.push({ status: grpcStatusOf(error), failure });
    },
  }).finally(() => (settled = true));

  // Past the attempts after which anything permanent would have been a dead letter.
  const deadline = Date.now() + 150_000;
  while (!settled && refusedWhileTaskRetried() <= maxPermanentAttempts && Date.now() < deadline)
    await sleep(500);
  harness.resumeService('worker');

  const outcome = await delivering;
  expect(outcome).toEqual({ done: true, value: { kind: 'redelivery' } });
  expect(refusedWhileTaskRetried()).toBeGreaterThan(maxPermanentAttempts);
  // What a frozen worker gets the bridge: a query that ran out of time on the server (before the
  // frozen task timed out), then refusals while the task is retried; each waited out.
  for (const { status, failure } of failures) {
    expect(status).toMatch(/^(4 query timed out|9 .*Workflow Task in failed state)/);
    expect(failure).toEqual({ kind: 'infrastructure-away', cause: 'temporal-unavailable' });
  }
  // The event signalled meanwhile was applied once a worker completed the task.
  expect(alreadySeen(await journeys.state(client.clientId), attended.eventId)).toBe(true);
});
