import { QueryNotRegisteredError, ServiceError } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from '../../testkit/kafkajs-errors';
import { EpisodeAlreadyOpen, NoOpenEpisode, ReadsBusy, UnknownClient } from '../../client/errors';
import type { AdmittedEvent, ClientEvent, EpisodeState } from '../../schemas';
import { contentDigest } from '../../pathway/dedup';
import { deadLetterDetailMaxLength, deadLetterHeaders } from '../../schemas/contract';
import { inboundEnvelope } from '../../testkit/inbound';
import { deadLetterRecord, minimalDeadLetterRecord } from '../../workers/inbound/dead-letter';
import { decodeInbound } from '../../workers/inbound/decode';
import { integrationActor } from '../../workers/inbound/identity';
import { deliver, type JourneyPort } from '../../workers/inbound/deliver';
import { classifyFailure } from '../../workers/inbound/failures';
import { BridgeMonitor } from '../../workers/inbound/monitor';
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
/** The integration the bridge's connection authenticated as. */
const feed = integrationActor('ehr-feed');
const maxRecordBytes = 1048576;

/**
 * An error as @grpc/grpc-js makes it, which Temporal's client passes on or wraps: the server's message,
 * and the Temporal failure it names in the status details (`grpc-status-details-bin`), if any.
 */
const grpcError = (code: number, name: string, message = '(test)', failure?: string) => {
  const status =
    failure &&
    Buffer.from(
      google.rpc.Status.encode({
        code,
        message,
        details: [
          {
            type_url: `type.googleapis.com/temporal.api.errordetails.v1.${failure}`,
            value: temporal.api.errordetails.v1.WorkflowNotReadyFailure.encode({}).finish(),
          },
        ],
      }).finish(),
    );
  const metadata = { get: (key: string) => (status && key === 'grpc-status-details-bin' ? [status] : []) };
  return Object.assign(new Error(`${code} ${name}: ${message}`), { code, details: message, metadata });
};
const record = (value: unknown, key: string | null = 'client-1') => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

