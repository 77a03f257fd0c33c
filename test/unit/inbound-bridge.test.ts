import { EpisodeAlreadyOpen, NoOpenEpisode, UnknownClient } from '../../client/errors';
import type { AdmittedEvent, ClientEvent, EpisodeState } from '../../schemas';
import { contentDigest } from '../../pathway/dedup';
import { deadLetterHeaders } from '../../schemas/contract';
import { deadLetterRecord } from '../../workers/inbound/dead-letter';
import { decodeInbound } from '../../workers/inbound/decode';
import { deliver, type JourneyPort } from '../../workers/inbound/deliver';
import { BridgeStopping, retryUntilDone } from '../../workers/inbound/retry';

const attended: ClientEvent = {
  type: 'session-attended',
  eventId: 'event-7',
  clientId: 'client-1',
  occurredAt: '2025-02-03T10:00:00.000Z',
  recordedBy: { staffId: 'ehr-feed', role: 'integration' },
  sessionId: 'session-7',
  kind: 'group',
  hours: 3,
};
const cloudEvent = (data: ClientEvent) => ({
  specversion: '1.0',
  id: data.eventId,
  source: 'urn:ehr:feed',
  type: `org.carepath.client-event.${data.type}.v1`,
  subject: data.clientId,
  data,
});
const record = (value: unknown, key: string | null = 'client-1') => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

describe('decoding inbound records', () => {
  test('a valid CloudEvent keyed by its client yields the client event', () => {
    expect(decodeInbound(record(cloudEvent(attended)), 65536)).toEqual({ kind: 'event', event: attended });
  });

  test.each([
    ['message-too-large', record(cloudEvent(attended)), 100],
    ['invalid-json', record('{"name": "Jane Doe"'), 65536],
    [
      'invalid-event',
      record({ ...cloudEvent(attended), type: 'org.carepath.client-event.unknown.v1' }),
      65536,
    ],
    ['invalid-event', record({ ...cloudEvent(attended), data: { ...attended, hours: -1 } }), 65536],
    ['invalid-event', record({ ...cloudEvent(attended), id: 'another-id' }), 65536],
    ['invalid-event', record({ ...cloudEvent(attended), subject: 'client-2' }), 65536],
    ['key-mismatch', record(cloudEvent(attended), 'client-2'), 65536],
    ['key-mismatch', record(cloudEvent(attended), null), 65536],
  ])('%s is a dead letter', (reason, input, maxBytes) => {
    expect(decodeInbound(input, maxBytes)).toMatchObject({ kind: 'dead-letter', reason });
  });

  test('the detail names the problem’s path, never the value', () => {
    const leaky = decodeInbound(record('{"name": "Jane Doe"'), 65536);
    expect(JSON.stringify(leaky)).not.toContain('Jane');
    const invalid = decodeInbound(
      record({ ...cloudEvent(attended), data: { ...attended, sessionId: 'Jane Doe' } }),
      65536,
    );
    expect(invalid).toMatchObject({ detail: expect.stringContaining('data.sessionId') });
    expect(JSON.stringify(invalid)).not.toContain('Jane');
  });

  test('a dead letter keeps the original bytes and says why and where from; an oversized value is not copied', () => {
    const origin = { topic: 'carepath.client-events.v1', partition: 2, offset: '41', ...record('not json') };
    const letter = deadLetterRecord('dlq', origin, {
      kind: 'dead-letter',
      reason: 'invalid-json',
      detail: 'd',
    });
    expect(letter).toEqual({
      topic: 'dlq',
      key: origin.key,
      value: origin.value,
      headers: {
        [deadLetterHeaders.reason]: 'invalid-json',
        [deadLetterHeaders.detail]: 'd',
        [deadLetterHeaders.topic]: 'carepath.client-events.v1',
        [deadLetterHeaders.partition]: '2',
        [deadLetterHeaders.offset]: '41',
      },
    });
    expect(
      deadLetterRecord('dlq', origin, { kind: 'dead-letter', reason: 'message-too-large', detail: 'd' })
        .value,
    ).toBeNull();
  });
});

