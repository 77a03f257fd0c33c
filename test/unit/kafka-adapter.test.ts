import { kafkajsAdmin } from '../../activities/kafka/admin';
import { kafkajsConsumer, type InboundRecord } from '../../activities/kafka/consumer';
import { kafkajsProducer } from '../../activities/kafka/producer';

/**
 * The adapter's translation between kafkajs and carepath's own types, against stand-ins of the
 * kafkajs objects (the integration tests run it on a real broker).
 */

type Listener = (event: { payload: { restart: boolean } }) => void;

/** A stand-in kafkajs client: records the calls the adapter makes, answers as kafkajs would. */
function fakeKafkajs() {
  const calls: { method: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Listener>();
  let handler: ((payload: unknown) => Promise<void>) | undefined;
  const record =
    (method: string, answer?: unknown) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      return answer;
    };
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop' },
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    subscribe: record('subscribe'),
    commitOffsets: record('commitOffsets'),
    run: async ({
      eachMessage,
      eachBatch,
      ...options
    }: {
      eachMessage?: (payload: unknown) => Promise<void>;
      eachBatch?: (payload: unknown) => Promise<void>;
    }) => {
      calls.push({ method: 'run', args: [options] });
      handler = eachMessage ?? eachBatch;
    },
  };
  const admin = {
    describeCluster: record('describeCluster', { brokers: [{}, {}, {}] }),
    createTopics: record('createTopics', true),
    fetchTopicMetadata: record('fetchTopicMetadata', {
      topics: [
        { name: 'a', partitions: [{ leader: 1 }, { leader: 2 }, { leader: 3 }] },
        { name: 'b', partitions: [{ leader: 1 }] },
      ],
    }),
    fetchTopicOffsets: record('fetchTopicOffsets', [{ partition: 0, offset: '7', high: '7', low: '2' }]),
    fetchOffsets: record('fetchOffsets', [
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: '5', metadata: null },
          { partition: 1, offset: '-1', metadata: null },
        ],
      },
    ]),
  };
  const producer = { sendBatch: record('sendBatch') };
  const kafka = {
    consumer: (config: unknown) => (calls.push({ method: 'consumer', args: [config] }), consumer),
    admin: () => admin,
    producer: (config: unknown) => (calls.push({ method: 'producer', args: [config] }), producer),
  };
  return {
    kafka: kafka as never,
    calls,
    emit: (event: string, restart = false) => listeners.get(event)?.({ payload: { restart } }),
    deliver: (payload: unknown) => handler?.(payload),
  };
}