describe('decoding inbound records', () => {
  test('a valid CloudEvent keyed by its client yields the client event', () => {
    expect(decodeInbound(record(inboundEnvelope(attended)), 65536, feed)).toEqual({
      kind: 'event',
      event: attended,
    });
  });

  test.each([
    ['message-too-large', record(inboundEnvelope(attended)), 100],
    ['invalid-json', record('{"name": "Jane Doe"'), 65536],
    [
      'invalid-event',
      record({ ...inboundEnvelope(attended), type: 'org.carepath.client-event.unknown.v1' }),
      65536,
    ],
    ['invalid-event', record({ ...inboundEnvelope(attended), data: { ...attended, hours: -1 } }), 65536],
    ['invalid-event', record({ ...inboundEnvelope(attended), id: 'another-id' }), 65536],
    ['invalid-event', record({ ...inboundEnvelope(attended), subject: 'client-2' }), 65536],
    ['key-mismatch', record(inboundEnvelope(attended), 'client-2'), 65536],
    ['key-mismatch', record(inboundEnvelope(attended), null), 65536],
  ])('%s is a dead letter', (reason, input, maxBytes) => {
    expect(decodeInbound(input, maxBytes, feed)).toMatchObject({ kind: 'dead-letter', reason });
  });

  test('the detail names the problem’s path, never the value', () => {
    const leaky = decodeInbound(record('{"name": "Jane Doe"'), 65536, feed);
    expect(JSON.stringify(leaky)).not.toContain('Jane');
    const invalid = decodeInbound(
      record({ ...inboundEnvelope(attended), data: { ...attended, sessionId: 'Jane Doe' } }),
      65536,
      feed,
    );
    expect(invalid).toMatchObject({ detail: expect.stringContaining('data.sessionId') });
    expect(JSON.stringify(invalid)).not.toContain('Jane');
  });

  test('an event is recorded under the authenticated integration, whatever staff member it claims', () => {
    const claimed = { staffId: 'staff-supervisor-1', role: 'clinical-supervisor' } as const;
    const relapse: ClientEvent = {
      ...attended,
      type: 'relapse-reported',
      withdrawalRisk: false,
      recordedBy: claimed,
    };
    const decoded = decodeInbound(record(inboundEnvelope(relapse)), 65536, integrationActor('ehr-east'));
    expect(decoded).toMatchObject({
      kind: 'event',
      event: { type: 'relapse-reported', recordedBy: { staffId: 'ehr-east', role: 'integration' } },
    });
    // Producers that no longer send recordedBy are accepted too.
    const { recordedBy: _dropped, ...unattributed } = relapse;
    expect(decodeInbound(record(inboundEnvelope(unattributed as ClientEvent)), 65536, feed)).toMatchObject({
      kind: 'event',
      event: { recordedBy: feed },
    });
  });

  test('an event type the permission table keeps from integrations is a dead letter naming the type', () => {
    const prescribed = {
      ...attended,
      type: 'weekly-hours-prescribed',
      weeklyHours: 12,
    } as unknown as ClientEvent;
    expect(decodeInbound(record(inboundEnvelope(prescribed)), 65536, feed)).toEqual({
      kind: 'dead-letter',
      reason: 'sender-not-permitted',
      detail: expect.stringContaining('weekly-hours-prescribed'),
    });
  });

  test('a dead letter keeps the original bytes and says why and where from; an oversized value is not copied', () => {
    const origin = { topic: 'carepath.client-events.v1', partition: 2, offset: '41', ...record('not json') };
    const letter = deadLetterRecord(
      'dlq',
      origin,
      {
        kind: 'dead-letter',
        reason: 'invalid-json',
        detail: 'd',
      },
      maxRecordBytes,
    );
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
    const tooLarge = deadLetterRecord(
      'dlq',
      origin,
      { kind: 'dead-letter', reason: 'message-too-large', detail: 'd' },
      maxRecordBytes,
    );
    expect(tooLarge.value).toBeNull();
    expect(tooLarge.key).toEqual(origin.key);
    expect(tooLarge.headers[deadLetterHeaders.dropped]).toBe('value');
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
    rememberRefusal: jest.fn(async () => true),
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

  describe('an admission refused while the client has an episode', () => {
    const dated = { ...admission, occurredAt: '2025-03-01T09:00:00.000Z' };
    const open = { recentEventIds: ['admission-0'], admittedAt: '2025-02-01T09:00:00.000Z' } as EpisodeState;
    const alreadyOpen = async () => {
      throw new EpisodeAlreadyOpen('client-1');
    };

    test('is remembered by that episode before it is a dead letter', async () => {
      const port = journeys({ state: async () => open, admit: alreadyOpen });
      await expect(deliver(port, dated)).resolves.toMatchObject({ reason: 'episode-already-open' });
      expect(port.rememberRefusal).toHaveBeenCalledWith('client-1', {
        eventId: dated.eventId,
        digest: contentDigest(dated),
        reason: 'episode-already-open',
      });
    });

    test('read again once the episode is discharged, is refused again and starts nothing', async () => {
      const discharged = {
        ...open,
        status: 'discharged',
        recentEventIds: ['admission-0', dated.eventId],
        recentEventDigests: { [dated.eventId]: contentDigest(dated) },
        refusedEvents: { [dated.eventId]: 'episode-already-open' },
      } as EpisodeState;
      const port = journeys({ state: async () => discharged });
      await expect(deliver(port, dated)).resolves.toMatchObject({ reason: 'episode-already-open' });
      expect(port.admit).not.toHaveBeenCalled();
    });

    test('is judged again when the episode ended before it could remember the refusal', async () => {
      const admit = jest
        .fn(async () => ({ workflowId: 'w', runId: 'r' }))
        .mockRejectedValueOnce(new EpisodeAlreadyOpen('client-1'));
      const port = journeys({ state: async () => open, admit, rememberRefusal: jest.fn(async () => false) });
      await expect(deliver(port, dated)).resolves.toEqual({ kind: 'accepted' });
      expect(admit).toHaveBeenCalledTimes(2);
    });
  });

  test('an admission dated before the latest episode’s admission is an earlier one read again, not a readmission', async () => {
    const later = { recentEventIds: ['admission-0'], admittedAt: '2025-03-02T09:00:00.000Z' } as EpisodeState;
    const port = journeys({ state: async () => later });
    const early = { ...admission, occurredAt: '2025-03-01T09:00:00.000Z' };
    await expect(deliver(port, early)).resolves.toMatchObject({ reason: 'event-before-admission' });
    expect(port.admit).not.toHaveBeenCalled();
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
  const away = () => grpcError(14, 'UNAVAILABLE');
  const opts = (onFailure: (error: unknown, attempt: number) => void = () => undefined) => ({
    signal: new AbortController().signal,
    backoff: { initialMs: 10, maxMs: 40 },
    onFailure: async (error: unknown, attempt: number) => onFailure(error, attempt),
  });

  test('waits out infrastructure being away, with growing pauses, for as long as it lasts', async () => {
    const attempts: number[] = [];
    const started = Date.now();
    const result = await retryUntilDone(
      async () => {
        if (attempts.length < 5) throw away();
        return 'done';
      },
      opts((_error, attempt) => void attempts.push(attempt)),
    );
    expect(result).toEqual({ done: true, value: 'done' });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40 + 40 + 40 - 5);
  });

  test('gives up after three attempts at anything else, and says why', async () => {
    let calls = 0;
    const result = await retryUntilDone(async () => {
      calls++;
      throw new TypeError("Cannot read properties of undefined (reading 'levels')");
    }, opts());
    expect(calls).toBe(3);
    expect(result).toEqual({
      done: false,
      attempts: 3,
      failure: { kind: 'permanent', reason: 'internal-error', code: 'TypeError' },
    });
  });

  test('an outage between failures does not use up the attempts', async () => {
    const failures = [new TypeError('x'), away(), away(), new TypeError('x'), away()];
    let calls = 0;
    const result = await retryUntilDone(async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return 'done';
    }, opts());
    expect(result).toEqual({ done: true, value: 'done' });
  });

  test('stops when the bridge is stopping, without succeeding', async () => {
    const stopping = new AbortController();
    const retry = retryUntilDone(async () => Promise.reject(away()), {
      signal: stopping.signal,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      onFailure: async () => stopping.abort(),
    });
    await expect(retry).rejects.toBeInstanceOf(BridgeStopping);
  });
});

describe('classifying failures', () => {
  test.each([
    ['Temporal unavailable', grpcError(14, 'UNAVAILABLE'), 'temporal-unavailable'],
    ['Temporal out of resources', grpcError(8, 'RESOURCE_EXHAUSTED'), 'temporal-unavailable'],
    ['a Temporal deadline', grpcError(4, 'DEADLINE_EXCEEDED'), 'temporal-unavailable'],
    [
      'Temporal unavailable, wrapped by the client',
      new ServiceError('request failed', { cause: grpcError(14, 'UNAVAILABLE') }),
      'temporal-unavailable',
    ],
    [
      'the broker unreachable',
      new KafkaJSConnectionError('Connection error: ECONNREFUSED'),
      'kafka-unavailable',
    ],
    [
      'the broker unreachable after kafkajs retried',
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), {
        retryCount: 5,
        retryTime: 100,
      }),
      'kafka-unavailable',
    ],
    [
      'too few in-sync replicas',
      new KafkaJSProtocolError({
        type: 'NOT_ENOUGH_REPLICAS',
        code: 19,
        retriable: true,
        message: 'fewer in-sync replicas than required',
      } as unknown as Error),
      'kafka-unavailable',
    ],
    ["this process's queries of open journeys at their bound", new ReadsBusy(1), 'temporal-unavailable'],
    [
      'a query no worker answered in time',
      new ServiceError('Failed to query Workflow', {
        cause: grpcError(4, 'DEADLINE_EXCEEDED', 'query timed out before a worker could process it'),
      }),
      'temporal-unavailable',
    ],
    [
      "a query while the journey's workflow task is retried after timing out",
      new ServiceError('Failed to query Workflow', {
        cause: grpcError(
          9,
          'FAILED_PRECONDITION',
          'Unable to query workflow due to Workflow Task in failed state.',
          'WorkflowNotReadyFailure',
        ),
      }),
      'temporal-unavailable',
    ],
    [
      "an update while the journey's workflow task is retried after timing out",
      new ServiceError('Workflow Update failed', {
        cause: grpcError(
          9,
          'FAILED_PRECONDITION',
          'Unable to perform workflow execution update due to Workflow Task in failed state.',
          'WorkflowNotReadyFailure',
        ),
      }),
      'temporal-unavailable',
    ],
    [
      'a query while no worker polls the journeys',
      new ServiceError('Failed to query Workflow', {
        cause: grpcError(
          9,
          'FAILED_PRECONDITION',
          'no poller seen for task queue recently, worker may be down',
        ),
      }),
      'temporal-unavailable',
    ],
    [
      'a call the server cancelled',
      new ServiceError('Failed to signal Workflow', { cause: grpcError(1, 'CANCELLED', 'context canceled') }),
      'temporal-unavailable',
    ],
  ])('%s is infrastructure away: waited out', (_what, error, cause) => {
    expect(classifyFailure(error)).toEqual({ kind: 'infrastructure-away', cause });
  });

  test.each([
    [
      'a defect',
      new TypeError("Cannot read properties of undefined (reading 'levels')"),
      'internal-error',
      'TypeError',
    ],
    [
      'a Temporal refusal',
      new ServiceError('request failed', { cause: grpcError(3, 'INVALID_ARGUMENT') }),
      'temporal-refused',
      'INVALID_ARGUMENT',
    ],
    [
      'the broker refusing a record',
      new KafkaJSProtocolError({
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
        message: 'The request included a message larger than the max message size the server will accept',
      } as unknown as Error),
      'internal-error',
      'MESSAGE_TOO_LARGE',
    ],
    [
      'any other unmet precondition',
      new ServiceError('Failed to start Workflow', {
        cause: grpcError(9, 'FAILED_PRECONDITION', 'Namespace is not in an active state'),
      }),
      'temporal-refused',
      'FAILED_PRECONDITION',
    ],
    [
      'a query the journey has no handler for, or whose handler failed',
      new QueryNotRegisteredError('unknown queryType stateOfMind', 3),
      'internal-error',
      'QueryNotRegisteredError',
    ],
    ['something thrown that is not an Error', 'boom', 'internal-error', 'string'],
  ])('%s is permanent: a dead letter after a few attempts', (_what, error, reason, code) => {
    expect(classifyFailure(error)).toEqual({ kind: 'permanent', reason, code });
  });
});

