import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
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

  test('kafkajs round trip through the broker with an idempotent producer (acks -1, one request in flight)', async () => {
    const kafka = new Kafka({
      clientId: 'stack-test',
      brokers: testStack().stack.kafka.brokers, // A new broker answers "coordinator not available" until it creates its internal topics; kafkajs retries.
      logLevel: logLevel.NOTHING,
    });
    const topic = `stack-test-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const [record] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'client-1', value: JSON.stringify({ hello: 'broker' }), headers: { kind: 'probe' } }],
    });
    await producer.disconnect();
    expect(record?.errorCode).toBe(0);

    const consumer = kafka.consumer({ groupId: `stack-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; kind: string }>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) =>
            resolve({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              kind: message.headers?.kind?.toString() ?? '',
            }),
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'client-1', value: '{"hello":"broker"}', kind: 'probe' });
  });
});
