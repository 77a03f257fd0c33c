import { ApplicationFailure } from '@temporalio/common';
import { Registry } from 'prom-client';
import { createEffectActivities, OutboxItemsUnsendable, type OutboxChunk } from '../../activities/effects';
import {
  brokerRefusal,
  effectRecords,
  kafkaEffectPublisher,
  recordBytes,
  requests,
  type SendLimits,
} from '../../activities/kafka/effect-publisher';
import { outboxMetrics } from '../../activities/kafka/outbox-metrics';
import type { OutboundRecord, RecordSender } from '../../activities/kafka/record-sender';
import type { Effect } from '../../schemas';
import {
  carepathTopics,
  deadLetterDetailMaxLength,
  deadLetterHeaders,
  parkedEffectHeaders,
} from '../../schemas/contract';
import type { OutboxItem } from '../../schemas/outbox';
import { routeEffects, routeOutbox } from '../../workflows/effect-routing';
import { batchOf, sampleEffects } from '../contract/samples';

/** A sender that records each call, and fails the way it is told to. */
class FakeSender implements RecordSender {
  readonly calls: OutboundRecord[][] = [];
  constructor(
    private readonly fail: (records: readonly OutboundRecord[]) => Error | undefined = () => undefined,
  ) {}
  async send(records: readonly OutboundRecord[]) {
    const error = this.fail(records);
    if (error) throw error;
    this.calls.push([...records]);
  }
  get sent() {
    return this.calls.flat();
  }
}

/** kafkajs' shape of a broker's refusal, wrapped as its retrier wraps it. */
const kafkaRefusal = (type: string) => {
  const protocol = Object.assign(new Error(`refused: ${type}`), { type, retriable: false });
  return Object.assign(new Error('non-retriable'), { name: 'KafkaJSNonRetriableError', cause: protocol });
};

const effect = (e: Effect): OutboxItem => ({ kind: 'effect', effect: e });
const chunk = (stream: OutboxChunk['stream'], items: OutboxItem[]): OutboxChunk => ({
  ...batchOf(),
  stream,
  items,
});
const withId = <E extends Effect>(e: E, n: number): E => ({ ...e, effectId: `${e.effectId}-${n}` });

const unsendableOf = async (promise: Promise<void>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboxItemsUnsendable) return error.unsendable;
    throw error;
  }
  return [];
};

describe('routing', () => {
  test('effects keep their order within each stream; timer effects stay in the workflow', () => {
    const notified = sampleEffects['staff-notification'];
    const effects: Effect[] = [
      sampleEffects['level-changed'],
      notified,
      { effectId: 't', at: notified.at, type: 'cancel-timer', timerId: 'x' },
      sampleEffects['episode-ended'],
      sampleEffects.billing,
    ];
    const routes = routeEffects(effects);
    expect([...routes.keys()]).toEqual(['care-events', 'staff-notifications', 'billing-events']);
    expect(routes.get('care-events')?.map((e) => e.type)).toEqual(['level-changed', 'episode-ended']);
  });

  test('parked effects and inbound dead letters go to their dead-letter topics', () => {
    const items: OutboxItem[] = [
      effect(sampleEffects['episode-started']),
      { kind: 'inbound-dead-letter', eventId: 'e-1', event: {}, reason: 'event-id-conflict', detail: 'd' },
      {
        kind: 'parked',
        effect: sampleEffects['cohort-assigned'],
        stream: 'care-events',
        reason: 'record-too-large',
        detail: 'd',
      },
    ];
    expect([...routeOutbox(items)].map(([stream, routed]) => [stream, routed.length])).toEqual([
      ['care-events', 1],
      ['client-events-dlq', 1],
      ['effects-dlq', 1],
    ]);
  });

  test('routing ten thousand effects takes one pass', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => withId(sampleEffects['staff-notification'], i));
    expect(routeEffects(many).get('staff-notifications')?.at(-1)?.effectId).toBe(many.at(-1)?.effectId);
  });
});

