import { HandledOffsets } from '../../workers/inbound/offsets';
import { Slots } from '../../client/slots';

describe('the handled offsets of a partition batch', () => {
  test('the commit covers the contiguous handled prefix, one past its last record', () => {
    const handled = new HandledOffsets(['10', '11', '12']);
    expect(handled.takeCommit()).toBeUndefined();
    handled.done('10');
    expect(handled.takeCommit()).toBe('11');
    handled.done('11');
    handled.done('12');
    expect(handled.takeCommit()).toBe('13');
    expect(handled.complete).toBe(true);
  });

  test('records done out of order are held back by one still in flight, then committed at once', () => {
    const handled = new HandledOffsets(['4', '5', '6', '7']);
    handled.done('7');
    handled.done('5');
    handled.done('6');
    expect(handled.takeCommit()).toBeUndefined();
    expect(handled.complete).toBe(false);
    handled.done('4');
    expect(handled.takeCommit()).toBe('8');
  });

  test('offsets with gaps (compacted or transaction markers) commit past the last handled record', () => {
    const handled = new HandledOffsets(['20', '23', '30']);
    handled.done('20');
    handled.done('30');
    expect(handled.takeCommit()).toBe('21');
    handled.done('23');
    expect(handled.takeCommit()).toBe('31');
  });

  test('a commit is offered once: none again until the prefix grows, none going back', () => {
    const handled = new HandledOffsets(['1', '2']);
    handled.done('1');
    expect(handled.takeCommit()).toBe('2');
    expect(handled.takeCommit()).toBeUndefined();
    handled.done('1');
    expect(handled.takeCommit()).toBeUndefined();
  });

  test('offsets beyond 2^53 are exact', () => {
    const handled = new HandledOffsets(['9007199254740993']);
    handled.done('9007199254740993');
    expect(handled.takeCommit()).toBe('9007199254740994');
  });

  test('an offset outside the batch, or offsets not ascending, are refused', () => {
    expect(() => new HandledOffsets(['3', '2'])).toThrow(RangeError);
    expect(() => new HandledOffsets(['1']).done('2')).toThrow(RangeError);
  });
});

describe('slots bounding how much runs at once', () => {
  test('never more than the size at once; the waiting start in the order they asked', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const runs = [0, 1, 2, 3].map((n) =>
      slots.run(async () => {
        started.push(n);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      }),
    );
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(started).toEqual([0, 1]);
    releases[1]!();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    releases[0]!();
    await settle();
    releases[2]!();
    releases[3]!();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });

  test('a failed operation gives its slot back', async () => {
    const slots = new Slots(1);
    await expect(slots.run(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });
});