describe('dead letters always fit', () => {
  const origin = (key: string, value: string) => ({
    topic: 'carepath.client-events.v1',
    partition: 0,
    offset: '7',
    key: Buffer.from(key),
    value: Buffer.from(value),
  });
  const invalid = (detail: string) => ({
    kind: 'dead-letter' as const,
    reason: 'invalid-event' as const,
    detail,
  });
  const sizeOf = (letter: ReturnType<typeof deadLetterRecord>) =>
    (letter.key?.length ?? 0) +
    (letter.value?.length ?? 0) +
    Object.entries(letter.headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0);

  test('a detail of megabytes is cut to a few KB, and says so', () => {
    const letter = deadLetterRecord(
      'dlq',
      origin('client-1', '{}'),
      invalid('data.x.0: bad; '.repeat(200_000)),
      65536,
    );
    const detail = letter.headers[deadLetterHeaders.detail] ?? '';
    expect(detail.length).toBeLessThanOrEqual(deadLetterDetailMaxLength);
    expect(detail.length).toBeLessThanOrEqual(4096);
    expect(detail).toMatch(/… \(truncated\)$/);
    expect(letter.value?.toString()).toBe('{}');
  });

  test('a value that would not fit the broker limit is left out, with a header saying so', () => {
    const letter = deadLetterRecord('dlq', origin('client-1', 'x'.repeat(70_000)), invalid('d'), 65536);
    expect(letter.value).toBeNull();
    expect(letter.key?.toString()).toBe('client-1');
    expect(letter.headers[deadLetterHeaders.dropped]).toBe('value');
    expect(sizeOf(letter)).toBeLessThan(65536);
  });

  test('an oversized key is left out and a small value kept; when neither fits, both are left out', () => {
    const bigKey = deadLetterRecord('dlq', origin('k'.repeat(70_000), '{}'), invalid('d'), 65536);
    expect(bigKey.key).toBeNull();
    expect(bigKey.value?.toString()).toBe('{}');
    expect(bigKey.headers[deadLetterHeaders.dropped]).toBe('key');
    const both = deadLetterRecord('dlq', origin('k'.repeat(70_000), 'v'.repeat(70_000)), invalid('d'), 65536);
    expect([both.key, both.value]).toEqual([null, null]);
    expect(both.headers[deadLetterHeaders.dropped]).toBe('key,value');
  });

  test('the fallback when the broker refused the full one has headers only, and keeps reason and origin', () => {
    const letter = minimalDeadLetterRecord(
      'dlq',
      origin('client-1', '{}'),
      invalid('x'.repeat(5000)),
      'MESSAGE_TOO_LARGE',
    );
    expect(letter).toMatchObject({ topic: 'dlq', key: null, value: null });
    expect(letter.headers).toMatchObject({
      [deadLetterHeaders.reason]: 'invalid-event',
      [deadLetterHeaders.offset]: '7',
      [deadLetterHeaders.dropped]: 'key,value',
    });
    expect(letter.headers[deadLetterHeaders.detail]).toContain('MESSAGE_TOO_LARGE');
    expect(sizeOf(letter)).toBeLessThan(1024);
  });

  test('a message failing on every element of a long array lists the first problems and counts the rest', () => {
    const value = {
      ...inboundEnvelope(attended),
      data: { ...attended, hours: Array.from({ length: 30_000 }, () => 1) },
    };
    const decoded = decodeInbound(record(value), 1_000_000, feed);
    expect(decoded).toMatchObject({ kind: 'dead-letter', reason: 'invalid-event' });
    expect(decoded.kind === 'dead-letter' && decoded.detail.length).toBeLessThan(deadLetterDetailMaxLength);
  });

  test('the key counts towards the message size', () => {
    expect(decodeInbound(record(inboundEnvelope(attended), 'k'.repeat(70_000)), 65536, feed)).toMatchObject({
      reason: 'message-too-large',
    });
  });
});

