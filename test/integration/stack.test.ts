import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaClient } from '../../activities/kafka/connection';
import { CareLevel, ClientId } from '../../workflows/search-attributes';
import { devServer, testWorker, timeSkippingEnvironment } from '../stack/environments';
import { testStack } from '../stack/test-stack';

describe('the test stack', () => {
  test('a workflow on the dev server is found again through a custom search attribute', async () => {
    const dev = await devServer();
    const worker = await testWorker(dev.nativeConnection);
    const clientId = `client-${randomUUID()}`;
    try {
      const workflowId = await worker.runUntil(
        dev.client.workflow.execute('searchAttributeProbe', {
          taskQueue: worker.options.taskQueue,
          workflowId: `probe-${clientId}`,
          args: ['iop'],
          typedSearchAttributes: [{ key: ClientId, value: clientId }],
        }),
      );
      const query = `ClientId = "${clientId}" AND CareLevel = "iop"`;
      let found: string[] = [];
      for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
        found = [];
        for await (const execution of dev.client.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length === 0) await sleep(200);
      }
      expect(found).toEqual([workflowId]);
      const description = await dev.client.workflow.getHandle(workflowId).describe();
      expect(description.typedSearchAttributes.get(CareLevel)).toBe('iop');
    } finally {
      await dev.close();
    }
  });

  test('under the time-skipping server, a workflow sleeping 30 days finishes with 30 days of workflow time passed', async () => {
    const env = await timeSkippingEnvironment();
    try {
      const worker = await testWorker(env.nativeConnection);
      const elapsedMs = await worker.runUntil(
        env.client.workflow.execute('longSleepProbe', {
          taskQueue: worker.options.taskQueue,
          workflowId: `sleep-${randomUUID()}`,
          args: [30],
        }),
      );
      expect(elapsedMs).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000);
    } finally {
      await env.teardown();
    }
  });

  test('a round trip through the broker with the idempotent producer (acks -1, one request in flight)', async () => {
    const kafka = kafkaClient(
      // A new broker answers "coordinator not available" until it creates its internal topics; the client retries.
      { brokers: testStack().stack.kafka.brokers, connection: { ssl: false } },
      { clientId: 'stack-test' },
    );
    const topic = `stack-test-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics([{ topic, partitions: 1 }]);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send([
      { topic, key: 'client-1', value: JSON.stringify({ hello: 'broker' }), headers: { kind: 'probe' } },
    ]);
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `stack-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe([topic]);
    const received = await new Promise<{ key: string; value: string; kind: string }>((resolve, reject) => {
      consumer
        .run({
          autoCommit: true,
          eachRecord: async ({ key, value, headers }) =>
            resolve({ key: key?.toString() ?? '', value: value?.toString() ?? '', kind: headers.kind ?? '' }),
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'client-1', value: '{"hello":"broker"}', kind: 'probe' });
  });
});
