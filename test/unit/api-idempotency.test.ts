import { ApiProblem } from '../../api/problem';
import { idFromKey, IdempotencyStore, type StoredAnswer } from '../../api/idempotency';
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
    const store = new IdempotencyStore(1000, 10, () => now);
    await store.answer('s', 'k', {}, async () => ok(1));
    now = 1001;
    expect(await store.answer('s', 'k', {}, async () => ok(2))).toEqual({ ...ok(2), replayed: false });
  });

  test('holds at most its limit, forgetting the oldest', async () => {
    const store = new IdempotencyStore(60_000, 2);
    for (const key of ['a', 'b', 'c']) await store.answer('s', key, {}, async () => ok(key));
    expect((await store.answer('s', 'a', {}, async () => ok('again'))).replayed).toBe(false);
    expect((await store.answer('s', 'c', {}, async () => ok('again'))).replayed).toBe(true);
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