describe('delivering to journeys', () => {
  const admission = { type: 'admitted', eventId: 'admission-1', clientId: 'client-1' } as AdmittedEvent;
  const journeys = (overrides: Partial<JourneyPort>): JourneyPort => ({
    admit: jest.fn(async () => ({ workflowId: 'w', runId: 'r' })),
    recordEvent: jest.fn(async () => undefined),
    state: jest.fn(async () => {
      throw new UnknownClient('client-1');
    }),
    ...overrides,
  });

  test('an admission starts an episode; other events are recorded on the open one', async () => {
    const port = journeys({});
    await expect(deliver(port, admission)).resolves.toEqual({ kind: 'accepted' });
    await expect(deliver(port, attended)).resolves.toEqual({ kind: 'accepted' });
    expect(port.admit).toHaveBeenCalledWith(admission);
    expect(port.recordEvent).toHaveBeenCalledWith(attended);
  });

  test('an admission the latest episode already applied is a redelivery, not a second episode', async () => {
    const port = journeys({ state: async () => ({ recentEventIds: ['admission-1'] }) as EpisodeState });
    await expect(deliver(port, admission)).resolves.toEqual({ kind: 'redelivery' });
    expect(port.admit).not.toHaveBeenCalled();
  });

  test('an admission id the latest episode applied with other content is a dead letter', async () => {
    const remembering = (digest: string) =>
      journeys({
        state: async () =>
          ({ recentEventIds: ['admission-1'], recentEventDigests: { 'admission-1': digest } }) as Pick<
            EpisodeState,
            'recentEventIds' | 'recentEventDigests'
          > as EpisodeState,
      });
    const other = remembering(contentDigest({ ...admission, recommendedLevel: 'php' }));
    await expect(deliver(other, admission)).resolves.toMatchObject({ reason: 'event-id-conflict' });
    await expect(deliver(remembering(contentDigest(admission)), admission)).resolves.toEqual({
      kind: 'redelivery',
    });
    expect(other.admit).not.toHaveBeenCalled();
  });

  test('refusals no retry can change are dead letters', async () => {
    const other = journeys({
      state: async () => ({ recentEventIds: ['admission-0'] }) as EpisodeState,
      admit: async () => {
        throw new EpisodeAlreadyOpen('client-1');
      },
      recordEvent: async () => {
        throw new NoOpenEpisode('client-1');
      },
    });
    await expect(deliver(other, admission)).resolves.toMatchObject({ reason: 'episode-already-open' });
    await expect(deliver(other, attended)).resolves.toMatchObject({ reason: 'no-open-episode' });
  });

  test('an event redelivered after its episode was discharged is a redelivery, not a dead letter', async () => {
    const closed = journeys({
      state: async () => ({ recentEventIds: ['event-7'] }) as EpisodeState,
      recordEvent: async () => {
        throw new NoOpenEpisode('client-1');
      },
    });
    await expect(deliver(closed, attended)).resolves.toEqual({ kind: 'redelivery' });
  });

  test('a transient error is thrown for the caller to retry', async () => {
    const down = journeys({
      recordEvent: async () => {
        throw new Error('14 UNAVAILABLE: connection refused');
      },
    });
    await expect(deliver(down, attended)).rejects.toThrow('UNAVAILABLE');
  });
});

describe('retrying until done', () => {
  test('retries with growing pauses until the operation succeeds', async () => {
    const attempts: number[] = [];
    const started = Date.now();
    const result = await retryUntilDone(
      async () => {
        if (attempts.length < 3) throw new Error('down');
        return 'done';
      },
      {
        signal: new AbortController().signal,
        backoff: { initialMs: 10, maxMs: 40 },
        onFailure: async (_error, attempt) => void attempts.push(attempt),
      },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40 - 5);
  });

  test('stops when the bridge is stopping, without succeeding', async () => {
    const stopping = new AbortController();
    const retry = retryUntilDone(async () => Promise.reject(new Error('down')), {
      signal: stopping.signal,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      onFailure: async () => stopping.abort(),
    });
    await expect(retry).rejects.toBeInstanceOf(BridgeStopping);
  });
});
