import { Client, type Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { ApiMetrics } from '../../api/metrics';
import type { ApiContext } from '../../api/context';
import { buildApi } from '../../api/server';
import { generateToken, hashToken, TokenRegistry } from '../../api/tokens';
import { ReadsBusy } from '../../client/errors';
import { Journeys } from '../../client/journeys';
import { QueryLimiter, type ReadSettings } from '../../client/query-limiter';
import { getProgram, shippedPrograms } from '../../programs';
import { admitTo } from './pathway/fixtures';

/**
 * Stands in for the Temporal frontend behind a real client: every journey is open and each query
 * waits until the test answers it, so the test sees how many are in flight at once.
 */
class OpenJourneysPort {
  readonly pending: { workflowId: string; answer: (value: unknown) => void; fail: (error: Error) => void }[] =
    [];
  inFlight = 0;
  maxInFlight = 0;

  asClient(): Client {
    const queryWorkflow = (request: { execution: { workflowId: string } }) => {
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      return new Promise((resolve, reject) =>
        this.pending.push({
          workflowId: request.execution.workflowId,
          answer: (value) => {
            this.inFlight -= 1;
            resolve({ queryResult: { payloads: [defaultPayloadConverter.toPayload(value)] } });
          },
          fail: (error) => {
            this.inFlight -= 1;
            reject(error);
          },
        }),
      );
    };
    const connection = { workflowService: { queryWorkflow } } as unknown as Connection;
    return new Client({ connection });
  }

  /** Answers the oldest query in flight. */
  answerNext(value: unknown = { answered: true }): string {
    const next = this.pending.shift();
    if (!next) throw new Error('no query in flight');
    next.answer(value);
    return next.workflowId;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const limited = (port: OpenJourneysPort, reads: Partial<ReadSettings>) =>
  new Journeys(port.asClient(), 'journeys', shippedPrograms, {}, reads);

describe('reads of open journeys are bounded per process', () => {
  test('a burst never has more queries in flight than allowed; the queue past its bound is refused with when to retry', async () => {
    const port = new OpenJourneysPort();
    const journeys = limited(port, { maxConcurrentQueries: 3, maxQueuedQueries: 5, retryAfterSeconds: 2 });
    const burst = Array.from({ length: 20 }, (_, i) =>
      journeys.state(`client-${i}`).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    await settle();
    expect(port.inFlight).toBe(3);
    while (port.pending.length > 0) {
      port.answerNext();
      await settle();
    }
    const outcomes = await Promise.all(burst);
    expect(port.maxInFlight).toBe(3);
    expect(outcomes.filter((o) => o === 'answered')).toHaveLength(8);
    const refused = outcomes.filter((o) => o !== 'answered');
    expect(refused).toHaveLength(12);
    for (const refusal of refused) {
      expect(refusal).toBeInstanceOf(ReadsBusy);
      expect(refusal).toMatchObject({ retryAfterSeconds: 2 });
    }
  });

  test('waiting reads are sent first come, first served', async () => {
    const port = new OpenJourneysPort();
    const journeys = limited(port, { maxConcurrentQueries: 1, maxQueuedQueries: 10 });
    const reads = ['a', 'b', 'c', 'd'].map((id) => journeys.history(id));
    await settle();
    const order: string[] = [];
    while (order.length < reads.length) {
      order.push(port.answerNext([]));
      await settle();
    }
    expect(order).toEqual(['episode-a', 'episode-b', 'episode-c', 'episode-d']);
    await Promise.all(reads);
  });

  test('a failed query frees its place for the next one', async () => {
    const limiter = new QueryLimiter({ maxConcurrentQueries: 1, maxQueuedQueries: 0 });
    await expect(limiter.run(() => Promise.reject(new Error('query failed')))).rejects.toThrow(
      'query failed',
    );
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});

describe('the API answers a read refused as busy with 503 and Retry-After', () => {
  const token = generateToken();

  test('a second read while the only query place is taken and no queue is allowed', async () => {
    const port = new OpenJourneysPort();
    const ctx = {
      journeys: limited(port, { maxConcurrentQueries: 1, maxQueuedQueries: 0, retryAfterSeconds: 3 }),
      metrics: new ApiMetrics(),
    } as ApiContext;
    const tokens = new TokenRegistry({
      tokens: [{ sha256: hashToken(token), staffId: 'staff-417', role: 'viewer' }],
    });
    const app = await buildApi(ctx, tokens);
    try {
      const get = (url: string) =>
        app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      const first = get('/v1/clients/client-1');
      await settle();
      while (port.pending.length === 0) await settle();
      const busy = await get('/v1/clients/client-2/history');
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('3');
      expect(busy.headers['content-type']).toContain('application/problem+json');
      expect(busy.json()).toMatchObject({
        type: 'urn:carepath:problem:reads-busy',
        status: 503,
        retryAfterSeconds: 3,
        detail: expect.stringContaining('retry after 3 s'),
      });
      const admitted = admitTo(getProgram('step-down-iop')).state;
      port.answerNext(admitted);
      const answered = await first;
      expect(answered.statusCode).toBe(200);
      expect(answered.json()).toMatchObject({ clientId: admitted.clientId, episodeId: admitted.episodeId });
    } finally {
      await app.close();
    }
  });
});
