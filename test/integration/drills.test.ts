import { startLab, type Lab } from '../../testkit/lab';
import { Harness } from '../../drills/harness';
import { kafkaOutageDrill } from '../../drills/kafka-outage';
import { malformedDrill } from '../../drills/malformed';
import { poisonDrill, poisonKinds } from '../../drills/poison';
import { redeliveryDrill } from '../../drills/redelivery';
import { countsTable, drillAccount, type DrillResult } from '../../drills/report';
import { temporalRestartDrill } from '../../drills/temporal-restart';
import { workerKillDrill } from '../../drills/worker-kill';

/**
 * Short versions of the reliability drills (`npm run drill` runs the full ones), on a lab of this
 * file's own: the drills stop and restart its servers and SIGKILL its services process, so they
 * never share the run's stack.
 */
jest.setTimeout(240_000);

let lab: Lab | undefined;
let harness: Harness | undefined;
const open = () => {
  if (!harness) throw new Error('the lab did not start');
  return harness;
};

beforeAll(async () => {
  lab = await startLab(() => undefined);
  harness = await Harness.open(lab, () => undefined);
}, 240_000);

afterAll(async () => {
  await harness?.close(5000);
  await lab?.close();
});

const clients = 6;
const events = 6;
const load = { clients, events, seed: 8, settleSeconds: 150 };

/**
 * Passed, with every count as the scenario says: nothing missing, nothing applied twice, every
 * inbound record applied, recognised as a redelivery or dead-lettered, no journey's history over
 * its bound and none frozen.
 */
function expectPassed(result: DrillResult, sent: number, deadLetters = 0, redeliveries = 0): void {
  expect(result.problems).toEqual([]);
  expect(result.passed).toBe(true);
  const { counts } = result;
  expect(counts).toMatchObject({
    sent,
    applied: clients * events,
    expectedApplied: clients * events,
    published: counts.expectedPublished,
    missing: 0,
    unexpected: 0,
    deadLettered: deadLetters,
    expectedDeadLetters: deadLetters,
    stateMismatches: 0,
    frozen: 0,
  });
  // A send retried after a lost acknowledgement may store a record twice: one more redelivery.
  expect(counts.produced).toBeGreaterThanOrEqual(sent);
  expect(counts.redeliveries).toBeGreaterThanOrEqual(redeliveries);
  expect(counts.produced).toBe(counts.applied + counts.redeliveries + counts.deadLettered);
  expect(counts.longestHistory).toBeGreaterThan(0);
  expect(counts.longestHistory).toBeLessThanOrEqual(counts.historyBound);
  // Every client's admission alone publishes an episode-started event.
  expect(counts.expectedPublished).toBeGreaterThan(clients);
}

test('redelivery: every event sent twice, some out of order → each applied once', async () => {
  const result = await redeliveryDrill(open(), { ...load, reorderShare: 0.3, copySpread: 4 });
  // Duplicates are not asserted: a workflow task that times out on a starved machine sends its
  // batch again, with the same ids, exactly as after a crash (at-least-once, de-duplicated downstream).
  expectPassed(result, 2 * clients * events, 0, clients * events);
});

test('worker-kill: services SIGKILLed twice under load and restarted → nothing lost or applied twice', async () => {
  const result = await workerKillDrill(open(), { ...load, kills: 2, killEverySeconds: 3 });
  expectPassed(result, clients * events);
});

test('kafka-outage: broker stopped 5 s under load → nothing lost or applied twice', async () => {
  const result = await kafkaOutageDrill(open(), { ...load, downSeconds: 5, leadSeconds: 3 });
  expectPassed(result, clients * events);
});

test('temporal-restart: dev server stopped and restarted mid-run → nothing lost or applied twice', async () => {
  const result = await temporalRestartDrill(open(), { ...load, downSeconds: 5, leadSeconds: 3 });
  expectPassed(result, clients * events);
});

test('malformed: 50 bad messages among valid ones → all dead-lettered with reasons, valid traffic whole', async () => {
  const result = await malformedDrill(open(), { ...load, bad: 50 });
  expectPassed(result, clients * events + 50, 50);
});

test('poison: one message of each poison kind among valid ones, the broker down 30 s → each dead-lettered with its reason by the bridge or the journey, every client applied', async () => {
  // Longer than a send's two attempts in the worker, so journeys deciding meanwhile fail send rounds.
  const result = await poisonDrill(open(), {
    ...load,
    bad: poisonKinds.length,
    kafkaDownSeconds: 30,
    leadSeconds: 3,
  });
  expectPassed(result, clients * events + poisonKinds.length, poisonKinds.length);
  // Journeys refuse some kinds themselves: those dead letters are counted too.
  expect(poisonKinds.map((kind) => kind.reason)).toEqual(
    expect.arrayContaining(['event-before-admission', 'event-id-conflict', 'event-refused']),
  );
  process.stdout.write(`${drillAccount(result)}\n${countsTable([result])}\n`);
});