describe('sending under the broker limits', () => {
  const record = (bytes: number): { record: OutboundRecord } => ({
    record: { topic: 't', key: null, value: 'x'.repeat(bytes), headers: {} },
  });

  test('requests never exceed the byte limit, and keep the records in order', () => {
    const records = [100, 300, 300, 50, 400].map(record);
    const limit = recordBytes(records[1]!.record) * 2;
    const split = requests(records, limit);
    expect(split.map((r) => r.length)).toEqual([2, 2, 1]);
    for (const request of split)
      expect(request.reduce((n, r) => n + recordBytes(r.record), 0)).toBeLessThanOrEqual(limit);
    expect(split.flat()).toEqual(records);
  });

  test('a chunk larger than one request is sent in several, all of it', async () => {
    const sender = new FakeSender();
    const effects = Array.from({ length: 40 }, (_, i) => withId(sampleEffects['staff-notification'], i));
    const oneRecord = recordBytes(
      effectRecords('staff-notifications', batchOf(effects[0]!), carepathTopics)[0]!,
    );
    const limits: SendLimits = { maxRecordBytes: oneRecord * 2, maxRequestBytes: oneRecord * 10 };
    await kafkaEffectPublisher(sender, carepathTopics, limits).sendOutbox(
      chunk('staff-notifications', effects.map(effect)),
    );
    expect(sender.calls.length).toBeGreaterThanOrEqual(4);
    expect(sender.sent.map((r) => JSON.parse(String(r.value)).id)).toEqual(effects.map((e) => e.effectId));
  });
});

describe('failures no retry can change', () => {
  test('an effect whose record is over the limit is reported; the others are sent', async () => {
    const sender = new FakeSender();
    const small = sampleEffects['cohort-assigned'];
    const large = sampleEffects['proposal-opened'];
    const size = (e: Effect) => recordBytes(effectRecords('care-events', batchOf(e), carepathTopics)[0]!);
    expect(size(large)).toBeGreaterThan(size(small));
    const limits = { maxRecordBytes: size(large) - 1, maxRequestBytes: 100_000 };
    const unsendable = await unsendableOf(
      kafkaEffectPublisher(sender, carepathTopics, limits).sendOutbox(
        chunk('care-events', [effect(small), effect(large), effect(withId(small, 2))]),
      ),
    );
    expect(unsendable).toMatchObject([{ index: 1, reason: 'record-too-large' }]);
    expect(sender.sent).toHaveLength(2);
  });

  test('an effect with no event on its stream, and one against the contract, are reported', async () => {
    const sender = new FakeSender();
    const invalid = { ...sampleEffects['cohort-assigned'], cohortId: '' };
    const unsendable = await unsendableOf(
      kafkaEffectPublisher(sender).sendOutbox(
        chunk('care-events', [
          effect(sampleEffects.billing),
          effect(invalid),
          effect(sampleEffects['episode-started']),
        ]),
      ),
    );
    expect(unsendable.map(({ index, reason }) => [index, reason])).toEqual([
      [0, 'no-event-definition'],
      [1, 'contract-violation'],
    ]);
    expect(sender.sent.map((r) => JSON.parse(String(r.value)).id)).toEqual([
      sampleEffects['episode-started'].effectId,
    ]);
  });

  test('a record the broker refuses is found by sending alone; the rest are accepted', async () => {
    const refused = sampleEffects['episode-ended'];
    const sender = new FakeSender((records) =>
      records.some((r) => String(r.value).includes(refused.effectId))
        ? kafkaRefusal('MESSAGE_TOO_LARGE')
        : undefined,
    );
    const unsendable = await unsendableOf(
      kafkaEffectPublisher(sender).sendOutbox(
        chunk('care-events', [effect(sampleEffects['episode-started']), effect(refused)]),
      ),
    );
    expect(unsendable).toMatchObject([{ index: 1, reason: 'broker-refused' }]);
    expect(sender.sent).toHaveLength(1);
  });

  test('a broker that is away is transient: the error is thrown for the activity to retry', async () => {
    const away = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSConnectionError',
      retriable: true,
    });
    expect(brokerRefusal(away)).toBeUndefined();
    expect(brokerRefusal(kafkaRefusal('RECORD_LIST_TOO_LARGE'))).toBe('RECORD_LIST_TOO_LARGE');
    const publisher = kafkaEffectPublisher(new FakeSender(() => away));
    await expect(
      publisher.sendOutbox(chunk('care-events', [effect(sampleEffects['episode-started'])])),
    ).rejects.toBe(away);
  });

  test('the activity fails non-retryably, naming the items to park', async () => {
    const activities = createEffectActivities(kafkaEffectPublisher(new FakeSender()));
    const failure = await activities
      .sendOutbox(chunk('care-events', [effect(sampleEffects.billing)]))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'OutboxItemsUnsendable', nonRetryable: true });
    expect((failure as ApplicationFailure).details).toMatchObject([
      { unsendable: [{ index: 0, reason: 'no-event-definition' }] },
    ]);
  });
});