describe('the Kafka adapter', () => {
  test('a consumer hands records over in carepath’s shape and passes commits and membership through', async () => {
    const fake = fakeKafkajs();
    const consumer = kafkajsConsumer(fake.kafka, { groupId: 'bridge', maxWaitMs: 50 });
    expect(fake.calls[0]).toEqual({
      method: 'consumer',
      args: [{ groupId: 'bridge', allowAutoTopicCreation: false, maxWaitTimeInMs: 50 }],
    });
    const membership: string[] = [];
    consumer.on('group-join', () => membership.push('joined'));
    consumer.on('crash', (restarting) => membership.push(`crashed, restarting ${restarting}`));
    consumer.on('stop', () => membership.push('stopped'));
    fake.emit('consumer.group_join');
    fake.emit('consumer.crash', true);
    fake.emit('consumer.stop');
    expect(membership).toEqual(['joined', 'crashed, restarting true', 'stopped']);

    await consumer.subscribe(['client-events']);
    expect(fake.calls.at(-1)).toEqual({
      method: 'subscribe',
      args: [{ topics: ['client-events'], fromBeginning: true }],
    });
    const seen: InboundRecord[] = [];
    let heartbeats = 0;
    await consumer.run({
      autoCommit: false,
      eachRecord: async (record, heartbeat) => {
        seen.push(record);
        await heartbeat();
      },
    });
    await fake.deliver({
      topic: 'client-events',
      partition: 2,
      message: {
        offset: '41',
        key: Buffer.from('client-1'),
        value: Buffer.from('{}'),
        timestamp: '1767225600000',
        headers: {
          traceparent: Buffer.from('00-abc-def-01'),
          repeated: ['first', Buffer.from('last')],
          absent: undefined,
        },
      },
      heartbeat: async () => void heartbeats++,
    });
    expect(seen).toEqual([
      {
        topic: 'client-events',
        partition: 2,
        offset: '41',
        key: Buffer.from('client-1'),
        value: Buffer.from('{}'),
        headers: { traceparent: '00-abc-def-01', repeated: 'last' },
        timestamp: 1767225600000,
      },
    ]);
    expect(heartbeats).toBe(1);
    expect(fake.calls.find((c) => c.method === 'run')?.args).toEqual([{ autoCommit: false }]);

    await consumer.commit([{ topic: 'client-events', partition: 2, offset: '42' }]);
    expect(fake.calls.at(-1)).toEqual({
      method: 'commitOffsets',
      args: [[{ topic: 'client-events', partition: 2, offset: '42' }]],
    });
  });

  test('a consumer hands a partition’s batch over whole, one partition at a time, and says when the group takes it back', async () => {
    const fake = fakeKafkajs();
    const consumer = kafkajsConsumer(fake.kafka, { groupId: 'bridge' });
    const resolved: string[] = [];
    let running = true;
    let refusal: Error | undefined;
    const answers: string[] = [];
    await consumer.run({
      autoCommit: false,
      eachBatch: async (batch) => {
        expect(batch.records.map((r) => [r.partition, r.offset, r.headers])).toEqual([
          [1, '7', { traceparent: 'tp' }],
          [1, '8', {}],
        ]);
        answers.push(await batch.heartbeat());
        refusal = Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
        answers.push(await batch.heartbeat());
        refusal = new Error('broker away');
        await expect(batch.heartbeat()).rejects.toThrow('broker away');
        batch.resolveOffset('7');
        expect(batch.stillHeld()).toBe(true);
        running = false;
        expect(batch.stillHeld()).toBe(false);
      },
    });
    // The handler resolves and commits; kafkajs must neither, nor hand one partition out twice at once.
    expect(fake.calls.find((c) => c.method === 'run')?.args).toEqual([
      { autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1 },
    ]);
    const message = (offset: string, headers = {}) => ({
      offset,
      key: Buffer.from('client-1'),
      value: Buffer.from('{}'),
      headers,
      timestamp: '1767225600000',
    });
    await fake.deliver({
      batch: {
        topic: 'client-events',
        partition: 1,
        messages: [message('7', { traceparent: Buffer.from('tp') }), message('8')],
      },
      heartbeat: async () => {
        if (refusal) throw refusal;
      },
      isRunning: () => running,
      isStale: () => false,
      resolveOffset: (offset: string) => void resolved.push(offset),
    });
    expect(answers).toEqual(['held', 'rejoining']);
    expect(resolved).toEqual(['7']);
  });

  test('the admin answers in carepath’s shape: brokers counted, bounds and commits per partition, topic settings by name', async () => {
    const fake = fakeKafkajs();
    const admin = kafkajsAdmin(fake.kafka);
    expect(await admin.brokerCount()).toBe(3);
    expect(await admin.partitionBounds('t')).toEqual([{ partition: 0, low: '2', high: '7' }]);
    expect(await admin.committedOffsets('bridge', 't')).toEqual([
      { partition: 0, offset: '5' },
      { partition: 1, offset: '-1' },
    ]);
    expect(fake.calls.at(-1)).toEqual({
      method: 'fetchOffsets',
      args: [{ groupId: 'bridge', topics: ['t'] }],
    });
    await admin.createTopics([
      { topic: 'a', partitions: 3, replicationFactor: 3, config: { 'min.insync.replicas': '2' } },
      { topic: 'b', partitions: 1 },
    ]);
    // Creation returns once every new partition has a leader the cluster's metadata names.
    expect(fake.calls.at(-1)).toEqual({ method: 'fetchTopicMetadata', args: [{ topics: ['a', 'b'] }] });
    expect(fake.calls.at(-2)).toEqual({
      method: 'createTopics',
      args: [
        {
          waitForLeaders: false,
          topics: [
            {
              topic: 'a',
              numPartitions: 3,
              replicationFactor: 3,
              configEntries: [{ name: 'min.insync.replicas', value: '2' }],
            },
            { topic: 'b', numPartitions: 1 },
          ],
        },
      ],
    });
  });

  test('a producer keeps one request in flight, never creates topics, and sends each call as one batch acknowledged by all replicas', async () => {
    const fake = fakeKafkajs();
    const producer = kafkajsProducer(fake.kafka, { idempotent: true });
    expect(fake.calls[0]).toEqual({
      method: 'producer',
      args: [{ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }],
    });
    await producer.send([]);
    expect(fake.calls.filter((c) => c.method === 'sendBatch')).toEqual([]);
    await producer.send([
      { topic: 'care-events', key: 'c1', value: 'one', headers: { 'content-type': 'x' } },
      { topic: 'billing', key: 'c1', value: 'two', headers: {} },
      { topic: 'care-events', key: 'c2', value: null, headers: {} },
    ]);
    expect(fake.calls.at(-1)).toEqual({
      method: 'sendBatch',
      args: [
        {
          acks: -1,
          topicMessages: [
            {
              topic: 'care-events',
              messages: [
                { key: 'c1', value: 'one', headers: { 'content-type': 'x' } },
                { key: 'c2', value: null, headers: {} },
              ],
            },
            { topic: 'billing', messages: [{ key: 'c1', value: 'two', headers: {} }] },
          ],
        },
      ],
    });
  });
});
