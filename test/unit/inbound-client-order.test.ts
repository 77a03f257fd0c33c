import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import { committableOffset, handleInClientOrder, InFlightLimit } from '../../workers/inbound/client-order';

const message = (offset: number, client: string | null) =>
  ({ offset: String(offset), key: client === null ? null : Buffer.from(client) }) as KafkaMessage;

/** A partition's batch: three clients interleaved, as producers write them. */
const batch = ['a', 'b', 'a', 'c', 'b', 'a', 'c', 'b'].map((client, offset) => message(offset, client));

describe("handling a partition's batch", () => {
  test("each client's messages in offset order, clients side by side, never more than the limit at once", async () => {
    const order = new Map<string, string[]>();
    let active = 0;
    let busiest = 0;
    const { handled, failure } = await handleInClientOrder(batch, new InFlightLimit(2), async (m) => {
      active++;
      busiest = Math.max(busiest, active);
      await sleep(5 + (Number(m.offset) % 3));
      const client = m.key!.toString();
      order.set(client, [...(order.get(client) ?? []), m.offset]);
      active--;
    });
    expect(failure).toBeUndefined();
    expect(Object.fromEntries(order)).toEqual({ a: ['0', '2', '5'], b: ['1', '4', '7'], c: ['3', '6'] });
    expect(busiest).toBe(2);
    expect(committableOffset(batch, handled)).toBe('8');
  });

  test("a failure stops that client's later messages only; the commit stops before the first unhandled", async () => {
    const failed = new Error('Temporal unreachable');
    const { handled, failure } = await handleInClientOrder(batch, new InFlightLimit(8), async (m) => {
      if (m.offset === '2') throw failed;
    });
    expect(failure).toBe(failed);
    expect([...handled].sort()).toEqual(['0', '1', '3', '4', '6', '7']);
    expect(committableOffset(batch, handled)).toBe('2');
  });

  test('records without a key are independent of each other', async () => {
    const unkeyed = [message(10, null), message(11, null)];
    let active = 0;
    let busiest = 0;
    await handleInClientOrder(unkeyed, new InFlightLimit(8), async () => {
      busiest = Math.max(busiest, ++active);
      await sleep(5);
      active--;
    });
    expect(busiest).toBe(2);
  });

  test('nothing handled from the start → nothing to commit', () => {
    expect(committableOffset(batch, new Set(['1', '2']))).toBeUndefined();
  });
});