describe('one send per round', () => {
  const away = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
    name: 'KafkaJSConnectionError',
    retriable: true,
  });
  const round = (...chunks: OutboxChunk[]) => ({
    ...batchOf(),
    chunks: chunks.map(({ stream, items }) => ({ stream, items })),
  });
  const careEvent = chunk('care-events', [effect(sampleEffects['episode-started'])]);
  const notification = chunk('staff-notifications', [effect(sampleEffects['staff-notification'])]);

  test("every stream's chunk goes in the one activity, each reported on its own", async () => {
    const sender = new FakeSender();
    const reports = await createEffectActivities(kafkaEffectPublisher(sender)).sendOutboxRound(
      round(careEvent, notification, chunk('billing-events', [effect(sampleEffects['staff-notification'])])),
    );
    expect(reports).toEqual([
      { stream: 'care-events', outcome: 'sent' },
      { stream: 'staff-notifications', outcome: 'sent' },
      {
        stream: 'billing-events',
        outcome: 'unsendable',
        unsendable: [expect.objectContaining({ index: 0, reason: 'no-event-definition' })],
      },
    ]);
    expect(sender.sent.map((record) => record.topic).sort()).toEqual(
      [carepathTopics['care-events'], carepathTopics['staff-notifications']].sort(),
    );
  });

  test('a stream that fails is reported for the next round; the others stand', async () => {
    const topic = carepathTopics['staff-notifications'];
    const sender = new FakeSender((records) => (records.some((r) => r.topic === topic) ? away : undefined));
    const reports = await createEffectActivities(kafkaEffectPublisher(sender)).sendOutboxRound(
      round(careEvent, notification),
    );
    expect(reports).toEqual([
      { stream: 'care-events', outcome: 'sent' },
      { stream: 'staff-notifications', outcome: 'failed' },
    ]);
    expect(sender.sent).toHaveLength(1);
  });

  test('when every stream fails the activity fails, to be tried again in the worker', async () => {
    const activities = createEffectActivities(kafkaEffectPublisher(new FakeSender(() => away)));
    await expect(activities.sendOutboxRound(round(careEvent, notification))).rejects.toBe(away);
  });
});