describe('the bridge monitor', () => {
  test('healthy while messages pass; degraded while one is retried or held past the threshold', () => {
    let now = 0;
    const monitor = new BridgeMonitor({ stallMs: 60_000, now: () => now });
    monitor.began(2, '41');
    expect(monitor.health()).toEqual({ ok: true });
    monitor.retrying(2, '41', 'delivery to Temporal', 'temporal-unavailable', 1);
    expect(monitor.health()).toEqual({
      ok: false,
      detail: expect.stringMatching(
        /partition 2 offset 41 .*retrying delivery to Temporal \(temporal-unavailable/,
      ),
    });
    monitor.finished(2, '41');
    monitor.began(3, '9');
    now = 61_000;
    expect(monitor.health()).toEqual({ ok: false, detail: 'partition 3 offset 9 in hand for 61 s' });
    monitor.finished(3, '9');
    expect(monitor.health()).toEqual({ ok: true });
  });

  test('tells apart the records in hand on one partition, one per client', () => {
    let now = 0;
    const monitor = new BridgeMonitor({ stallMs: 60_000, now: () => now });
    monitor.began(1, '7');
    monitor.began(1, '8');
    monitor.retrying(1, '8', 'delivery to Temporal', 'temporal-unavailable', 1);
    monitor.finished(1, '7');
    expect(monitor.health()).toEqual({ ok: false, detail: expect.stringMatching(/^partition 1 offset 8 /) });
    monitor.finished(1, '8');
    now = 61_000;
    expect(monitor.health()).toEqual({ ok: true });
  });

  test('counts retries and dead letters by reason, never by client', async () => {
    const monitor = new BridgeMonitor({ stallMs: 60_000 });
    monitor.deadLettered('unknown-program');
    monitor.deadLettered('unknown-program');
    monitor.retrying(0, '0', 'dead-letter send', 'kafka-unavailable', 1);
    const text = await monitor.registry.metrics();
    expect(text).toContain('carepath_bridge_dead_letters_total{reason="unknown-program"} 2');
    expect(text).toContain(
      'carepath_bridge_retries_total{what="dead-letter send",cause="kafka-unavailable"} 1',
    );
  });
});
