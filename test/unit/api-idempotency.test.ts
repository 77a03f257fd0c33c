import { ApiProblem } from '../../api/problem';
import {
  idFromKey,
  IdempotencyStore,
  MemoryAnswerStore,
  type AnswerStore,
  type RememberedAnswer,
  type StoredAnswer,
} from '../../api/idempotency';
import { caseloadVisibilityQuery } from '../../api/caseload';

const ok = (body: unknown): StoredAnswer => ({ status: 200, body, headers: {} });

describe('IdempotencyStore', () => {
  test('a repeat with the same key and request gets the first answer without running again', async () => {
    const store = new IdempotencyStore();
    let runs = 0;
    const run = jest.fn(async () => ok({ n: ++runs }));
    const first = await store.answer('staff-1 POST /x', 'k', { a: 1 }, run);
    const again = await store.answer('staff-1 POST /x', 'k', { a: 1 }, run);
    expect(run).toHaveBeenCalledTimes(1);
    expect(first).toEqual({ ...ok({ n: 1 }), replayed: false });
    expect(again).toEqual({ ...ok({ n: 1 }), replayed: true });
  });

  test('concurrent repeats wait for the one running request', async () => {
    const store = new IdempotencyStore();
    let release!: () => void;
    const run = jest.fn(() => new Promise<StoredAnswer>((resolve) => (release = () => resolve(ok('done')))));
    const answers = [1, 2, 3].map(() => store.answer('s', 'k', {}, run));
    while (run.mock.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    release();
    expect((await Promise.all(answers)).map((a) => a.replayed)).toEqual([false, true, true]);
    expect(run).toHaveBeenCalledTimes(1);
  });

  test('the same key for a different request is refused with 422', async () => {
    const store = new IdempotencyStore();
    await store.answer('s', 'k', { reason: 'a' }, async () => ok(1));
    const reused = store.answer('s', 'k', { reason: 'b' }, async () => ok(2));
    await expect(reused).rejects.toBeInstanceOf(ApiProblem);
    await expect(store.answer('s', 'k', { reason: 'b' }, async () => ok(2))).rejects.toMatchObject({
      status: 422,
      slug: 'idempotency-key-reused',
    });
  });

  test('keys are scoped: another staff member or route with the same key runs anew', async () => {
    const store = new IdempotencyStore();
    await store.answer('staff-1 POST /x', 'k', {}, async () => ok(1));
    expect((await store.answer('staff-2 POST /x', 'k', {}, async () => ok(2))).body).toBe(2);
  });

  test('server errors and thrown errors are not kept, so a retry runs again', async () => {
    const store = new IdempotencyStore();
    await store.answer('s', 'k', {}, async () => ({ status: 503, body: null, headers: {} }));
    expect((await store.answer('s', 'k', {}, async () => ok('after outage'))).replayed).toBe(false);
    await expect(store.answer('s', 'j', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await store.answer('s', 'j', {}, async () => ok('retried'))).body).toBe('retried');
  });

  test('answers expire after the time to live', async () => {
    let now = 0;
    const store = new IdempotencyStore({ store: new MemoryAnswerStore(1 << 20, () => now), ttlMs: 1000 });
    await store.answer('s', 'k', {}, async () => ok(1));
    now = 1001;
    expect(await store.answer('s', 'k', {}, async () => ok(2))).toEqual({ ...ok(2), replayed: false });
  });

  test('answers come from the plugged-in store, so another process sharing it replays them', async () => {
    const shared = new MemoryAnswerStore(1 << 20);
    await new IdempotencyStore({ store: shared }).answer('s', 'k', { a: 1 }, async () => ok('first'));
    const otherProcess = new IdempotencyStore({ store: shared });
    const run = jest.fn(async () => ok('second'));
    expect(await otherProcess.answer('s', 'k', { a: 1 }, run)).toEqual({ ...ok('first'), replayed: true });
    expect(run).not.toHaveBeenCalled();
    await expect(otherProcess.answer('s', 'k', { a: 2 }, run)).rejects.toMatchObject({ status: 422 });
  });

  test('a failing store costs the replay, never the write', async () => {
    const broken: AnswerStore = {
      get: () => Promise.reject(new Error('store away')),
      put: () => Promise.reject(new Error('store away')),
    };
    const store = new IdempotencyStore({ store: broken });
    const run = jest.fn(async () => ok('done'));
    expect(await store.answer('s', 'k', {}, run)).toEqual({ ...ok('done'), replayed: false });
    expect(await store.answer('s', 'k', {}, run)).toEqual({ ...ok('done'), replayed: false });
    expect(run).toHaveBeenCalledTimes(2);
  });
});

describe('MemoryAnswerStore', () => {
  const remembered = (body: string): RememberedAnswer => ({ fingerprint: 'f', answer: ok(body) });
  // What one entry weighs: its id and its JSON, in UTF-8.
  const weight = (id: string, body: string) =>
    Buffer.byteLength(id) + Buffer.byteLength(JSON.stringify(remembered(body)));

  test('keeps at most its bound in bytes, forgetting the oldest answers first', async () => {
    const body = 'x'.repeat(1000);
    const one = weight('a', body);
    const store = new MemoryAnswerStore(3 * one);
    for (const id of ['a', 'b', 'c']) await store.put(id, remembered(body), 60_000);
    expect(store.bytes).toBe(3 * one);
    await store.put('d', remembered(body), 60_000);
    expect(store.bytes).toBeLessThanOrEqual(3 * one);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toEqual(remembered(body));
    expect(await store.get('d')).toEqual(remembered(body));
  });

  test('a large answer pushes out as many old ones as it needs', async () => {
    const small = 'x'.repeat(100);
    const w = weight('a', small);
    const store = new MemoryAnswerStore(w * 10);
    for (const id of 'abcdefghij') await store.put(id, remembered(small), 60_000);
    expect(store.size).toBe(10);
    // Heavier than three small answers, lighter than four: four must go.
    const big = 'y'.repeat(3 * w);
    expect(weight('big', big)).toBeGreaterThan(3 * w);
    expect(weight('big', big)).toBeLessThan(4 * w);
    await store.put('big', remembered(big), 60_000);
    expect(store.size).toBe(7);
    expect(await store.get('d')).toBeUndefined();
    expect(await store.get('e')).toBeDefined();
    expect(await store.get('big')).toBeDefined();
  });

  test('counts bytes, not characters, and keeps nothing larger than the whole bound', async () => {
    const store = new MemoryAnswerStore(weight('a', 'é'.repeat(100)));
    expect(weight('a', 'é'.repeat(100))).toBeGreaterThan(weight('a', 'e'.repeat(100)));
    await store.put('a', remembered('é'.repeat(100)), 60_000);
    expect(await store.get('a')).toBeDefined();
    await store.put('huge', remembered('z'.repeat(10_000)), 60_000);
    expect(await store.get('huge')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
  });

  test('an answer with a shorter time to live than older ones still expires on time', async () => {
    let now = 0;
    const store = new MemoryAnswerStore(1 << 20, () => now);
    await store.put('long', remembered('a'), 1000);
    await store.put('short', remembered('b'), 10);
    now = 20;
    expect(await store.get('short')).toBeUndefined();
    expect(await store.get('long')).toEqual(remembered('a'));
    expect(store.bytes).toBe(weight('long', 'a'));
  });

  test('the first answer under an id is kept; forgotten answers give their bytes back', async () => {
    let now = 0;
    const store = new MemoryAnswerStore(1 << 20, () => now);
    await store.put('a', remembered('first'), 1000);
    await store.put('a', remembered('second'), 1000);
    expect(await store.get('a')).toEqual(remembered('first'));
    expect(store.bytes).toBe(weight('a', 'first'));
    now = 1000;
    expect(await store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });
});

test('ids derived from a key are stable, valid identifiers, and differ by scope', () => {
  const id = idFromKey('cmd', 'staff-1\nPOST /v1/clients/c-1/transitions', 'key-1');
  expect(id).toMatch(/^cmd-[0-9a-f]{40}$/);
  expect(idFromKey('cmd', 'staff-1\nPOST /v1/clients/c-1/transitions', 'key-1')).toBe(id);
  expect(idFromKey('cmd', 'staff-2\nPOST /v1/clients/c-1/transitions', 'key-1')).not.toBe(id);
});

test('the caseload query filters on the search attributes and leaves out continued-as-new runs', () => {
  expect(caseloadVisibilityQuery({})).toBe(
    "WorkflowType = 'episodeWorkflow' AND ExecutionStatus != 'ContinuedAsNew'",
  );
  expect(
    caseloadVisibilityQuery({
      level: 'iop',
      program: 'holistic-iop',
      risk: 'high',
      status: 'active',
    }),
  ).toBe(
    "WorkflowType = 'episodeWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND CareLevel = 'iop' AND ProgramId = 'holistic-iop' AND RiskLevel = 'high' AND EpisodeStatus = 'active'",
  );
  // A token scoped to programs sees only their episodes.
  expect(caseloadVisibilityQuery({}, ['holistic-iop', 'default'])).toBe(
    "WorkflowType = 'episodeWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND ProgramId IN ('holistic-iop', 'default')",
  );
});