describe('dead letters', () => {
  test('a parked effect and a refused inbound event are keyed by client, with reason and origin in headers', async () => {
    const sender = new FakeSender();
    const publisher = kafkaEffectPublisher(sender);
    const event = { eventId: 'e-9', type: 'session-attended' };
    await publisher.sendOutbox(
      chunk('client-events-dlq', [
        { kind: 'inbound-dead-letter', eventId: 'e-9', event, reason: 'event-before-admission', detail: 'd' },
      ]),
    );
    await publisher.sendOutbox(
      chunk('effects-dlq', [
        {
          kind: 'parked',
          effect: sampleEffects['cohort-assigned'],
          stream: 'care-events',
          reason: 'contract-violation',
          detail: 'd',
        },
      ]),
    );
    const [inbound, parked] = sender.sent;
    expect(inbound).toMatchObject({
      topic: carepathTopics['client-events-dlq'],
      key: 'client-1',
      headers: {
        [deadLetterHeaders.reason]: 'event-before-admission',
        [deadLetterHeaders.journey]: 'episode-client-1',
      },
    });
    expect(JSON.parse(String(inbound?.value))).toEqual(event);
    expect(parked).toMatchObject({
      topic: carepathTopics['effects-dlq'],
      key: 'client-1',
      headers: {
        [parkedEffectHeaders.reason]: 'contract-violation',
        [parkedEffectHeaders.stream]: 'care-events',
        [parkedEffectHeaders.effectId]: sampleEffects['cohort-assigned'].effectId,
      },
    });
  });

  test('what the broker accepted is counted for /metrics: parked effects and journey dead letters by reason, decisions by rule, the outbox age', async () => {
    const registry = new Registry();
    const parked: OutboxItem = {
      kind: 'parked',
      effect: sampleEffects['cohort-assigned'],
      stream: 'care-events',
      reason: 'contract-violation',
      detail: 'd',
    };
    const letter: OutboxItem = {
      kind: 'inbound-dead-letter',
      eventId: 'e-1',
      event: {},
      reason: 'event-id-conflict',
      detail: 'd',
    };
    // The broker acknowledges 90 s after the decisions.
    const observe = outboxMetrics(registry, () => Date.parse(sampleEffects['level-changed'].at) + 90_000);
    const publisher = kafkaEffectPublisher(new FakeSender(), carepathTopics, undefined, observe);
    await publisher.sendOutbox(chunk('effects-dlq', [parked]));
    await publisher.sendOutbox(chunk('care-events', [effect(sampleEffects['level-changed'])]));
    await publisher.sendOutbox(chunk('staff-notifications', [effect(sampleEffects['staff-notification'])]));
    await publisher.sendOutbox(chunk('client-events-dlq', [letter, letter]));
    // Refused by the broker while it is away: nothing is counted until it is sent.
    const away = new Error('connection refused');
    await expect(
      kafkaEffectPublisher(new FakeSender(() => away), carepathTopics, undefined, observe).sendOutbox(
        chunk('effects-dlq', [parked]),
      ),
    ).rejects.toBe(away);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      /carepath_effects_parked_total\{reason="contract-violation",stream="care-events"\} 1/,
    );
    expect(metrics).toMatch(/carepath_journey_dead_letters_total\{reason="event-id-conflict"\} 2/);
    // Only decisions of a level count, by their rule; every sent effect's age is observed.
    expect(metrics).toMatch(/carepath_decisions_total\{decision="level-changed",rule="relapse-step-up"\} 1/);
    expect(metrics).not.toMatch(/carepath_decisions_total\{decision="staff-notification"/);
    expect(metrics).toMatch(/carepath_outbox_age_seconds_bucket\{le="60"\} 0/);
    expect(metrics).toMatch(/carepath_outbox_age_seconds_bucket\{le="300"\} 2/);
  });

  test("a journey's dead letter and a parked effect carry a detail capped as the bridge caps it", async () => {
    const sender = new FakeSender();
    const detail = 'x'.repeat(deadLetterDetailMaxLength * 3);
    await kafkaEffectPublisher(sender).sendOutbox(
      chunk('client-events-dlq', [
        { kind: 'inbound-dead-letter', eventId: null, event: {}, reason: 'invalid-event', detail },
      ]),
    );
    await kafkaEffectPublisher(sender).sendOutbox(
      chunk('effects-dlq', [
        {
          kind: 'parked',
          effect: sampleEffects['cohort-assigned'],
          stream: 'care-events',
          reason: 'contract-violation',
          detail,
        },
      ]),
    );
    for (const record of sender.sent) {
      const sent = String(record.headers?.[deadLetterHeaders.detail]);
      expect(sent.length).toBe(deadLetterDetailMaxLength);
      expect(sent).toMatch(/… \(truncated\)$/);
    }
    expect(sender.sent).toHaveLength(2);
  });

  test('a dead letter too large to copy keeps its headers and drops its value', async () => {
    const sender = new FakeSender();
    const limits = { maxRecordBytes: 2_000, maxRequestBytes: 10_000 };
    await kafkaEffectPublisher(sender, carepathTopics, limits).sendOutbox(
      chunk('client-events-dlq', [
        {
          kind: 'inbound-dead-letter',
          eventId: null,
          event: 'x'.repeat(5_000),
          reason: 'invalid-event',
          detail: 'd',
        },
      ]),
    );
    expect(sender.sent).toMatchObject([
      { value: null, headers: { [deadLetterHeaders.reason]: 'invalid-event' } },
    ]);
  });
});
